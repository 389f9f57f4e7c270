"""Shared data, oracles and checks of the graded tests of c2w2_optimization.

Oracles: pandas' ``Series.ewm`` / ``DataFrame.ewm`` for exponentially weighted averages (and so
for the v and s of momentum, RMSprop and Adam), Keras' optimizers (``SGD`` with momentum,
``RMSprop``, ``Adam``) applied to ``tf.Variable``s for the parameter trajectories, and Keras'
learning-rate schedules. Where Keras' formula differs from the course's, the test that uses it
says where and how the two are made to agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # annotations only: an oracle imports what it runs (a check needing neither skips 4 s)
    import keras

from grader import checks, split_task

TASK = "c2w2_optimization."


# ---------------------------------------------------------------------------------------------
# Parameters, gradients and states
# ---------------------------------------------------------------------------------------------

def parameter_keys(parameters: dict[str, np.ndarray]) -> list[str]:
    """["W1", "b1", ..., "WL", "bL"] in the course's order."""
    return [f"{kind}{l}" for l in range(1, len(parameters) // 2 + 1) for kind in ("W", "b")]


def course_case(W2_shape: tuple[int, int] = (3, 2)) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The course's update test case: after ``np.random.seed(1)``, ``randn`` draws W1 (2, 3),
    b1 (2, 1), W2, b2 (3, 1), then dW1, db1, dW2, db2 in that order (W2 is (3, 2) in the current
    notebook, (3, 3) in the earlier one). A local RandomState(1) draws the same numbers."""
    rng = np.random.RandomState(1)
    shapes = {"W1": (2, 3), "b1": (2, 1), "W2": W2_shape, "b2": (3, 1)}
    parameters = {key: rng.randn(*shape) for key, shape in shapes.items()}
    grads = {"d" + key: rng.randn(*shape) for key, shape in shapes.items()}
    return parameters, grads


def random_network(seed: int, layer_dims: Sequence[int] = (3, 4, 2)) -> dict[str, np.ndarray]:
    """Parameters {"W1", "b1", ...} of a network with the given layer sizes (n0, n1, ..., nL)."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.normal(size=(layer_dims[l], layer_dims[l - 1]))
        parameters[f"b{l}"] = rng.normal(size=(layer_dims[l], 1))
    return parameters


def random_grads(parameters: dict[str, np.ndarray], seed: int, steps: int,
                 scale: float = 1.0) -> list[dict[str, np.ndarray]]:
    """``steps`` gradient dicts {"dW1", "db1", ...} shaped like ``parameters``."""
    rng = np.random.default_rng(seed)
    return [{"d" + key: scale * rng.normal(size=value.shape) for key, value in parameters.items()}
            for _ in range(steps)]


def zeros_state(parameters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """{"dW1": zeros like W1, ...}: the initial v or s, built by the test itself."""
    return {"d" + key: np.zeros(value.shape) for key, value in parameters.items()}


def check_dict(value: Any, like: dict[str, np.ndarray], call: str, name: str,
               prefix: str = "") -> dict[str, np.ndarray]:
    """``value`` must be a dict with the key ``prefix + key`` for every key of ``like``, each entry
    shaped like ``like[key]``; returns those entries as float arrays (keys as in ``like``)."""
    expected_keys = sorted(prefix + key for key in like)
    if not isinstance(value, dict):
        checks.fail(f"{call}: {name} should be a dict with the keys {expected_keys}, "
                    f"got {type(value).__name__}")
    missing = [key for key in expected_keys if key not in value]
    if missing:
        checks.fail(f"{call}: {name} has the keys {sorted(map(str, value))}, expected {expected_keys} "
                    f"(missing {missing}; the course's keys are W1, b1, ... for parameters and "
                    "dW1, db1, ... for gradients, v and s)")
    return {key: checks.check_shape(value[prefix + key], like[key].shape, call=call,
                                    name=f'{name}["{prefix + key}"]')
            for key in like}


def check_dict_close(got: dict[str, np.ndarray], expected: dict[str, np.ndarray], call: str,
                     name: str, prefix: str = "", rtol: float = 1e-7, atol: float = 1e-10,
                     mistakes: Callable[[str], checks.KnownMistakes] | None = None) -> None:
    """Compare each entry of ``got`` (from :func:`check_dict`) with ``expected``; ``mistakes(key)``
    gives the known mistakes for that entry."""
    for key, value in expected.items():
        checks.check_close(got[key], value, call=call, name=f'{name}["{prefix + key}"]', rtol=rtol,
                           atol=atol, mistakes=None if mistakes is None else mistakes(key))


def in_place_mistakes(task: str, *args: Any) -> checks.KnownMistakes:
    """The known mistakes of ``task`` called with ``args``, each as (its result, whether it wrote into
    the arrays of the dicts it was given): a failure about in-place changes names only the mistakes
    that make them, not one that merely happens to return the right values on these inputs."""
    name = split_task(task)[1]

    def run(module: Any) -> tuple[Any, bool]:
        copies = [{key: np.array(value) for key, value in arg.items()} if isinstance(arg, dict) else arg
                  for arg in args]
        result = getattr(module, name)(*copies)
        changed = any(not np.array_equal(copy[key], arg[key]) for copy, arg in zip(copies, args)
                      if isinstance(arg, dict) for key in arg)
        return result, changed

    return checks.known_mistakes(task, run=run)


def fail_if_arguments_changed(seen: Any, call: str, result: Any, mistakes: checks.KnownMistakes,
                              **dicts: dict[str, np.ndarray]) -> None:
    """Fail when the call (which returned ``result``) wrote into one of the arrays of the dicts it
    was given; the message names the known in-place mistake (``mistakes`` from
    :func:`in_place_mistakes`) that returns the same values, if any. The tolerance is tight, so that
    an epsilon placed elsewhere (1e-8) does not pass for the right values."""
    for name, mapping in dicts.items():
        for key, array in mapping.items():
            if seen.changed(array):
                named = mistakes.named(lambda value: value[1] and checks.same(value[0], result, rtol=1e-12,
                                                                              atol=1e-14))
                checks.fail(f'{call} changed {name}["{key}"] in place (an in-place `-=`, `*=` or `[...] =` '
                            "on an array it was given). Return new arrays, e.g. "
                            f'`parameters["W1"] = parameters["W1"] - learning_rate * ...`: the caller may '
                            "still hold the old arrays (the previous parameters, the gradients, the old v)"
                            + named)


# ---------------------------------------------------------------------------------------------
# Exponentially weighted averages (pandas)
# ---------------------------------------------------------------------------------------------

def ewm_oracle(values: np.ndarray, beta: float, bias_correction: bool = False) -> np.ndarray:
    """v_1..v_T of the rows of ``values`` (T, ...) computed by pandas, each entry separately.

    Both routes are exact, not approximations of the course's formula:
    - without correction: ``ewm(alpha=1 - β, adjust=False)`` on the series prefixed by v_0 = 0 is
      y_0 = 0, y_t = (1 - α)·y_{t-1} + α·θ_t = β·y_{t-1} + (1 - β)·θ_t, the course's v_t (the
      prefix is then dropped). Without the prefix pandas would start at y_1 = θ_1, not 0.
    - with correction: ``ewm(alpha=1 - β, adjust=True)`` is sum_i β^i·θ_{t-i} / sum_i β^i over
      i = 0..t-1, and sum_i β^i = (1 - β^t)/(1 - β), so it equals v_t / (1 - β^t).
    They agree with the course's recursion to rounding (about 1e-15 relative).
    """
    import pandas as pd
    values = np.asarray(values, dtype=np.float64)
    flat = values.reshape(values.shape[0], -1)
    frame = pd.DataFrame(flat)
    if bias_correction:
        result = frame.ewm(alpha=1 - beta, adjust=True).mean().to_numpy()
    else:
        prefixed = pd.concat([pd.DataFrame(np.zeros((1, flat.shape[1]))), frame], ignore_index=True)
        result = prefixed.ewm(alpha=1 - beta, adjust=False).mean().to_numpy()[1:]
    return result.reshape(values.shape)


def ewm_of_dicts(sequence: list[dict[str, np.ndarray]], beta: float, bias_correction: bool = False,
                 square: bool = False) -> list[dict[str, np.ndarray]]:
    """The EWA (pandas) of a sequence of gradient dicts, key by key: entry t is v_t (of g² when
    ``square``), for the v and s that momentum, RMSprop and Adam keep."""
    keys = list(sequence[0])
    averaged = {key: ewm_oracle(np.stack([g[key] ** 2 if square else g[key] for g in sequence]), beta,
                                bias_correction) for key in keys}
    return [{key: averaged[key][t] for key in keys} for t in range(len(sequence))]


def temperatures(seed: int = 2) -> np.ndarray:
    """A year (365 days) of synthetic daily temperatures in °F, the lecture's London-like data: a
    seasonal curve (coldest around day 15, warmest around day 197) plus day-to-day noise."""
    return seasonal_curve() + np.random.default_rng(seed).normal(0.0, 6.0, size=365)


def seasonal_curve() -> np.ndarray:
    """The noiseless seasonal curve under :func:`temperatures`, 50 ± 20 °F."""
    days = np.arange(1, 366)
    return 50.0 - 20.0 * np.cos(2 * np.pi * (days - 15) / 365)


# ---------------------------------------------------------------------------------------------
# Keras optimizers as oracles
# ---------------------------------------------------------------------------------------------

def keras_trajectory(optimizer: keras.optimizers.Optimizer, parameters: dict[str, np.ndarray],
                     grads: list[dict[str, np.ndarray]],
                     before_step: Callable[[keras.optimizers.Optimizer, int], None] | None = None,
                     ) -> list[dict[str, np.ndarray]]:
    """The parameters after each of the steps ``optimizer.apply_gradients`` takes with the given
    gradients, on float64 ``tf.Variable``s (entry t - 1: after step t). ``before_step(optimizer,
    t)`` may adjust the optimizer before step t."""
    import tensorflow as tf
    variables = {key: tf.Variable(value, dtype=tf.float64) for key, value in parameters.items()}
    trajectory = []
    for t, step in enumerate(grads, start=1):
        if before_step is not None:
            before_step(optimizer, t)
        optimizer.apply_gradients([(tf.constant(step["d" + key], tf.float64), variable)
                                   for key, variable in variables.items()])
        trajectory.append({key: variable.numpy() for key, variable in variables.items()})
    return trajectory


def schedule_value(schedule: keras.optimizers.schedules.LearningRateSchedule, step: int) -> float:
    """A Keras learning-rate schedule at ``step``, as a Python float (Keras computes in float32)."""
    import keras
    return float(keras.ops.convert_to_numpy(schedule(step)))


# ---------------------------------------------------------------------------------------------
# The lecture's elongated bowl
# ---------------------------------------------------------------------------------------------

# J(W, b) = (W² + 100·b²)/2 with W = W1[0, 0] and b = b1[0, 0]: the lecture's picture, slow along
# W (the long axis), oscillating along b. Condition number 100.
CURVATURES = {"W1": 1.0, "b1": 100.0}
BOWL_START = {"W1": np.array([[-2.0]]), "b1": np.array([[1.0]])}


def bowl_cost(parameters: dict[str, np.ndarray]) -> float:
    return float(sum(0.5 * c * np.sum(np.asarray(parameters[key], dtype=np.float64) ** 2)
                     for key, c in CURVATURES.items()))


def bowl_grads(parameters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"d" + key: c * np.asarray(parameters[key], dtype=np.float64) for key, c in CURVATURES.items()}


def gradient_descent_steps_on_bowl(target: float, limit: int = 1000) -> int:
    """How many steps plain gradient descent needs on the bowl to bring the cost to ``target``, at
    its best fixed learning rate 2/(λ_min + λ_max) = 2/101 (above 2/100 it diverges along b)."""
    learning_rate = 2.0 / (min(CURVATURES.values()) + max(CURVATURES.values()))
    parameters = {key: value.copy() for key, value in BOWL_START.items()}
    for step in range(1, limit + 1):
        grads = bowl_grads(parameters)
        parameters = {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}
        if bowl_cost(parameters) <= target:
            return step
    return limit


def steps_to_reach(step: Callable[[dict[str, np.ndarray], int], dict[str, np.ndarray]], target: float,
                   budget: int, call: str) -> int | None:
    """Run ``step(parameters, t)`` (the student's update) from the bowl's start until the cost is at
    most ``target``; the number of steps, or None after ``budget`` steps."""
    parameters = {key: value.copy() for key, value in BOWL_START.items()}
    for t in range(1, budget + 1):
        parameters = check_dict(step(parameters, t), BOWL_START, call + f" (step {t})", "parameters")
        cost = bowl_cost(parameters)
        if not np.isfinite(cost):
            checks.fail(f"{call}: the cost is {cost} after step {t} (the updates diverge)")
        if cost <= target:
            return t
    return None


# ---------------------------------------------------------------------------------------------
# The initial states
# ---------------------------------------------------------------------------------------------

def check_state_zeros(state: Any, parameters: dict[str, np.ndarray], call: str, name: str,
                      mistakes: checks.KnownMistakes) -> None:
    """``state`` must be exactly {"dW1", "db1", ...}, zeros shaped like each parameter."""
    expected_keys = sorted("d" + key for key in parameters)
    if not isinstance(state, dict) or sorted(map(str, state)) != expected_keys:
        found = sorted(map(str, state)) if isinstance(state, dict) else type(state).__name__
        checks.fail(f"{call}: {name} should be a dict with exactly the keys {expected_keys} (one per parameter, "
                    f"the names of the gradients), got {found}" + mistakes.equal_to(state))
    for key, value in parameters.items():
        array = checks.to_array(state["d" + key], call=call, name=f'{name}["d{key}"]')
        if array.shape != value.shape:
            checks.fail(f'{call}: {name}["d{key}"] has shape {array.shape}, expected {value.shape}, the shape of '
                        f'parameters["{key}"]' + mistakes.equal_to(state))
        if np.any(array != 0):
            checks.fail(f'{call}: {name}["d{key}"] should be all zeros, got {array.ravel()[:4]}...'
                        + mistakes.equal_to(state))
