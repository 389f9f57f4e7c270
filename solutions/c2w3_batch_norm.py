"""Batch normalization: normalise a hidden layer's pre-activations over the mini-batch.

Why normalise. Normalising the input features (zero mean, unit variance) turns long, thin
cost contours into rounder ones that gradient descent crosses quickly. Batch normalization does
the same for the hidden layers: the values ``Z[l]`` that layer ``l`` hands to its activation are
normalised over the current mini-batch, so the layers after it see inputs whose mean and
variance stay put while the earlier layers learn ("less covariate shift"). Training is faster
and less sensitive to the initialisation and the learning rate.

The forward pass, for one layer's pre-activations ``Z`` of shape ``(n, m)`` (``n`` units, one
example per column, the course's layout)::

    mu     = 1/m * sum_i Z[:, i]              # (n, 1): mean of each unit over the batch
    sigma2 = 1/m * sum_i (Z[:, i] - mu)**2    # (n, 1): the *biased* variance (divide by m)
    Z_norm = (Z - mu) / sqrt(sigma2 + eps)    # eps inside the square root keeps it finite
    Z_tilde = gamma * Z_norm + beta           # gamma, beta: (n, 1), learnt like W

gamma and beta. A layer whose units always had mean 0 and variance 1 would lose expressive
power (a sigmoid would stay in its linear middle). gamma and beta are learnt parameters that
give every unit the mean and spread that suit it; with ``gamma = sqrt(sigma2 + eps)`` and
``beta = mu`` the layer computes the identity, so normalising never costs the network anything.
They are updated by gradient descent (or Momentum, RMSprop, Adam) like the weights.

Why the bias b is redundant. ``Z = W @ A_prev + b`` adds the same constant ``b`` to every
example of the batch; subtracting the batch mean removes it again. With batch normalization
the layer drops ``b`` (``use_bias=False`` in Keras) and ``beta`` plays its role.

Training versus test time. During training ``mu`` and ``sigma2`` come from the current
mini-batch, which also adds a little noise (a slight regularising effect, weaker for larger
batches). At test time there may be a single example, so the layer uses estimates kept during
training instead: exponentially weighted averages of the batch statistics,
``running = momentum * running + (1 - momentum) * batch``.

The backward pass must remember that ``mu`` and ``sigma2`` depend on every entry of ``Z``::

    dbeta  = sum_i dZ_tilde[:, i]                       # (n, 1)
    dgamma = sum_i dZ_tilde[:, i] * Z_norm[:, i]        # (n, 1)
    dZ_norm = gamma * dZ_tilde
    dZ = 1/(m * sqrt(sigma2 + eps)) * (m * dZ_norm - sum_i dZ_norm - Z_norm * sum_i dZ_norm * Z_norm)

The NumPy functions use the course's column layout ``(n, m)``; the TensorFlow and Keras ones
use Keras' layout ``(batch, features)`` and normalise over the batch axis for each feature.

Reference:
    - [Ioffe and Szegedy, 2015](https://arxiv.org/abs/1502.03167): Batch Normalization:
      Accelerating Deep Network Training by Reducing Internal Covariate Shift.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import ops

BatchNormCache = tuple[np.ndarray, np.ndarray, np.ndarray]
"""What :func:`batchnorm_forward` keeps for the backward pass: ``(Z_norm, gamma, inv_std)``."""


def _check_layer_inputs(Z: np.ndarray, eps: float, **per_unit: np.ndarray) -> None:
    """Raise ValueError unless ``Z`` is (n, m), ``eps`` > 0 and each ``per_unit`` array is (n, 1)."""
    if np.ndim(Z) != 2:
        raise ValueError(f"Z must be a 2-D array (n units, m examples). Received: Z.shape={np.shape(Z)}")
    if not eps > 0:
        raise ValueError(f"eps must be positive. Received: eps={eps!r}")
    expected = (np.shape(Z)[0], 1)
    for name, value in per_unit.items():
        if np.shape(value) != expected:
            raise ValueError(f"{name} must have shape {expected}, one value per unit of Z. "
                             f"Received: {name}.shape={np.shape(value)}")


def batchnorm_forward(
    Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> tuple[np.ndarray, BatchNormCache]:
    """Batch-normalise a layer's pre-activations with the statistics of this mini-batch.

    Each unit (row of ``Z``) is shifted by its mean over the batch, divided by
    ``sqrt(sigma2 + eps)`` with ``sigma2`` the biased variance over the batch, then scaled by
    ``gamma`` and shifted by ``beta``. This is the training-time forward pass.

    Args:
        Z: pre-activations of one layer, shape (n, m): n units, m examples.
        gamma: scale, shape (n, 1).
        beta: shift, shape (n, 1).
        eps: added to the variance inside the square root, for numerical stability.

    Returns:
        Z_tilde: the normalised, scaled and shifted values, shape (n, m).
        cache: what :func:`batchnorm_backward` needs: ``(Z_norm, gamma, inv_std)`` with
            ``Z_norm`` of shape (n, m) and ``inv_std = 1 / sqrt(sigma2 + eps)`` of shape (n, 1).

    Raises:
        ValueError: ``Z`` is not 2-D, ``gamma`` or ``beta`` is not (n, 1), or ``eps <= 0``.
    """
    _check_layer_inputs(Z, eps, gamma=gamma, beta=beta)
    ### BEGIN SOLUTION
    mu = Z.mean(axis=1, keepdims=True)
    sigma2 = ((Z - mu) ** 2).mean(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(sigma2 + eps)
    Z_norm = (Z - mu) * inv_std
    Z_tilde = gamma * Z_norm + beta
    return Z_tilde, (Z_norm, gamma, inv_std)
    ### END SOLUTION


def batchnorm_backward(
    dZ_tilde: np.ndarray, cache: BatchNormCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of :func:`batchnorm_forward`.

    The batch mean and variance are functions of every entry of ``Z``, so the gradient with
    respect to ``Z`` has three paths: through ``Z_norm`` directly, through ``mu`` and through
    ``sigma2``. Treating ``mu`` and ``sigma2`` as constants gives a wrong ``dZ``.

    Args:
        dZ_tilde: gradient of the cost with respect to ``Z_tilde``, shape (n, m).
        cache: the cache returned by :func:`batchnorm_forward`.

    Returns:
        dZ: gradient with respect to ``Z``, shape (n, m).
        dgamma: gradient with respect to ``gamma``, shape (n, 1) (summed over the batch).
        dbeta: gradient with respect to ``beta``, shape (n, 1) (summed over the batch).
    """
    ### BEGIN SOLUTION
    Z_norm, gamma, inv_std = cache
    m = dZ_tilde.shape[1]
    dbeta = dZ_tilde.sum(axis=1, keepdims=True)
    dgamma = (dZ_tilde * Z_norm).sum(axis=1, keepdims=True)
    dZ_norm = gamma * dZ_tilde
    dZ = inv_std / m * (m * dZ_norm
                        - dZ_norm.sum(axis=1, keepdims=True)
                        - Z_norm * (dZ_norm * Z_norm).sum(axis=1, keepdims=True))
    return dZ, dgamma, dbeta
    ### END SOLUTION


