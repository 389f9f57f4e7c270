"""Shared data and oracles of the graded tests of c2w1_gradient_checking (one test file per graded function).

Oracles: TensorFlow for the 3-layer network's forward pass and cost (``tf.nn.relu``,
``tf.nn.sigmoid_cross_entropy_with_logits``, float64) and ``tf.GradientTape`` for its gradients;
the tests' own two-sided loop (entry by entry over each parameter array, independent of any
vectorisation order) for the expected differences of the gradient checks.

The course's inputs are regenerated here from a local ``np.random.RandomState`` in the course's
draw order, so the course's printed values reproduce without touching NumPy's global state.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

if TYPE_CHECKING:  # annotations only: an oracle imports what it runs (a check needing neither skips 4 s)
    import tensorflow as tf

from grader import checks

TASK = "c2w1_gradient_checking."
FORWARD_1D = TASK + "forward_propagation"
BACKWARD_1D = TASK + "backward_propagation"
CHECK_1D = TASK + "gradient_check_1d"
TO_VECTOR = TASK + "dictionary_to_vector"
TO_DICTIONARY = TASK + "vector_to_dictionary"
GRADIENTS_TO_VECTOR = TASK + "gradients_to_vector"
FORWARD_N = TASK + "forward_propagation_n"
BACKWARD_N = TASK + "backward_propagation_n"
CHECK_N = TASK + "gradient_check_n"

NETWORK_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
CACHE_NAMES = ("Z1", "A1", "W1", "b1", "Z2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")
GRADIENT_KEYS = ("dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1")

# The course's verdicts (its threshold is 2e-7), compared without case or colour codes.
MISTAKE_MESSAGE = "There is a mistake in the backward propagation"
FINE_MESSAGE = "Your backward propagation works perfectly fine"

# The course's printed values (gradient_check_n_test_case, epsilon = 1e-7).
COURSE_1D_DIFFERENCE = 2.919335883291695e-10  # gradient_check(x=2, theta=4)
COURSE_BUGGY_DIFFERENCE = 0.2850931567761623  # the notebook's backward_propagation_n, two planted bugs
COURSE_CORRECT_DIFFERENCE = 1.1890913024229996e-07  # once both bugs are fixed


# ---------------------------------------------------------------------------------------------
# Data

def course_test_case() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The course's ``gradient_check_n_test_case``: np.random.seed(1), then randn draws of X (4, 3),
    W1 (5, 4), b1 (5, 1), W2 (3, 5), b2 (3, 1), W3 (1, 3), b3 (1, 1); Y = [1, 1, 0] (here (1, 3))."""
    rng = np.random.RandomState(1)
    X = rng.randn(4, 3)
    Y = np.array([[1.0, 1.0, 0.0]])
    shapes = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
    return X, Y, {key: rng.randn(*shape) for key, shape in shapes.items()}


