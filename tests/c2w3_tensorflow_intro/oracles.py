"""Shared data and oracles of the graded tests of c2w3_tensorflow_intro (one test file per graded function).

Oracles: the gradient-descent recursion ``w <- w - alpha * (2*x0*w + x1)`` and the closed-form
minimum ``w* = -x1 / (2*x0)`` in NumPy; ``tf.nn.sigmoid``; ``numpy.eye`` for one-hot columns; the
truncated normal that ``keras.initializers.GlorotNormal`` documents (scipy.stats); a NumPy
forward pass; ``keras.losses.CategoricalCrossentropy``; ``keras.optimizers.Adam`` on a
``tf.GradientTape`` of the test's own forward pass; synthetic Gaussian blobs for training.

The worker that runs the student's code puts back eager execution, the global default graph and
the global random seed after every call that changed them (:mod:`grader.effects`), so that one
student's ``tf.compat.v1.disable_eager_execution()`` fails its own test and not every later one;
:func:`watched` tells the tests that check it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from grader import checks, observe

TASK = "c2w3_tensorflow_intro."
COURSE = np.array([[1.0], [-20.0], [100.0]])  # J(w) = w**2 - 20 w + 100 = (w - 10)**2


def blobs(per_class: int, sample_seed: int, n_x: int = 4, n_y: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs around 3 fixed centres, ``per_class`` examples each, sorted by class.

    Returns X (n_x, m) and one-hot Y (n_y, m), float32, m = n_y * per_class.
    """
    centres = np.random.default_rng(0).normal(scale=3.0, size=(n_y, n_x))
    classes = np.repeat(np.arange(n_y), per_class)
    X = centres[classes] + np.random.default_rng(sample_seed).normal(size=(classes.size, n_x))
    return X.T.astype(np.float32), np.eye(n_y, dtype=np.float32)[classes].T


def watched(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[str], str]:
    """Call ``function``; return its result, the global TensorFlow state it changed (which the
    worker has put back) and what it printed."""
    with observe() as seen:
        result = function(*args, **kwargs)
    return result, seen.tensorflow_problems(), seen.printed


def gd_iterate(coefficients: np.ndarray, learning_rate: float, steps: int) -> float:
    """``w`` after ``steps`` gradient-descent steps on x0*w**2 + x1*w + x2 from w = 0, in float64."""
    x0, x1, _ = np.ravel(coefficients).astype(np.float64)
    w = 0.0
    for _ in range(steps):
        w -= learning_rate * (2.0 * x0 * w + x1)
    return w


def describe_descent(name: str, coefficients: np.ndarray, learning_rate: float | None,
                      num_iterations: int) -> str:
    lr = "" if learning_rate is None else f", learning_rate={learning_rate}"
    return (f"{name}(coefficients={np.ravel(coefficients).tolist()} as a (3, 1) column{lr}, "
            f"num_iterations={num_iterations})")