def update_running_stats(
    running_mean: np.ndarray,
    running_var: np.ndarray,
    mu: np.ndarray,
    var: np.ndarray,
    momentum: float = 0.9,
) -> tuple[np.ndarray, np.ndarray]:
    """One step of the exponentially weighted averages that batch norm uses at test time.

    ``new = momentum * running + (1 - momentum) * batch`` for the mean and for the variance:
    ``momentum`` weighs the history, ``1 - momentum`` this batch. A pure function: the
    arguments are not modified, the new averages are returned.

    Args:
        running_mean: the running mean so far, shape (n, 1).
        running_var: the running variance so far, shape (n, 1).
        mu: this mini-batch's mean, shape (n, 1).
        var: this mini-batch's (biased) variance, shape (n, 1).
        momentum: weight of the history, in [0, 1].

    Returns:
        running_mean: the updated mean, shape (n, 1).
        running_var: the updated variance, shape (n, 1).

    Raises:
        ValueError: ``momentum`` is outside [0, 1].
    """
    if not 0.0 <= momentum <= 1.0:
        raise ValueError(f"momentum must be in [0, 1]. Received: momentum={momentum!r}")
    ### BEGIN SOLUTION
    new_mean = momentum * running_mean + (1.0 - momentum) * mu
    new_var = momentum * running_var + (1.0 - momentum) * var
    return new_mean, new_var
    ### END SOLUTION


def batchnorm_inference(
    Z: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    eps: float = 1e-5,
) -> np.ndarray:
    """Batch norm at test time: normalise with the running statistics kept during training.

    The batch's own mean and variance are not used, so each example's output depends on that
    example alone (a batch of one works) and predictions do not change with the batch.

    Args:
        Z: pre-activations, shape (n, m).
        gamma: scale, shape (n, 1).
        beta: shift, shape (n, 1).
        running_mean: the mean estimated during training, shape (n, 1).
        running_var: the variance estimated during training, shape (n, 1).
        eps: added to the variance inside the square root.

    Returns:
        Z_tilde: ``gamma * (Z - running_mean) / sqrt(running_var + eps) + beta``, shape (n, m).

    Raises:
        ValueError: ``Z`` is not 2-D, a per-unit argument is not (n, 1), or ``eps <= 0``.
    """
    _check_layer_inputs(Z, eps, gamma=gamma, beta=beta, running_mean=running_mean,
                        running_var=running_var)
    ### BEGIN SOLUTION
    Z_norm = (Z - running_mean) / np.sqrt(running_var + eps)
    return gamma * Z_norm + beta
    ### END SOLUTION


