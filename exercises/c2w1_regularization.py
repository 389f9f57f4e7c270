# Exercise stub generated from solutions/c2w1_regularization.py by `make stubs`.
# Replace each `raise NotImplementedError(...)` line with your code; keep the signatures.
"""Regularization: L2 weight decay and inverted dropout, from scratch in NumPy, then the Keras way.

A network that fits its training set much better than its dev set has *high variance*: it has
learnt the noise of the few examples it saw. More data helps; when there is none, regularization
does. This module follows the course's assignment on the course's 3-layer binary classifier::

    LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID
    Z1 = W1·X + b1,  A1 = relu(Z1)       W1: (n1, n_x), b1: (n1, 1)
    Z2 = W2·A1 + b2, A2 = relu(Z2)       W2: (n2, n1),  b2: (n2, 1)
    Z3 = W3·A2 + b3, A3 = sigmoid(Z3)    W3: (1, n2),   b3: (1, 1)

X has shape (n_x, m), one example per column, and the labels Y (1, m) are 0 or 1.

**L2 regularization.** The cross-entropy cost gets a penalty on the size of the weights::

    J = -(1/m)·sum_i [y_i·log a3_i + (1 - y_i)·log(1 - a3_i)]  +  (λ/(2m))·sum_l ||W[l]||²_F

where ||W||²_F = sum_k sum_j W[k, j]² (the squared Frobenius norm) runs over the three weight
matrices; the biases are not penalised (they are few, and a large b does not make the function
wiggle). Differentiating λ/(2m)·W² gives (λ/m)·W, so backpropagation changes in one place only:
every dW[l] gains the term (λ/m)·W[l]; db, dZ and dA are as before. A gradient-descent step then
reads W := (1 - αλ/m)·W - α·(backprop term): the weights shrink a little at every step, hence
the name *weight decay*. Small weights keep each z near 0, where tanh or sigmoid is almost
linear, and the network draws smoother decision boundaries.

**Inverted dropout.** At every training iteration each hidden unit is switched off with
probability 1 - keep_prob, independently for every example. For a hidden layer::

    D = (rand(n, m) < keep_prob)      # a 0/1 mask: 1 (keep) with probability keep_prob
    A = A * D                         # switch the dropped units off
    A = A / keep_prob                 # "inverted": keep the expected value of A unchanged

Dividing by keep_prob matters: E[D] = keep_prob, so E[A·D/keep_prob] = A, and the next layer's
z = W·A + b has the same expected value with or without dropout. That is why nothing needs
rescaling at test time, where dropout is simply *off* (predictions must not be random). The
output layer never gets a mask. Backpropagation goes through the very same masks: dA = dA·D /
keep_prob, because the forward pass multiplied by D/keep_prob; a fresh mask would send the
gradient to units that were not used. keep_prob = 1 is no dropout at all. A unit that may vanish
cannot rely on any one input, so it spreads its weights out: dropout shrinks weights much as L2
does. The cost J is no longer well defined while dropout is on (check gradients with it off).

The masks come from a local ``np.random.RandomState(seed)``, D1 drawn before D2, exactly as the
course's ``np.random.seed(1)`` followed by two ``np.random.rand`` calls, so the course's printed
values reproduce, while NumPy's global random state stays untouched.

**In Keras.** ``Dense(units, kernel_regularizer=keras.regularizers.L2(l2))`` adds
``l2·sum(kernel²)`` to the loss that is minimised, and ``Dropout(rate)`` drops a share ``rate`` of
its inputs during training (``training=True``) and scales the kept ones by 1/(1 - rate): inverted
dropout with keep_prob = 1 - rate, off at inference. Keras's loss is the *batch mean* of the
cross-entropy plus the penalties, so its ``l2`` is the course's λ/(2m): a course λ on m training
examples is ``l2 = λ/(2m)``, and the other way round λ = 2·m·l2. With the same weights, the
model's loss on those m examples equals :func:`compute_cost_with_regularization` with that λ
(the penalty is added once per mini-batch, so it weighs the same whatever the batch size).

**Early stopping.** Train while watching the dev (validation) loss, and keep the weights of the
epoch where it was lowest: ``keras.callbacks.EarlyStopping(monitor="val_loss", patience=...,
restore_best_weights=True)``. It is cheap (one run instead of a search over λ) but couples two
jobs, lowering J and not overfitting, that orthogonalization would rather keep apart.

Layouts: the NumPy functions use the course's columns, (n_x, m) and (1, m); the Keras functions
use Keras' rows, (batch, features) and labels (batch,) or (batch, 1).

Reference:
    - [Srivastava et al., 2014](https://jmlr.org/papers/v15/srivastava14a.html): Dropout: A Simple
      Way to Prevent Neural Networks from Overfitting.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

Cache = tuple[np.ndarray, ...]
"""The course's caches: ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)`` without dropout,
``(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)`` with it."""

_PARAMETER_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
_CACHE_NAMES = ("Z1", "A1", "W1", "b1", "Z2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")
_DROPOUT_CACHE_NAMES = ("Z1", "D1", "A1", "W1", "b1", "Z2", "D2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")


def _as_matrix(value: Any, name: str, layout: str) -> np.ndarray:
    """``value`` as a float64 2-D array, or a ValueError that names ``name`` and its layout."""
    try:
        array = np.ascontiguousarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a numeric array of shape {layout}. "
                         f"Received: {name}={value!r:.80}") from None
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape {layout}, one column per example. "
                         f"Received: {name}.shape={array.shape}")
    return array


def _check_real(name: str, value: Any, low: float, high: float | None = None, *, open_low: bool = False) -> None:
    """Raise a ValueError unless ``value`` is a real number in [low, high] ((low, high] if open_low)."""
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real) and np.isfinite(value)
    ok = ok and (value > low if open_low else value >= low) and (high is None or value <= high)
    if not ok:
        interval = f"{'(' if open_low else '['}{low:g}, {'inf)' if high is None else f'{high:g}]'}"
        raise ValueError(f"{name} must be a real number in {interval}. Received: {name}={value!r}")


def _check_int(name: str, value: Any, minimum: int) -> None:
    """Raise a ValueError unless ``value`` is an integer (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}. Received: {name}={value!r}")