def checked_parameters(got: Any, layer_dims: list[int], call: str) -> dict[str, np.ndarray]:
    """Check keys, types and shapes of a parameters dict; return its values as arrays."""
    import keras
    import tensorflow as tf
    if not isinstance(got, dict):
        checks.fail(f"{call} should return a dict of parameters, got {type(got).__name__}")
    L = len(layer_dims) - 1
    expected = [f"{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]
    if sorted(got) != sorted(expected):
        checks.fail(f"{call} returned the keys {sorted(got)}, expected {sorted(expected)}")
    arrays = {}
    for l in range(1, L + 1):
        for key, shape in ((f"W{l}", (layer_dims[l], layer_dims[l - 1])), (f"b{l}", (layer_dims[l], 1))):
            if not isinstance(got[key], (tf.Variable, keras.Variable)):
                checks.fail(f"{call}: {key} should be a tf.Variable (state that a GradientTape "
                            f"watches and an optimizer updates), got {type(got[key]).__name__}")
            arrays[key] = checks.check_shape(got[key], shape, call=call, name=key)
    return arrays


def numpy_forward(X: np.ndarray, parameters: dict[str, Any],
                   hidden: Callable[[np.ndarray], np.ndarray] = lambda Z: np.maximum(Z, 0.0),
                   output: Callable[[np.ndarray], np.ndarray] = lambda Z: Z,
                   second: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """Z3 of LINEAR -> hidden -> LINEAR -> (second or hidden) -> LINEAR -> output, in float64."""
    P = {key: np.asarray(value, dtype=np.float64) for key, value in parameters.items()}
    A1 = hidden(P["W1"] @ np.asarray(X, dtype=np.float64) + P["b1"])
    A2 = (second or hidden)(P["W2"] @ A1 + P["b2"])
    return output(P["W3"] @ A2 + P["b3"])


def keras_cce(labels: np.ndarray, values: np.ndarray, from_logits: bool, reduction: str = "sum") -> float:
    """Keras' categorical cross-entropy of column-layout (n_y, m) arrays, in float64."""
    import keras
    loss = keras.losses.CategoricalCrossentropy(from_logits=from_logits, reduction=reduction, dtype="float64")
    return float(loss(np.asarray(labels, np.float64).T, np.asarray(values, np.float64).T))


# minimize_cost_graph and minimize_cost_eager: the same iterates, two ways

def check_course_example(impl: ModuleType, name: str) -> None:
    function = getattr(impl, name)
    parameters = inspect.signature(function).parameters
    defaults = {key: parameters[key].default for key in ("learning_rate", "num_iterations")
                if key in parameters}
    if defaults != {"learning_rate": 0.01, "num_iterations": 1000}:
        checks.fail(f"{name} should keep the course's defaults learning_rate=0.01, "
                    f"num_iterations=1000; its signature has {defaults}")
    got, _, _ = watched(function, COURSE, num_iterations=1)
    checks.check_scalar(got, 0.2, call=describe_descent(name, COURSE, None, 1),
                        name="w after one step from w = 0", rtol=1e-5, atol=1e-6,
                        mistakes=checks.known_mistakes(TASK + name, COURSE, num_iterations=1))


ITERATE_CASES = [  # coefficients, learning rate, steps
    (COURSE, 0.01, 2),
    (np.array([[1.0], [-10.0], [25.0]]), 0.05, 7),
    (np.array([2.0, 4.0, -3.0]), 0.1, 5),  # a flat (3,) is accepted too
]


def check_iterates(impl: ModuleType, name: str) -> None:
    for coefficients, learning_rate, steps in ITERATE_CASES:
        got, _, _ = watched(getattr(impl, name), coefficients, learning_rate=learning_rate,
                           num_iterations=steps)
        checks.check_scalar(
            got, gd_iterate(coefficients, learning_rate, steps),
            call=describe_descent(name, coefficients, learning_rate, steps),
            name=f"w after {steps} steps w <- w - learning_rate * (2*x0*w + x1) from w = 0",
            rtol=1e-4, atol=1e-5, mistakes=checks.known_mistakes(
                TASK + name, coefficients, learning_rate=learning_rate, num_iterations=steps))


MINIMUM_CASES = [  # coefficients with x0 > 0, so that J has a minimum
    np.array([[1.0], [-20.0], [100.0]]),  # w* = 10
    np.array([[1.0], [-10.0], [25.0]]),  # w* = 5
    np.array([[2.0], [4.0], [-3.0]]),  # w* = -1
    np.array([[0.5], [3.0], [0.0]]),  # w* = -3
]


def check_minimum(impl: ModuleType, name: str) -> None:
    for coefficients in MINIMUM_CASES:
        x0, x1, _ = coefficients.ravel()
        learning_rate = 0.3 / x0  # |1 - 2*x0*learning_rate| = 0.4: 30 steps leave 1e-12 of the way
        got, _, _ = watched(getattr(impl, name), coefficients, learning_rate=learning_rate,
                           num_iterations=30)
        checks.check_scalar(got, -x1 / (2.0 * x0),
                            call=describe_descent(name, coefficients, learning_rate, 30),
                            name="w (the minimum of J is at w* = -x1 / (2*x0))", rtol=1e-4, atol=1e-5,
                            mistakes=checks.known_mistakes(TASK + name, coefficients, learning_rate=learning_rate,
                                                           num_iterations=30))