def tf_batch_norm(x: Any, gamma: Any, beta: Any, eps: float = 1e-3) -> tf.Tensor:
    """Training-time batch norm with TensorFlow ops, in Keras' layout.

    The statistics come from ``tf.nn.moments`` over the batch axis (axis 0), one mean and one
    biased variance per feature; ``tf.nn.batch_normalization`` then applies
    ``gamma * (x - mean) / sqrt(variance + eps) + beta``.

    Args:
        x: a batch, shape (batch, features); a tensor or an array.
        gamma: scale, shape (features,).
        beta: shift (the ``offset`` of ``tf.nn.batch_normalization``), shape (features,).
        eps: the variance epsilon.

    Returns:
        A tensor of shape (batch, features) and the dtype of ``x``.

    Raises:
        ValueError: ``x`` is not 2-D.
    """
    x = tf.convert_to_tensor(x)
    if x.shape.rank != 2:
        raise ValueError(f"x must be 2-D (batch, features). Received: x.shape={tuple(x.shape)}")
    gamma = tf.cast(gamma, x.dtype)
    beta = tf.cast(beta, x.dtype)
    ### BEGIN SOLUTION
    mean, variance = tf.nn.moments(x, axes=[0])
    return tf.nn.batch_normalization(x, mean, variance, offset=beta, scale=gamma,
                                     variance_epsilon=eps)
    ### END SOLUTION


class BatchNorm(keras.layers.Layer):
    """Batch normalization over the last axis, written from scratch.

    In training (``training=True``) the layer normalises each feature with the mean and the
    biased variance of the current batch (over every axis but the last) and moves its
    moving statistics towards them:
    ``moving = moving * momentum + batch * (1 - momentum)``. Otherwise (``training=False`` or
    ``None``, or when the layer is frozen with ``trainable=False``) it normalises with the
    moving statistics. With the same settings it computes what
    ``keras.layers.BatchNormalization`` computes.

    Weights, all of shape (features,): ``gamma`` (starts at 1) and ``beta`` (starts at 0) are
    trainable; ``moving_mean`` (starts at 0) and ``moving_variance`` (starts at 1) are not:
    they are estimates, updated by the layer itself, never by the optimizer.

    Args:
        momentum: weight of the history in the moving averages, in [0, 1].
        epsilon: added to the variance inside the square root, positive.
        **kwargs: base layer keyword arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: a batch, shape (batch, features) (more axes between are normalised over too).
        training: whether to use the batch statistics (and update the moving ones).

    Reference:
        - [Ioffe and Szegedy, 2015](https://arxiv.org/abs/1502.03167).
    """

    def __init__(self, momentum: float = 0.99, epsilon: float = 1e-3, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1]. Received: momentum={momentum!r}")
        if not epsilon > 0:
            raise ValueError(f"epsilon must be positive. Received: epsilon={epsilon!r}")
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create ``gamma``, ``beta``, ``moving_mean`` and ``moving_variance``, each (features,)."""
        if input_shape[-1] is None:
            raise ValueError("The last axis (features) of the input must be known. "
                             f"Received: input_shape={tuple(input_shape)}")
        ### BEGIN SOLUTION
        shape = (input_shape[-1],)
        self.gamma = self.add_weight(shape=shape, initializer="ones", trainable=True, name="gamma")
        self.beta = self.add_weight(shape=shape, initializer="zeros", trainable=True, name="beta")
        self.moving_mean = self.add_weight(shape=shape, initializer="zeros", trainable=False,
                                           name="moving_mean")
        self.moving_variance = self.add_weight(shape=shape, initializer="ones", trainable=False,
                                               name="moving_variance")
        ### END SOLUTION

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        """Normalise ``inputs`` (batch, features) with batch or moving statistics; same shape out."""
        ### BEGIN SOLUTION
        if training and self.trainable:
            axes = tuple(range(len(inputs.shape) - 1))
            mean = ops.mean(inputs, axis=axes)
            variance = ops.var(inputs, axis=axes)
            self.moving_mean.assign(self.moving_mean * self.momentum + mean * (1.0 - self.momentum))
            self.moving_variance.assign(
                self.moving_variance * self.momentum + variance * (1.0 - self.momentum))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        return (inputs - mean) * ops.rsqrt(variance + self.epsilon) * self.gamma + self.beta
        ### END SOLUTION

    def get_config(self) -> dict[str, Any]:
        """The layer's configuration; ``BatchNorm.from_config(config)`` rebuilds it."""
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon}


def dense_bn_block(units: int, activation: str | Any) -> keras.layers.Layer:
    """A hidden layer the batch-norm way: Dense without bias, batch norm, then the activation.

    The Dense layer has no bias, since batch norm's mean subtraction would cancel it and
    ``beta`` takes its place; the activation comes after the normalisation, so it receives
    ``Z_tilde``. Either :class:`BatchNorm` or ``keras.layers.BatchNormalization`` (they agree)
    does the normalising.

    Args:
        units: number of units, positive.
        activation: the activation, as ``keras.layers.Activation`` accepts it ("relu", ...).

    Returns:
        A layer mapping (batch, features) to (batch, units), usable inside a model.

    Raises:
        ValueError: ``units`` is not a positive integer.
    """
    if not (isinstance(units, (int, np.integer)) and units > 0):
        raise ValueError(f"units must be a positive integer. Received: units={units!r}")
    ### BEGIN SOLUTION
    return keras.Sequential([
        keras.layers.Dense(units, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.Activation(activation),
    ])
    ### END SOLUTION
