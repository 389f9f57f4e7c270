# Exercise stub generated from solutions/c2w1_initialization.py by `make stubs`.
# Replace each `raise NotImplementedError(...)` line with your code; keep the signatures.
"""Initialization: how the first values of W decide whether a deep network can learn at all.

Gradient descent has to start somewhere. For a network with ``layers_dims = [n[0], n[1], ...,
n[L]]`` (``n[0]`` input features, ``n[l]`` units in layer ``l``) every initializer here returns
the course's dictionary of parameters::

    {"W1": (n[1], n[0]), "b1": (n[1], 1), ..., "WL": (n[L], n[L-1]), "bL": (n[L], 1)}

and they differ only in how W[l] is drawn. The biases b[l] always start at zero: the random W
already breaks the symmetry, so b needs no noise of its own.

**Zeros fail to break symmetry.** With W[l] = 0 and b[l] = 0 every unit of a hidden layer
computes the same function of its inputs: same z, same activation, and (because the units feed
the next layer through identical weights) the same gradient. One gradient step changes them all
by the same amount, so they stay identical forever: a hidden layer of n units trains like a
layer of one unit. With ReLU it is worse still: z = 0, a = relu(0) = 0, and no gradient reaches
W at all. Only the output bias learns, and the network predicts the same probability for every
example.

**Large random values break symmetry but saturate.** ``np.random.randn(n[l], n[l-1]) * 10``
gives every unit its own weights, but z[l] = W[l]·a[l-1] is then huge, a sigmoid output sits at
0 or 1, the cost -log(ŷ) of a confident wrong prediction is enormous (``inf`` when ŷ rounds to
exactly 0 or 1), and the gradients of the saturated sigmoid are almost zero: training is slow.

**Scale W to the number of inputs.** A unit computes z = w_1·a_1 + ... + w_n·a_n with n =
n[l-1] inputs. With independent, zero-mean weights, Var(z) = n · Var(w) · E[a²]: the more inputs,
the smaller each weight must be for z to keep a sensible size. Across many layers the factor
n · Var(w) · E[a²] / E[z_prev²] is multiplied once per layer, so anything other than 1 makes the
activations (and the gradients) explode or vanish exponentially with depth, as 1.5^L or 0.5^L
does for a deep linear network.

- **He initialization** (for ReLU layers): a ReLU keeps only half of a symmetric z, so
  E[a²] = E[z²] / 2. Choosing Var(w) = 2 / n[l-1] makes n · Var(w) · E[a²] = E[z_prev²]: the
  second moment survives every layer::

      W[l] = np.random.randn(n[l], n[l-1]) * np.sqrt(2 / n[l-1])

- **Xavier initialization** (for tanh, which is close to linear around 0): Var(w) = 1 / n[l-1]
  keeps Var(z) when the activation passes its input through::

      W[l] = np.random.randn(n[l], n[l-1]) * np.sqrt(1 / n[l-1])

  (Glorot and Bengio also proposed the average of both fans, Var(w) = 2 / (n[l-1] + n[l]),
  which Keras's ``GlorotNormal`` uses; the course's Xavier, and this module's, is 1 / n[l-1].)

The fan-in n[l-1] is the *number of columns* of W[l], the number of inputs of each unit.

**Random numbers like the course's.** The course seeds NumPy's global generator with
``np.random.seed(3)`` and draws W1, W2, ... in order with ``np.random.randn``. These functions
draw the same numbers, in the same order, from a generator of their own,
``rng = np.random.RandomState(seed)``, so that the results match the course's notebook to the
last digit without changing anyone else's random numbers. Biases are zeros and draw nothing.

Reference:
    - [Glorot and Bengio, 2010](https://proceedings.mlr.press/v9/glorot10a.html): Understanding
      the difficulty of training deep feedforward neural networks.
    - [He et al., 2015](https://arxiv.org/abs/1502.01852): Delving Deep into Rectifiers.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np


def _check_layers_dims(layers_dims: Any) -> list[int]:
    """``layers_dims`` as a list of Python ints (at least two, each >= 1), or a ValueError."""
    if isinstance(layers_dims, np.ndarray):
        layers_dims = layers_dims.tolist()
    if (not isinstance(layers_dims, Sequence) or isinstance(layers_dims, str) or len(layers_dims) < 2
            or not all(not isinstance(n, bool) and isinstance(n, numbers.Integral) and n >= 1
                       for n in layers_dims)):
        raise ValueError("layers_dims must be a list of at least two positive integers [n[0], n[1], ..., "
                         f"n[L]], e.g. [2, 4, 1]. Received: layers_dims={layers_dims!r}")
    return [int(n) for n in layers_dims]


def _check_seed(seed: Any) -> None:
    """Raise a ValueError unless ``seed`` is an integer that ``np.random.RandomState`` accepts."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer in [0, 2**32 - 1]. Received: seed={seed!r}")


def initialize_parameters_zeros(layers_dims: Sequence[int]) -> dict[str, np.ndarray]:
    """All weights and biases set to zero (the initialization that fails to break symmetry).

    Every hidden unit of such a network computes the same thing and receives the same gradient,
    so the units stay identical however long the network trains.

    Args:
        layers_dims: the layer sizes ``[n[0], n[1], ..., n[L]]``, ``n[0]`` the number of input
            features; at least two entries, each a positive integer.

    Returns:
        ``{"W1", "b1", ..., "WL", "bL"}`` with ``W[l]`` of shape ``(n[l], n[l-1])`` and ``b[l]``
        of shape ``(n[l], 1)``, all float zeros.

    Raises:
        ValueError: ``layers_dims`` is not a list of at least two positive integers.

    Example:
        >>> parameters = initialize_parameters_zeros([3, 2, 1])
        >>> parameters["W1"]
        array([[0., 0., 0.],
               [0., 0., 0.]])
        >>> parameters["b2"]
        array([[0.]])
    """
    layers_dims = _check_layers_dims(layers_dims)
    raise NotImplementedError("c2w1_initialization.initialize_parameters_zeros")


