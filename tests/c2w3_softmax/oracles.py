"""Shared data and oracles of the graded tests of c2w3_softmax (one test file per graded function).

Oracles: ``tf.nn.softmax``, Keras losses, ``tf.GradientTape`` with ``keras.optimizers.SGD`` for
the training trajectory, Keras' own compiled loss and metrics for the builders, and scikit-learn's
bundled digits for the accuracy targets.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

if TYPE_CHECKING:  # annotations only: an oracle imports what it runs (a check needing neither skips 4 s)
    import keras
    import tensorflow as tf

from grader import checks

TASK = "c2w3_softmax."


def random_logits(C: int, m: int, seed: int, scale: float = 3.0) -> np.ndarray:
    return scale * np.random.default_rng(seed).normal(size=(C, m))


def one_hot_columns(labels: np.ndarray, C: int) -> np.ndarray:
    """One-hot columns (C, m) for integer labels (m,)."""
    import tensorflow as tf
    return tf.one_hot(labels, C, axis=0, dtype=tf.float64).numpy()


def tf_softmax(Z: np.ndarray, axis: int = 0) -> np.ndarray:
    import tensorflow as tf
    return tf.nn.softmax(tf.constant(Z, tf.float64), axis=axis).numpy()


def cce(Y: np.ndarray, Z_or_A: np.ndarray, from_logits: bool) -> tf.Tensor:
    """Keras' mean categorical cross-entropy of column-layout (C, m) arrays, in float64."""
    import keras
    import tensorflow as tf
    loss = keras.losses.CategoricalCrossentropy(from_logits=from_logits, dtype="float64")
    return loss(tf.transpose(Y), tf.transpose(Z_or_A))


@functools.cache
def digits_split() -> tuple[np.ndarray, ...]:
    X, y = load_digits(return_X_y=True)
    return tuple(train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y))


def digits() -> tuple[np.ndarray, ...]:
    """scikit-learn's 8x8 digits scaled to [0, 1], one fixed stratified 75/25 split, one example
    per row: fresh copies (X_train, X_test, y_train, y_test), so no test can spoil another's data."""
    return tuple(array.copy() for array in digits_split())


def digits_columns() -> tuple[np.ndarray, ...]:
    """The same split in the course's layout: X (64, m) contiguous, labels (1, m)."""
    X_train, X_test, y_train, y_test = digits_split()
    return (np.ascontiguousarray(X_train.T), np.ascontiguousarray(X_test.T), y_train[None, :].copy(),
            y_test.copy())


def fail_if_not_finite(array: np.ndarray, call: str, advice: str) -> None:
    bad = np.argwhere(~np.isfinite(array))
    if bad.size:
        index = tuple(int(i) for i in bad[0])
        checks.fail(f"{call}: the result holds {array[index]} at index {index} (expected only finite "
                    f"numbers). {advice}")


def random_batch(n_features: int, n_classes: int, seed: int = 5, batch: int = 12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return 3.0 * rng.normal(size=(batch, n_features)).astype("float32"), np.arange(batch) % n_classes


def output(model: keras.Model, x: np.ndarray, units: int, call: str, what: str) -> np.ndarray:
    return checks.check_shape(model(x, training=False), (x.shape[0], units), call=call,
                              name=f"model(x) for x of shape {x.shape} ({what})")