def _check_labels(A3: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    """A3 and Y as float64 (1, m) arrays of one shape, or a ValueError."""
    A3, Y = _as_matrix(A3, "A3", "(1, m)"), _as_matrix(Y, "Y", "(1, m)")
    if A3.shape[0] != 1 or A3.shape != Y.shape:
        raise ValueError("A3 and Y must both have shape (1, m). "
                         f"Received: A3.shape={A3.shape}, Y.shape={Y.shape}")
    return A3, Y


def _check_parameters(parameters: Any, n_x: int | None = None) -> dict[str, np.ndarray]:
    """The 3-layer network's parameters as float64 arrays of consistent shapes, or a ValueError."""
    if not isinstance(parameters, dict) or not set(_PARAMETER_NAMES) <= parameters.keys():
        keys = sorted(parameters) if isinstance(parameters, dict) else type(parameters).__name__
        raise ValueError(f"parameters must be a dict with the keys {list(_PARAMETER_NAMES)}. "
                         f"Received: parameters={keys}")
    arrays = {key: _as_matrix(parameters[key], f'parameters["{key}"]', "(n_l, n_(l-1))")
              for key in _PARAMETER_NAMES}
    previous = arrays["W1"].shape[1] if n_x is None else n_x
    for layer in (1, 2, 3):
        W, b = arrays[f"W{layer}"], arrays[f"b{layer}"]
        if W.shape[1] != previous or b.shape != (W.shape[0], 1) or (layer == 3 and W.shape[0] != 1):
            raise ValueError(f"W{layer} must have shape (n{layer}, {previous}) and b{layer} shape "
                             f"(n{layer}, 1){', with n3 = 1' if layer == 3 else ''}. Received: "
                             f"W{layer}.shape={W.shape}, b{layer}.shape={b.shape}")
        previous = W.shape[0]
    return arrays


def _check_inputs(X: Any, Y: Any | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """X as float64 (n_x, m) and Y (if given) as float64 (1, m), or a ValueError."""
    X = _as_matrix(X, "X", "(n_x, m)")
    if Y is not None:
        Y = _as_matrix(Y, "Y", "(1, m)")
        if Y.shape != (1, X.shape[1]):
            raise ValueError(f"Y must have shape (1, m) with m = X.shape[1] = {X.shape[1]}. "
                             f"Received: Y.shape={Y.shape}")
    return X, Y


def _check_cache(cache: Any, names: tuple[str, ...], m: int) -> tuple[np.ndarray, ...]:
    """The cache as a tuple of float64 2-D arrays named ``names``, each with m columns where it
    holds one per example, or a ValueError."""
    if not isinstance(cache, (tuple, list)) or len(cache) != len(names):
        size = len(cache) if isinstance(cache, (tuple, list)) else type(cache).__name__
        raise ValueError(f"cache must be the tuple ({', '.join(names)}) of {len(names)} arrays. "
                         f"Received: cache of length {size}")
    arrays = tuple(_as_matrix(value, name, "(n_l, m)") for value, name in zip(cache, names))
    for name, array in zip(names, arrays):
        if name[0] in "ZAD" and array.shape[1] != m:
            raise ValueError(f"{name} in the cache must have m = {m} columns, one per example. "
                             f"Received: {name}.shape={array.shape}")
    return arrays


def _check_keep_prob(keep_prob: Any) -> None:
    """Raise a ValueError unless 0 < keep_prob <= 1."""
    _check_real("keep_prob", keep_prob, 0.0, 1.0, open_low=True)


def sigmoid(Z: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-Z)), element-wise, for any shape."""
    return 1.0 / (1.0 + np.exp(-Z))


def relu(Z: np.ndarray) -> np.ndarray:
    """max(0, Z), element-wise, for any shape."""
    return np.maximum(0.0, Z)


def compute_cost(A3: np.ndarray, Y: np.ndarray) -> float:
    """The cross-entropy cost without regularization (the course's ``reg_utils.compute_cost``).

    J = -(1/m)·sum_i [y_i·log a3_i + (1 - y_i)·log(1 - a3_i)]; a term 0·log 0 (a prediction of
    exactly 0 or 1 on the label it agrees with) counts as 0.

    Args:
        A3: the sigmoid outputs, shape (1, m), entries in [0, 1].
        Y: the labels, 0 or 1, shape (1, m).

    Returns:
        The cost as a Python float.

    Raises:
        ValueError: ``A3`` or ``Y`` is not of shape (1, m), or their shapes differ.
    """
    A3, Y = _check_labels(A3, Y)
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = Y * -np.log(A3) + (1 - Y) * -np.log(1 - A3)
    return float(np.nansum(logprobs) / Y.shape[1])


def forward_propagation(X: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, Cache]:
    """The 3-layer network's forward pass without dropout (the course's ``reg_utils`` version).

    Args:
        X: inputs, shape (n_x, m).
        parameters: ``{"W1": (n1, n_x), "b1": (n1, 1), "W2": (n2, n1), "b2": (n2, 1),
            "W3": (1, n2), "b3": (1, 1)}``.

    Returns:
        ``(A3, cache)``: A3 of shape (1, m) and the cache
        ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)`` that
        :func:`backward_propagation_with_regularization` takes.

    Raises:
        ValueError: ``X`` is not 2-D or the parameters' shapes do not fit it.
    """
    X, _ = _check_inputs(X)
    p = _check_parameters(parameters, X.shape[0])
    Z1 = p["W1"] @ X + p["b1"]
    A1 = relu(Z1)
    Z2 = p["W2"] @ A1 + p["b2"]
    A2 = relu(Z2)
    Z3 = p["W3"] @ A2 + p["b3"]
    A3 = sigmoid(Z3)
    return A3, (Z1, A1, p["W1"], p["b1"], Z2, A2, p["W2"], p["b2"], Z3, A3, p["W3"], p["b3"])


def compute_cost_with_regularization(A3: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray],
                                     lambd: float) -> float:
    """The cross-entropy cost plus the L2 penalty (λ/(2m))·(||W1||²_F + ||W2||²_F + ||W3||²_F).

    ||W||²_F is the sum of the squares of all the entries of W; m is the number of examples (the
    columns of Y). The biases are not penalised. ``lambd`` is the course's λ (``lambda`` is a
    Python keyword); with ``lambd = 0`` this is :func:`compute_cost`.

    Args:
        A3: the sigmoid outputs of the network, shape (1, m).
        Y: the labels, 0 or 1, shape (1, m).
        parameters: ``{"W1": (n1, n_x), "b1": (n1, 1), "W2": (n2, n1), "b2": (n2, 1),
            "W3": (1, n2), "b3": (1, 1)}``.
        lambd: the regularization strength λ >= 0.

    Returns:
        The regularized cost J as a Python float.

    Raises:
        ValueError: the shapes do not fit, a parameter is missing, or lambd < 0.

    Example:
        The course's test case (``np.random.seed(1)``, then W1 (2, 3), b1, W2 (3, 2), b2,
        W3 (1, 3), b3 drawn with ``np.random.randn`` in that order, ``Y = [[1, 1, 0, 1, 0]]``,
        ``A3 = [[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]]``) with
        ``lambd=0.1`` gives ``cost = 1.78648594516``.
    """
    A3, Y = _check_labels(A3, Y)
    parameters = _check_parameters(parameters)
    _check_real("lambd", lambd, 0.0)
    raise NotImplementedError("c2w1_regularization.compute_cost_with_regularization")


def backward_propagation_with_regularization(X: np.ndarray, Y: np.ndarray, cache: Cache,
                                             lambd: float) -> dict[str, np.ndarray]:
    """Backpropagation through the 3-layer network for the L2-regularized cost.

    As without regularization, from the output back: dZ3 = A3 - Y, dA2 = W3ᵀ·dZ3,
    dZ2 = dA2 * (A2 > 0), dA1 = W2ᵀ·dZ2, dZ1 = dA1 * (A1 > 0), db[l] = (1/m)·sum(dZ[l], axis=1);
    and the weights' gradients gain the derivative of the penalty:
    dW[l] = (1/m)·dZ[l]·A[l-1]ᵀ + (λ/m)·W[l] (with A0 = X). dZ and dA are the course's
    per-example quantities (m times the derivative of J), so only dW and db are the exact
    gradients of J.

    Args:
        X: inputs, shape (n_x, m).
        Y: labels, shape (1, m).
        cache: ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)`` from :func:`forward_propagation`.
        lambd: the regularization strength λ >= 0.

    Returns:
        ``{"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"}``, each
        of the shape of the array it is the gradient for (dW1 like W1 (n1, n_x), dZ1 like Z1
        (n1, m), ...).

    Raises:
        ValueError: the shapes do not fit, the cache does not have 12 entries, or lambd < 0.

    Example:
        The course's test case with ``lambd=0.7`` gives
        ``dW1 = [[-0.25604646, 0.12298827, -0.28297129], [-0.17706303, 0.34536094, -0.4410571]]``
        and ``dW3 = [[-1.77691347, -0.11832879, -0.09397446]]``.
    """
    X, Y = _check_inputs(X, Y)
    cache = _check_cache(cache, _CACHE_NAMES, X.shape[1])
    _check_real("lambd", lambd, 0.0)
    raise NotImplementedError("c2w1_regularization.backward_propagation_with_regularization")


def forward_propagation_with_dropout(X: np.ndarray, parameters: dict[str, np.ndarray], keep_prob: float = 0.5,
                                     seed: int = 1) -> tuple[np.ndarray, Cache]:
    """The forward pass with inverted dropout on both hidden layers (not on the output layer).

    With ``rng = np.random.RandomState(seed)``: Z1 = W1·X + b1, A1 = relu(Z1); the mask
    D1 = (rng.rand(*A1.shape) < keep_prob) as 0/1 integers; A1 = A1·D1 / keep_prob; then the same
    for layer 2 with D2 drawn next from the same ``rng``; Z3 = W3·A2 + b3 and A3 = sigmoid(Z3)
    with no mask. NumPy's global random state is not used. ``keep_prob=1`` keeps every unit and
    is the plain forward pass.

    Args:
        X: inputs, shape (n_x, m).
        parameters: ``{"W1": (n1, n_x), "b1": (n1, 1), "W2": (n2, n1), "b2": (n2, 1),
            "W3": (1, n2), "b3": (1, 1)}``.
        keep_prob: the probability of keeping each hidden unit, 0 < keep_prob <= 1.
        seed: seeds the local ``RandomState`` that draws the masks (the course's seed is 1).

    Returns:
        ``(A3, cache)``: A3 of shape (1, m) and the cache
        ``(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)``, where D1 (n1, m) and
        D2 (n2, m) are the masks and A1, A2 the activations after masking and scaling.

    Raises:
        ValueError: the shapes do not fit, or keep_prob is not in (0, 1].

    Example:
        The course's test case (``np.random.seed(1)``, then X (3, 5), W1 (2, 3), b1, W2 (3, 2),
        b2, W3 (1, 3), b3 drawn with ``np.random.randn``) with ``keep_prob=0.7`` gives
        ``A3 = [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]]``.
    """
    X, _ = _check_inputs(X)
    parameters = _check_parameters(parameters, X.shape[0])
    _check_keep_prob(keep_prob)
    raise NotImplementedError("c2w1_regularization.forward_propagation_with_dropout")


def backward_propagation_with_dropout(X: np.ndarray, Y: np.ndarray, cache: Cache,
                                      keep_prob: float) -> dict[str, np.ndarray]:
    """Backpropagation through the 3-layer network with the dropout masks of the forward pass.

    As without dropout, but the gradient flows only through the units that were kept, scaled as
    they were: dZ3 = A3 - Y; dA2 = W3ᵀ·dZ3, then dA2 = dA2·D2 / keep_prob; dZ2 = dA2 * (A2 > 0);
    dA1 = W2ᵀ·dZ2, then dA1 = dA1·D1 / keep_prob; dZ1 = dA1 * (A1 > 0);
    dW[l] = (1/m)·dZ[l]·A[l-1]ᵀ and db[l] = (1/m)·sum(dZ[l], axis=1). The masks D1 and D2 are the
    ones in the cache; nothing is drawn again.

    Args:
        X: inputs, shape (n_x, m).
        Y: labels, shape (1, m).
        cache: ``(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)`` from
            :func:`forward_propagation_with_dropout` (the masks may be 0/1 integers or booleans).
        keep_prob: the keep_prob the forward pass used, 0 < keep_prob <= 1.

    Returns:
        ``{"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"}``, each
        of the shape of the array it is the gradient for.

    Raises:
        ValueError: the shapes do not fit, the cache does not have 14 entries, or keep_prob is
            not in (0, 1].

    Example:
        The course's test case with ``keep_prob=0.8`` gives
        ``dA1 = [[0.36544439, 0, -0.00188233, 0, -0.17408748], [0.65515713, 0, -0.00337459, 0, 0]]``.
    """
    X, Y = _check_inputs(X, Y)
    cache = _check_cache(cache, _DROPOUT_CACHE_NAMES, X.shape[1])
    _check_keep_prob(keep_prob)
    raise NotImplementedError("c2w1_regularization.backward_propagation_with_dropout")


def _check_model_sizes(n_features: Any, hidden_units: Any, l2: Any, keep_prob: Any) -> None:
    """Raise a ValueError unless the builder's arguments make a model."""
    _check_int("n_features", n_features, 1)
    if not isinstance(hidden_units, Sequence) or isinstance(hidden_units, str) or not all(
            not isinstance(u, bool) and isinstance(u, numbers.Integral) and u >= 1 for u in hidden_units):
        raise ValueError("hidden_units must be a sequence of positive integers, e.g. (64, 32). "
                         f"Received: hidden_units={hidden_units!r}")
    _check_real("l2", l2, 0.0)
    _check_keep_prob(keep_prob)