def initialize_parameters_random(layers_dims: Sequence[int], seed: int = 3) -> dict[str, np.ndarray]:
    """Large random weights, ``randn * 10``, and zero biases (symmetry broken, sigmoid saturated).

    ``rng = np.random.RandomState(seed)``; for l = 1, ..., L in order,
    ``W[l] = rng.randn(n[l], n[l-1]) * 10`` and ``b[l] = 0``: the course's numbers for the
    course's seed, and no change to NumPy's global random state.

    Args:
        layers_dims: the layer sizes ``[n[0], n[1], ..., n[L]]``; at least two positive integers.
        seed: seeds the local ``np.random.RandomState`` (the course uses 3).

    Returns:
        ``{"W1", "b1", ..., "WL", "bL"}``: ``W[l]`` of shape ``(n[l], n[l-1])`` with entries of
        variance 100, ``b[l]`` zeros of shape ``(n[l], 1)``.

    Raises:
        ValueError: ``layers_dims`` is not a list of at least two positive integers, or ``seed``
            is not an integer in [0, 2**32 - 1].

    Example:
        >>> parameters = initialize_parameters_random([3, 2, 1])
        >>> parameters["W1"]
        array([[ 17.88628473,   4.36509851,   0.96497468],
               [-18.63492703,  -2.77388203,  -3.54758979]])
        >>> parameters["W2"]
        array([[-0.82741481, -6.27000677]])
    """
    layers_dims = _check_layers_dims(layers_dims)
    _check_seed(seed)
    raise NotImplementedError("c2w1_initialization.initialize_parameters_random")


def initialize_parameters_he(layers_dims: Sequence[int], seed: int = 3) -> dict[str, np.ndarray]:
    """He initialization for ReLU layers: ``W[l] = randn * sqrt(2 / n[l-1])``, zero biases.

    ``rng = np.random.RandomState(seed)``; for l = 1, ..., L in order,
    ``W[l] = rng.randn(n[l], n[l-1]) * np.sqrt(2 / n[l-1])`` (``n[l-1]``, the fan-in, is the
    number of inputs of each unit of layer l) and ``b[l] = 0``. The variance 2 / n[l-1] keeps the
    second moment of the activations constant through a stack of ReLU layers.

    Args:
        layers_dims: the layer sizes ``[n[0], n[1], ..., n[L]]``; at least two positive integers.
        seed: seeds the local ``np.random.RandomState`` (the course uses 3).

    Returns:
        ``{"W1", "b1", ..., "WL", "bL"}``: ``W[l]`` of shape ``(n[l], n[l-1])`` with entries of
        variance ``2 / n[l-1]``, ``b[l]`` zeros of shape ``(n[l], 1)``.

    Raises:
        ValueError: ``layers_dims`` is not a list of at least two positive integers, or ``seed``
            is not an integer in [0, 2**32 - 1].

    Example:
        >>> parameters = initialize_parameters_he([2, 4, 1])
        >>> parameters["W1"]
        array([[ 1.78862847,  0.43650985],
               [ 0.09649747, -1.8634927 ],
               [-0.2773882 , -0.35475898],
               [-0.08274148, -0.62700068]])
        >>> parameters["W2"]
        array([[-0.03098412, -0.33744411, -0.92904268,  0.62552248]])
    """
    layers_dims = _check_layers_dims(layers_dims)
    _check_seed(seed)
    raise NotImplementedError("c2w1_initialization.initialize_parameters_he")


def initialize_parameters_xavier(layers_dims: Sequence[int], seed: int = 3) -> dict[str, np.ndarray]:
    """Xavier initialization for tanh layers: ``W[l] = randn * sqrt(1 / n[l-1])``, zero biases.

    ``rng = np.random.RandomState(seed)``; for l = 1, ..., L in order,
    ``W[l] = rng.randn(n[l], n[l-1]) * np.sqrt(1 / n[l-1])`` and ``b[l] = 0``: the same draws as
    :func:`initialize_parameters_he`, each W divided by sqrt(2). The variance 1 / n[l-1] keeps
    the second moment constant through layers that act linearly (tanh near 0). This is the
    course's formula, not Keras's ``GlorotNormal`` (which uses 2 / (n[l-1] + n[l]) and a
    truncated normal).

    Args:
        layers_dims: the layer sizes ``[n[0], n[1], ..., n[L]]``; at least two positive integers.
        seed: seeds the local ``np.random.RandomState`` (3, as for the course's He).

    Returns:
        ``{"W1", "b1", ..., "WL", "bL"}``: ``W[l]`` of shape ``(n[l], n[l-1])`` with entries of
        variance ``1 / n[l-1]``, ``b[l]`` zeros of shape ``(n[l], 1)``.

    Raises:
        ValueError: ``layers_dims`` is not a list of at least two positive integers, or ``seed``
            is not an integer in [0, 2**32 - 1].

    Example:
        >>> parameters = initialize_parameters_xavier([2, 4, 1])
        >>> parameters["W2"]
        array([[-0.02190908, -0.23860902, -0.65693238,  0.44231119]])
    """
    layers_dims = _check_layers_dims(layers_dims)
    _check_seed(seed)
    raise NotImplementedError("c2w1_initialization.initialize_parameters_xavier")
