"""Shared data, oracles and checks of the graded tests of c1w2_logistic_regression.

Oracles: ``tf.math.sigmoid``; ``tf.nn.sigmoid_cross_entropy_with_logits`` averaged over the m
examples for the cost, with ``tf.GradientTape`` for its gradients; the same cost minimised by
``keras.optimizers.SGD`` for the gradient-descent trajectories; scikit-learn's bundled digits
for the accuracy target. Everything runs in float64.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

if TYPE_CHECKING:  # annotations only: an oracle imports what it runs (a check needing neither skips 4 s)
    import tensorflow as tf

from grader import checks

TASK = "c1w2_logistic_regression."

# The course's examples (the "Logistic Regression with a Neural Network mindset" notebook: the
# first edition's propagate/optimize case, then the current edition's).
COURSE_CASES = {
    "first edition": (np.array([[1.], [2.]]), 2.0, np.array([[1., 2., -1.], [3., 4., -3.2]]),
                      np.array([[1, 0, 1]])),
    "current edition": (np.array([[1.], [2.]]), 1.5, np.array([[1., -2., -1.], [3., 0.5, -3.2]]),
                        np.array([[1, 1, 0]])),
}


def random_problem(n_x: int, m: int, seed: int, scale: float = 1.0) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """(w (n_x, 1), b, X (n_x, m), Y (1, m) of 0./1.) drawn from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    w = scale * rng.normal(size=(n_x, 1))
    b = float(rng.normal())
    X = rng.normal(size=(n_x, m))
    Y = (rng.random(size=(1, m)) < 0.5).astype(np.float64)
    return w, b, X, Y


def separable_problem(m: int = 40, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Two well-separated clusters in 2-D: X (2, m), Y (1, m); label 1 for the cluster at (+2, +2)."""
    rng = np.random.default_rng(seed)
    Y = (np.arange(m) % 2).astype(np.float64)[None, :]
    X = rng.normal(scale=0.5, size=(2, m)) + np.where(Y == 1, 2.0, -2.0)
    return X, Y


def bce_cost(w: Any, b: Any, X: np.ndarray, Y: np.ndarray) -> tf.Tensor:
    """J(w, b): binary cross-entropy of sigmoid(wᵀX + b) against Y, averaged over the m examples."""
    import tensorflow as tf
    logits = tf.matmul(w, tf.constant(X, tf.float64), transpose_a=True) + b
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(Y, tf.float64),
                                                                  logits=logits))


def cost_and_gradients(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray, float]:
    """(J, dJ/dw (n_x, 1), dJ/db) by ``tf.GradientTape``."""
    import tensorflow as tf
    w_var, b_var = tf.Variable(w, dtype=tf.float64), tf.Variable(b, dtype=tf.float64)
    with tf.GradientTape() as tape:
        J = bce_cost(w_var, b_var, X, Y)
    dw, db = tape.gradient(J, [w_var, b_var])
    return float(J), dw.numpy(), float(db)


def gradient_descent(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray, num_iterations: int,
                     learning_rate: float) -> tuple[list[dict[str, Any]], list[float]]:
    """Keras SGD on J from (w, b): the parameters after each update, and the cost at iterations
    0, 100, 200, ... (before that iteration's update). ``states[i]`` holds w and b after update
    i + 1 and the gradients ``dw``, ``db`` that update used."""
    import keras
    import tensorflow as tf
    w_var, b_var = tf.Variable(w, dtype=tf.float64), tf.Variable(b, dtype=tf.float64)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    states, costs = [], []
    for i in range(num_iterations):
        with tf.GradientTape() as tape:
            J = bce_cost(w_var, b_var, X, Y)
        dw, db = tape.gradient(J, [w_var, b_var])
        optimizer.apply_gradients([(dw, w_var), (db, b_var)])
        if i % 100 == 0:
            costs.append(float(J))
        states.append({"w": w_var.numpy(), "b": float(b_var.numpy()), "dw": dw.numpy(), "db": float(db)})
    return states, costs


def predictions(w: np.ndarray, b: float, X: np.ndarray) -> np.ndarray:
    """1. where sigmoid(wᵀX + b) > 0.5, else 0., shape (1, m), by ``tf.math.sigmoid``."""
    import tensorflow as tf
    A = tf.math.sigmoid(tf.constant(w.T @ X + b, tf.float64)).numpy()
    return (A > 0.5).astype(np.float64)


@functools.cache
def _digits_split() -> tuple[np.ndarray, ...]:
    X, y = load_digits(return_X_y=True)
    return tuple(train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y))


def digits_zero_or_not() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits scaled to [0, 1], "is it a 0?", one fixed stratified 75/25 split,
    in the course's layout: X_train (64, 1347), Y_train (1, 1347), X_test (64, 450), Y_test (1, 450).
    Fresh copies on every call."""
    X_train, X_test, y_train, y_test = _digits_split()
    return (np.ascontiguousarray(X_train.T), (y_train == 0).astype(np.float64)[None, :],
            np.ascontiguousarray(X_test.T), (y_test == 0).astype(np.float64)[None, :])


def check_dict(value: Any, keys: tuple[str, ...], *, call: str, name: str,
               mistakes: checks.KnownMistakes | None = None) -> dict[str, Any]:
    """``value`` if it is a dict holding ``keys``, else a failure that names the missing ones."""
    if not isinstance(value, dict):
        checks.fail(f"{call}: {name} should be a dict with the keys {list(keys)}, got {type(value).__name__}")
    missing = [key for key in keys if key not in value]
    if missing:
        named = mistakes.named(lambda other: isinstance(other, dict) and set(other) == set(value)) \
            if mistakes is not None else ""
        checks.fail(f"{call}: {name} has the keys {sorted(value)}, expected {list(keys)}: "
                    f"missing {missing}{named}")
    return value


def check_number(got: Any, expected: float, *, call: str, name: str, rtol: float = 1e-7, atol: float = 1e-10,
                 mistakes: checks.KnownMistakes | None = None) -> float:
    """A number that must be a Python float (np.float64 is one) equal to ``expected``: the value
    (and its shape, for an array) is compared first, so that a known mistake is named; a 0-d or
    1-element array with the right value then fails for its type."""
    checks.check_close(got, expected, call=call, name=name, rtol=rtol, atol=atol, mistakes=mistakes)
    return checks.check_scalar(got, expected, call=call, name=name, rtol=rtol, atol=atol)


def fastest(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """The shortest wall time of ``repeats`` calls of ``run`` (the least disturbed by other load on
    the machine), and the last call's result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result