def random_network(seed: int, n_x: int = 3, n1: int = 4, n2: int = 3, m: int = 5,
                   ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """A random 3-layer network and data (X (n_x, m), labels Y (1, m) holding both classes)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m))
    Y = (np.arange(m) % 2 == 0).astype(np.float64)[None, :]
    sizes = (n_x, n1, n2, 1)
    parameters = {}
    for l in (1, 2, 3):
        parameters[f"W{l}"] = rng.normal(size=(sizes[l], sizes[l - 1])) / np.sqrt(sizes[l - 1])
        parameters[f"b{l}"] = 0.3 * rng.normal(size=(sizes[l], 1))
    return X, Y, parameters


def random_parameters(rng: np.random.Generator, layer_dims: list[int], prefix: str = "") -> dict[str, np.ndarray]:
    """``{prefix}W1, {prefix}b1, ...`` of the given layer sizes, filled with distinct numbers."""
    out = {}
    for l in range(1, len(layer_dims)):
        out[f"{prefix}W{l}"] = rng.normal(size=(layer_dims[l], layer_dims[l - 1]))
        out[f"{prefix}b{l}"] = rng.normal(size=(layer_dims[l], 1))
    return out


def canonical_order(L: int, prefix: str = "") -> list[str]:
    """W1, b1, W2, b2, ..., WL, bL (with a prefix: dW1, db1, ...)."""
    return [f"{prefix}{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]


def stacked(arrays: dict[str, np.ndarray], order: list[str]) -> tuple[np.ndarray, list[str]]:
    """The course's layout: each array flattened row by row (C order), stacked in ``order``, as a
    column (n, 1); and the name of each entry."""
    theta = np.concatenate([arrays[key].ravel(order="C") for key in order])[:, None]
    names = [key for key in order for _ in range(arrays[key].size)]
    return theta, names


def check_keys(keys: Any, names: list[str], *, call: str, layout: str, mistakes: Any = None) -> None:
    """:func:`grader.checks.check_equal` of ``keys`` (as strings) with ``names``, one parameter name per
    entry of theta, its name saying how long each list is, the layout and the first wrong entry."""
    if not isinstance(keys, (list, tuple, np.ndarray)):
        checks.fail(f"{call}: keys should be a list of names, one per entry of theta, got {type(keys).__name__}")
    keys = [str(key) for key in keys]
    first = next((i for i, (a, b) in enumerate(zip(keys, names)) if a != b), min(len(keys), len(names)))
    got = repr(keys[first]) if first < len(keys) else "nothing (the list is too short)"
    checks.check_equal(keys, names, call=call, mistakes=mistakes, name=(
        f"keys ({len(keys)} names, expected {len(names)}, one per entry of theta ({layout}); keys[{first}] is "
        f"{got}, expected {names[first] if first < len(names) else 'nothing'!r})"))


def scrambled(mapping: dict[str, Any], seed: int) -> dict[str, Any]:
    """The same dict filled in another order (b's before W's, shuffled): order must come from the names."""
    keys = list(mapping)
    np.random.default_rng(seed).shuffle(keys)
    keys.sort(key=lambda key: not key.lstrip("d").startswith("b"))  # stable: every b first
    return {key: mapping[key] for key in keys}


# ---------------------------------------------------------------------------------------------
# The 3-layer network in TensorFlow

def tf_layers(X: Any, parameters: dict[str, Any]) -> list[tf.Tensor]:
    """Z1, A1, Z2, A2, Z3, A3 of LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID."""
    import tensorflow as tf
    Z1 = tf.matmul(parameters["W1"], X) + parameters["b1"]
    A1 = tf.nn.relu(Z1)
    Z2 = tf.matmul(parameters["W2"], A1) + parameters["b2"]
    A2 = tf.nn.relu(Z2)
    Z3 = tf.matmul(parameters["W3"], A2) + parameters["b3"]
    return [Z1, A1, Z2, A2, Z3, tf.sigmoid(Z3)]


def tf_cost_from_logits(Y: Any, Z3: tf.Tensor) -> tf.Tensor:
    import tensorflow as tf
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(Y, tf.float64), logits=Z3))


def tf_cost(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray]) -> float:
    """The cross-entropy cost J of the network, from the logits (numerically stable), in float64."""
    import tensorflow as tf
    params = {key: tf.constant(value, tf.float64) for key, value in parameters.items()}
    return float(tf_cost_from_logits(Y, tf_layers(tf.constant(X, tf.float64), params)[4]))


def tf_forward(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[float, tuple[np.ndarray, ...]]:
    """``(cost, cache)`` with the course's cache layout (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)."""
    import tensorflow as tf
    params = {key: tf.constant(value, tf.float64) for key, value in parameters.items()}
    Z1, A1, Z2, A2, Z3, A3 = (t.numpy() for t in tf_layers(tf.constant(X, tf.float64), params))
    p = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
    cache = (Z1, A1, p["W1"], p["b1"], Z2, A2, p["W2"], p["b2"], Z3, A3, p["W3"], p["b3"])
    return tf_cost(X, Y, parameters), cache


def tape_gradients(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The course's gradient dict from ``tf.GradientTape``: dW[l], db[l] = ∂J/∂W[l], ∂J/∂b[l], and the
    per-example dZ[l], dA[l] = m·∂J/∂Z[l], m·∂J/∂A[l] (the course divides by m only in dW and db),
    in the course's insertion order (dZ3, dW3, db3, dA2, ...)."""
    import tensorflow as tf
    m = X.shape[1]
    params = {key: tf.constant(value, tf.float64) for key, value in parameters.items()}
    with tf.GradientTape() as tape:
        tape.watch(list(params.values()))
        Z1, A1, Z2, A2, Z3, _ = layers = tf_layers(tf.constant(X, tf.float64), params)
        cost = tf_cost_from_logits(Y, Z3)
    sources = {"dZ3": Z3, "dA2": A2, "dZ2": Z2, "dA1": A1, "dZ1": Z1, **{f"d{k}": v for k, v in params.items()}}
    del layers
    values = dict(zip(sources, tape.gradient(cost, list(sources.values()))))
    return {key: values[key].numpy() * (m if key[1] in "ZA" else 1) for key in GRADIENT_KEYS}


def course_buggy_gradients(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Test data: what the course notebook's backward_propagation_n returns, with its two planted
    bugs (dW2 = 1/m·dZ2·A1ᵀ·2 and db1 = 4/m·Σ dZ1): the correct gradients with dW2 doubled and
    db1 quadrupled. A correct gradient check must flag them (difference > 1e-3)."""
    gradients = tape_gradients(X, Y, parameters)
    gradients["dW2"] = 2 * gradients["dW2"]
    gradients["db1"] = 4 * gradients["db1"]
    return gradients


# ---------------------------------------------------------------------------------------------
# Expected differences: the tests' own two-sided loop

def relative_difference(grad: np.ndarray, gradapprox: np.ndarray) -> float:
    return float(np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox)))


def two_sided_difference(cost: Callable[[dict[str, np.ndarray]], float], parameters: dict[str, np.ndarray],
                         gradients: dict[str, np.ndarray], epsilon: float) -> float:
    """‖g - g_approx‖ / (‖g‖ + ‖g_approx‖), g_approx[i] = (J(θ + ε e_i) - J(θ - ε e_i)) / (2ε), nudging
    each entry of each parameter array in turn (the norms do not depend on the order of the entries)."""
    grad, gradapprox = [], []
    for key, value in parameters.items():
        for index in np.ndindex(value.shape):
            nudged = []
            for step in (epsilon, -epsilon):
                changed = {k: v.copy() for k, v in parameters.items()}
                changed[key][index] += step
                nudged.append(cost(changed))
            gradapprox.append((nudged[0] - nudged[1]) / (2 * epsilon))
            grad.append(gradients["d" + key][index])
    return relative_difference(np.array(grad), np.array(gradapprox))


def course_difference_with(impl: Any, parameters: dict[str, np.ndarray], gradients: dict[str, np.ndarray],
                           X: np.ndarray, Y: np.ndarray, epsilon: float) -> float | None:
    """The course's algorithm run on the student's own helpers and forward pass (dictionary_to_vector,
    gradients_to_vector, vector_to_dictionary, forward_propagation_n): what a correct gradient_check_n
    gives on top of them. None when one of them fails on these inputs."""
    try:
        theta = np.array(checks.to_array(impl.dictionary_to_vector(parameters)[0], call="", name="")).reshape(-1, 1)
        grad = np.array(checks.to_array(impl.gradients_to_vector(gradients), call="", name="")).reshape(-1, 1)
        shapes = {key: value.shape for key, value in parameters.items()}
        gradapprox = np.zeros_like(theta)
        for i in range(theta.shape[0]):
            nudged = []
            for step in (epsilon, -epsilon):
                changed = theta.copy()
                changed[i, 0] += step
                nudged.append(float(impl.forward_propagation_n(X, Y, impl.vector_to_dictionary(changed, shapes))[0]))
            gradapprox[i, 0] = (nudged[0] - nudged[1]) / (2 * epsilon)
        return relative_difference(grad, gradapprox) if grad.shape == theta.shape else None
    except (Exception, pytest.fail.Exception):  # noqa: BLE001 - a failing helper: no alternative expectation
        return None


def student_cost(impl: Any, X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray]) -> float | None:
    """The cost the student's forward_propagation_n gives, or None when it fails (for advice only)."""
    try:
        return float(impl.forward_propagation_n(X, Y, parameters)[0])
    except Exception:  # noqa: BLE001 - advice only: a failing forward pass gives none
        return None


def as_difference(got: Any, call: str) -> float:
    """The returned difference as a float, or a failure (the course insists on a number, not an array)."""
    if isinstance(got, bool) or not isinstance(got, (float, np.floating)):
        checks.fail(f"{call}: the difference should be a Python float, got {type(got).__name__} {got!r:.60} "
                    "(np.linalg.norm of a vector is a number; float(...) makes it a Python float)")
    return float(got)


def check_difference(got: Any, expected: float, *, call: str, rtol: float, mistakes: Any = None,
                     alternative: Callable[[], float | None] | None = None, what: str = "",
                     noise: float = 0.0) -> float:
    """Pass when ``got`` is ``expected`` (the two-sided difference of the true cost) within ``rtol``,
    or is what a correct check gives on the student's own functions (``alternative()``, computed
    only when needed: those functions are graded by their own tests); otherwise fail, naming the
    expected value and the known mistake ``got`` equals (within ``rtol`` and the absolute ``noise``:
    give ``noise=1e-8`` for the N-dimensional check, whose differences that small are rounding noise
    that the same code reproduces only roughly in another process, where matrix products round
    otherwise)."""
    got = as_difference(got, call)
    if np.isclose(got, expected, rtol=rtol, atol=0.0):
        return got
    other = alternative() if alternative is not None else None
    if other is not None and np.isclose(got, other, rtol=rtol, atol=0.0):
        return got
    own = "" if other is None or np.isclose(other, expected, rtol=rtol, atol=0.0) else (
        f"\nA correct check run on your own functions would give {other:.10g}: not that either.")
    checks.fail(f"{call}: the difference is {got:.10g}, expected {expected:.10g}{what} (rtol={rtol:g})"
                f"{mistakes.equal_to(got, rtol=rtol, atol=noise) if mistakes is not None else ''}{own}")


def printed_verdict(printed: str) -> str:
    """The printed text without ANSI colour codes, lower-cased, for comparing with the verdicts."""
    return re.sub(r"\x1b\[[0-9;]*m", "", printed).lower()
