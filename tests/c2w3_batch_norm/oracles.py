"""Shared data and oracles of the graded tests of c2w3_batch_norm (one test file per graded function).

Oracles: ``tf.nn.moments`` and ``tf.nn.batch_normalization`` for the NumPy forward and inference
passes, ``tf.GradientTape`` for the backward pass, ``tf.train.ExponentialMovingAverage`` for the
running statistics, and ``keras.layers.BatchNormalization`` for the TensorFlow and Keras forms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # annotations only: an oracle imports what it runs (a check needing neither skips 4 s)
    import tensorflow as tf

FORWARD = "c2w3_batch_norm.batchnorm_forward"
BACKWARD = "c2w3_batch_norm.batchnorm_backward"
RUNNING = "c2w3_batch_norm.update_running_stats"
INFERENCE = "c2w3_batch_norm.batchnorm_inference"
TF_BATCH_NORM = "c2w3_batch_norm.tf_batch_norm"
LAYER = "c2w3_batch_norm.BatchNorm"
BLOCK = "c2w3_batch_norm.dense_bn_block"


def unit_inputs(seed: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pre-activations Z (n, m) whose units have different means and spreads; gamma, beta (n, 1)."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(loc=rng.normal(0, 3, (n, 1)), scale=rng.uniform(0.5, 3, (n, 1)), size=(n, m))
    return Z, rng.uniform(0.5, 2.0, (n, 1)), rng.normal(size=(n, 1))


def tf_normalise(Z: Any, gamma: Any, beta: Any, eps: float, axis: int = 1) -> tf.Tensor:
    """The oracle: tf.nn.moments over ``axis`` and tf.nn.batch_normalization."""
    import tensorflow as tf
    mean, variance = tf.nn.moments(Z, axes=[axis], keepdims=True)
    return tf.nn.batch_normalization(Z, mean, variance, offset=beta, scale=gamma, variance_epsilon=eps)


def eps_outside_sqrt(Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float,
                      mean: np.ndarray | None = None, variance: np.ndarray | None = None) -> np.ndarray:
    mean = Z.mean(axis=1, keepdims=True) if mean is None else mean
    variance = Z.var(axis=1, keepdims=True) if variance is None else variance
    return gamma * (Z - mean) / (np.sqrt(variance) + eps) + beta


def random_batch(seed: int, batch: int = 8, features: int = 5) -> np.ndarray:
    """A float32 batch (batch, features) whose features have different means and spreads."""
    rng = np.random.default_rng(seed)
    x = rng.normal(loc=rng.normal(0, 3, features), scale=rng.uniform(0.5, 3, features), size=(batch, features))
    x[:, -1] = 1.0 + 0.1 * rng.normal(size=batch)  # a feature of small variance: epsilon matters
    return x.astype("float32")