def build_regularized_model(n_features: int, hidden_units: Sequence[int] = (64, 32), l2: float = 1e-3,
                            keep_prob: float = 0.8) -> keras.Model:
    """A compiled Keras binary classifier with L2 weight decay and dropout.

    Inputs of shape (batch, n_features) go through one ``Dense(units, activation="relu",
    kernel_regularizer=keras.regularizers.L2(l2))`` per entry of ``hidden_units``, each followed
    by ``Dropout(rate=1 - keep_prob)``, then ``Dense(1, activation="sigmoid",
    kernel_regularizer=keras.regularizers.L2(l2))``. Every kernel is penalised, the output
    layer's too, as the course's sum over all W[l]; no bias is. Compiled with
    ``keras.optimizers.Adam()``, ``keras.losses.BinaryCrossentropy()`` and the ``"accuracy"``
    metric.

    What ``l2`` means: Keras minimises the batch-mean cross-entropy plus ``l2·sum_l ||W[l]||²_F``,
    so ``l2`` is the course's λ/(2m). A course λ on m training examples is ``l2 = λ/(2m)``; with
    the same weights the model's loss on those m examples is
    ``compute_cost_with_regularization(A3, Y, parameters, lambd=2 * m * l2)``.

    Dropout is on in training (``model.fit``, ``model(x, training=True)``) and off in inference
    (``model.predict``, ``model(x)``), where no rescaling is needed: Keras' Dropout is inverted.

    Args:
        n_features: the number of input features (>= 1).
        hidden_units: the width of each hidden ReLU layer, in order.
        l2: Keras' L2 coefficient, the course's λ/(2m) (>= 0).
        keep_prob: the probability of keeping each hidden unit in training, 0 < keep_prob <= 1.

    Returns:
        A compiled ``keras.Model`` mapping (batch, n_features) to probabilities (batch, 1).

    Raises:
        ValueError: a size is not a positive integer, l2 < 0, or keep_prob is not in (0, 1].
    """
    _check_model_sizes(n_features, hidden_units, l2, keep_prob)
    raise NotImplementedError("c2w1_regularization.build_regularized_model")


def _check_training(model: Any, patience: Any, max_epochs: Any, batch_size: Any) -> None:
    """Raise a ValueError unless the model is compiled and the counts are integers in range."""
    if not isinstance(model, keras.Model) or not getattr(model, "compiled", False):
        raise ValueError("model must be a compiled keras.Model (call model.compile first). "
                         f"Received: model={type(model).__name__}")
    _check_int("patience", patience, 0)
    _check_int("max_epochs", max_epochs, 1)
    _check_int("batch_size", batch_size, 1)


def train_with_early_stopping(
    model: keras.Model,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    patience: int = 5,
    max_epochs: int = 200,
    batch_size: int = 32,
) -> tuple[keras.Model, keras.callbacks.History]:
    """Train ``model`` with early stopping on the validation loss; keep its best weights.

    ``model.fit`` on the training set for at most ``max_epochs`` epochs of mini-batches of
    ``batch_size``, evaluating the validation set after every epoch, with
    ``keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
    restore_best_weights=True)``: training stops once the validation loss has not improved for
    ``patience`` epochs in a row, and the model is left with the weights of the epoch whose
    validation loss was the lowest. Prints nothing (``verbose=0``).

    Args:
        model: a compiled Keras model, e.g. one from :func:`build_regularized_model`.
        X_train: training inputs, shape (m_train, n_features).
        y_train: training labels, shape (m_train,) or (m_train, 1).
        X_val: validation (dev) inputs, shape (m_val, n_features).
        y_val: validation labels, shape (m_val,) or (m_val, 1).
        patience: epochs without improvement of the validation loss before stopping (>= 0).
        max_epochs: the most epochs to train (>= 1).
        batch_size: the mini-batch size (>= 1).

    Returns:
        ``(model, history)``: the same model, trained and holding its best weights, and the
        ``keras.callbacks.History`` of ``fit``: ``history.history["loss"]`` and
        ``history.history["val_loss"]`` hold one value per epoch run.

    Raises:
        ValueError: the model is not compiled, or a count is not an integer in range.
    """
    _check_training(model, patience, max_epochs, batch_size)
    raise NotImplementedError("c2w1_regularization.train_with_early_stopping")
