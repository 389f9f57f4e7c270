# Exercise stub generated from solutions/c1w4_deep_network.py by `make stubs`.
# Replace each `raise NotImplementedError(...)` line with your code; keep the signatures.
"""A deep L-layer network, step by step: building blocks with caches, then the whole model.

The course's week-4 network has L layers: L - 1 hidden layers of ReLU units and one sigmoid
output unit, for binary classification::

    X = A[0] -> [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID -> A[L] = ŷ

``layer_dims = [n[0], n[1], ..., n[L]]`` lists the sizes: n[0] input features, n[l] units in
layer l, n[L] = 1. Layer l owns W[l] of shape (n[l], n[l-1]) (one row per unit, one column per
input of that unit) and b[l] of shape (n[l], 1); the course keeps them in one dictionary
``{"W1", "b1", ..., "WL", "bL"}``. Examples are columns: X has shape (n[0], m), A[l] (n[l], m).

**Forward, one layer at a time.** Layer l computes::

    Z[l] = W[l]·A[l-1] + b[l]          (n[l], m): the bias column is broadcast over the m columns
    A[l] = g[l](Z[l])                  g = relu for l < L, sigmoid for l = L

Every forward step keeps what its backward step will need in a *cache*. The linear part keeps
``(A[l-1], W[l], b[l])``, the "linear cache"; the activation keeps Z[l], the "activation
cache"; a whole layer's cache is the pair ``((A[l-1], W[l], b[l]), Z[l])``. L_model_forward
returns the list of the L layer caches, layer 1's first.

**The cost** is the mean binary cross-entropy of the m predictions::

    J = -(1/m)·sum_i [ y_i·log a_i + (1 - y_i)·log(1 - a_i) ]      (a Python float)

**Backward, one layer at a time.** Write dV for m times the derivative of J with respect to V
when V holds one column per example (dA[l], dZ[l]: the derivative of that example's loss), and
for the derivative of J itself when V is a parameter (dW[l], db[l]). From the output::

    dA[L] = -(Y / A[L] - (1 - Y) / (1 - A[L]))        the derivative of each example's loss

then, for l = L, L-1, ..., 1, through the activation and the linear part of layer l::

    dZ[l]   = dA[l] * g[l]'(Z[l])                     element-wise; Z[l] from the cache
    dW[l]   = (1/m)·dZ[l]·A[l-1]ᵀ                     (n[l], n[l-1]), like W[l]
    db[l]   = (1/m)·sum of dZ[l] over the examples    (n[l], 1), like b[l]: keep the column
    dA[l-1] = W[l]ᵀ·dZ[l]                             (n[l-1], m), like A[l-1]

with relu'(z) = 1 where z > 0 (else 0) and sigmoid'(z) = s·(1 - s) for s = sigmoid(z). The two
transposes are where the shapes force you: dZ[l] (n[l], m) times A[l-1]ᵀ (m, n[l-1]) sums over
the examples; W[l]ᵀ (n[l-1], n[l]) times dZ[l] sends each unit's error back to its inputs. For
the sigmoid output, dA[L]·sigmoid'(Z[L]) simplifies to dZ[L] = A[L] - Y.

L_model_backward gathers everything in one dictionary: ``grads["dA" + str(l)]`` is dA[l], the
gradient of layer l's *output* A[l], for l = 0, ..., L-1 (dA0 is the gradient of the input X;
dA[L] is not stored), and ``grads["dW" + str(l)]``, ``grads["db" + str(l)]`` for l = 1, ..., L.

**Gradient descent** moves every parameter against its gradient, W[l] := W[l] - α·dW[l] and
b[l] := b[l] - α·db[l], with the learning rate α. L_layer_model repeats forward, cost, backward
and update ``num_iterations`` times and records the cost every 100 iterations, as the course does.

**Initialization.** The step-by-step assignment draws ``W[l] = randn(n[l], n[l-1]) * 0.01`` and
``b[l] = 0`` with ``np.random.seed(3)``, layer after layer; this module does the same (the
syllabus's contract) from a local ``np.random.RandomState(seed)``, so the course's printed W's
reproduce without touching NumPy's global random state. (The course's *application* notebook
helper divides by sqrt(n[l-1]) instead of multiplying by 0.01, with seed 1: small weights such
as 0.01 make the signal of a deep ReLU stack shrink by about 0.01·sqrt(n) per layer, which is why
the application changes it; here it is ×0.01, as the syllabus says.)

Every function checks its inputs' shapes with the layer in mind: a wrong shape raises a
ValueError that names the layer, the array and both shapes.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

LinearCache = tuple[np.ndarray, np.ndarray, np.ndarray]
"""``(A_prev, W, b)``: what the linear part of a layer keeps for its backward step."""
LayerCache = tuple[LinearCache, np.ndarray]
"""``((A_prev, W, b), Z)``: a whole layer's cache, the linear cache and the activation cache Z."""

_ACTIVATIONS = ("relu", "sigmoid")


# ---------------------------------------------------------------------------------------------
# Input validation (outside the exercise: the messages name the layer and both shapes).

def _as_matrix(value: Any, name: str, layout: str) -> np.ndarray:
    """``value`` as a float64 2-D array, or a ValueError that names ``name`` and its layout."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a numeric array of shape {layout}. "
                         f"Received: {name}={value!r:.80}") from None
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape {layout}. Received: {name}.shape={array.shape}")
    return array


def _check_layer_dims(layer_dims: Any) -> list[int]:
    """``layer_dims`` as a list of Python ints (at least two, each >= 1), or a ValueError."""
    if isinstance(layer_dims, np.ndarray):
        layer_dims = layer_dims.tolist()
    if (not isinstance(layer_dims, Sequence) or isinstance(layer_dims, str) or len(layer_dims) < 2
            or not all(not isinstance(n, bool) and isinstance(n, numbers.Integral) and n >= 1 for n in layer_dims)):
        raise ValueError("layer_dims must be a list of at least two positive integers [n[0], n[1], ..., n[L]], "
                         f"e.g. [5, 4, 3]. Received: layer_dims={layer_dims!r}")
    return [int(n) for n in layer_dims]


def _check_int(name: str, value: Any, minimum: int, maximum: int | None = None) -> None:
    """Raise a ValueError unless ``value`` is an integer (not a bool) in [minimum, maximum]."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum
            or (maximum is not None and value > maximum)):
        bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{name} must be an integer {bound}. Received: {name}={value!r}")


def _check_learning_rate(learning_rate: Any) -> None:
    """Raise a ValueError unless ``learning_rate`` is a finite real number > 0."""
    if (isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real)
            or not np.isfinite(learning_rate) or learning_rate <= 0):
        raise ValueError(f"learning_rate must be a real number > 0. Received: learning_rate={learning_rate!r}")


def _check_activation(activation: Any) -> None:
    """Raise a ValueError unless ``activation`` is "relu" or "sigmoid"."""
    if activation not in _ACTIVATIONS:
        raise ValueError(f'activation must be "relu" or "sigmoid". Received: activation={activation!r}')


def _layer(layer: int | None) -> str:
    return "" if layer is None else f" (layer {layer})"


def _check_linear(A: Any, W: Any, b: Any, layer: int | None = None,
                  A_name: str = "A") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A (n_prev, m), W (n, n_prev) and b (n, 1) as float64, or a ValueError naming the layer."""
    A = _as_matrix(A, A_name, "(n[l-1], m)")
    W = _as_matrix(W, "W", "(n[l], n[l-1])")
    b = _as_matrix(b, "b", "(n[l], 1)")
    n = b.shape[0] if b.shape[1] == 1 else W.shape[0]
    if W.shape != (n, A.shape[0]):
        raise ValueError(f"W{_layer(layer)} must have shape (n[l], n[l-1]) = ({n}, {A.shape[0]}): "
                         f"{n} units, each with {A.shape[0]} inputs (the rows of {A_name}). "
                         f"Received: W.shape={W.shape}, {A_name}.shape={A.shape}, b.shape={b.shape}")
    if b.shape != (n, 1):
        raise ValueError(f"b{_layer(layer)} must have shape (n[l], 1) = ({W.shape[0]}, 1), one bias per unit. "
                         f"Received: b.shape={b.shape}")
    return A, W, b


def _check_parameters(parameters: Any, n_x: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """The pairs (W[l], b[l]) for l = 1, ..., L as float64 arrays, or a ValueError.

    W[l] must have shape (n[l], n[l-1]) and b[l] (n[l], 1), where n[0] = ``n_x`` (the rows of X;
    the columns of W1 when not given) and n[l] is the number of rows of b[l].
    """
    if not isinstance(parameters, dict) or not parameters:
        raise ValueError("parameters must be a dict {'W1': ..., 'b1': ..., ..., 'WL': ..., 'bL': ...}. "
                         f"Received: parameters={type(parameters).__name__}")
    L = len(parameters) // 2
    expected = [f"{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]
    if len(parameters) % 2 or sorted(parameters) != sorted(expected):
        raise ValueError(f"parameters must have exactly the keys {expected} (one W and one b per layer). "
                         f"Received: parameters with keys {sorted(map(str, parameters))}")
    layers = []
    n_prev = n_x
    for l in range(1, L + 1):
        W = _as_matrix(parameters[f"W{l}"], f'parameters["W{l}"]', "(n[l], n[l-1])")
        b = _as_matrix(parameters[f"b{l}"], f'parameters["b{l}"]', "(n[l], 1)")
        n_prev = W.shape[1] if n_prev is None else n_prev
        n = b.shape[0] if b.shape[1] == 1 else W.shape[0]
        if W.shape != (n, n_prev):
            inputs = " (the rows of X)" if l == 1 and n_x is not None else ""
            raise ValueError(f'parameters["W{l}"] (layer {l}: {n} units, each with {n_prev} inputs{inputs}) has '
                             f"shape {W.shape}, expected {(n, n_prev)}. Received: W{l}.shape={W.shape}")
        if b.shape != (n, 1):
            raise ValueError(f'parameters["b{l}"] (layer {l}: {n} units) has shape {b.shape}, expected {(n, 1)}. '
                             f"Received: b{l}.shape={b.shape}")
        layers.append((W, b))
        n_prev = n
    return layers


def _check_labels(AL: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    """AL and Y as float64 (1, m) arrays of one shape, or a ValueError."""
    AL, Y = _as_matrix(AL, "AL", "(1, m)"), _as_matrix(Y, "Y", "(1, m)")
    if AL.shape[0] != 1 or AL.shape != Y.shape:
        raise ValueError(f"AL and Y must both have shape (1, m). Received: AL.shape={AL.shape}, Y.shape={Y.shape}")
    return AL, Y


def _check_linear_cache(cache: Any, layer: int | None = None) -> LinearCache:
    """The linear cache (A_prev, W, b) with consistent shapes, or a ValueError."""
    if not isinstance(cache, (tuple, list)) or len(cache) != 3:
        raise ValueError(f"the linear cache{_layer(layer)} must be the tuple (A_prev, W, b). "
                         f"Received: cache={type(cache).__name__} of length {len(cache) if isinstance(cache, (tuple, list)) else '-'}")
    return _check_linear(*cache, layer=layer, A_name="A_prev")


def _check_layer_cache(cache: Any, layer: int | None = None) -> tuple[LinearCache, np.ndarray]:
    """A layer cache ((A_prev, W, b), Z), Z of shape (n[l], m), or a ValueError."""
    if not isinstance(cache, (tuple, list)) or len(cache) != 2 or not isinstance(cache[0], (tuple, list)):
        raise ValueError(f"a layer's cache{_layer(layer)} must be ((A_prev, W, b), Z), the linear cache and the "
                         f"activation cache. Received: cache={cache!r:.120}")
    A_prev, W, b = _check_linear_cache(cache[0], layer)
    Z = _as_matrix(cache[1], "Z", "(n[l], m)")
    if Z.shape != (W.shape[0], A_prev.shape[1]):
        raise ValueError(f"Z{_layer(layer)} must have shape (n[l], m) = {(W.shape[0], A_prev.shape[1])}. "
                         f"Received: Z.shape={Z.shape}")
    return (A_prev, W, b), Z


def _check_upstream(dA: Any, Z: np.ndarray, name: str = "dA") -> np.ndarray:
    """The upstream gradient, shaped like Z, or a ValueError."""
    dA = _as_matrix(dA, name, "(n[l], m)")
    if dA.shape != Z.shape:
        raise ValueError(f"{name} must have the shape of Z, {Z.shape}. Received: {name}.shape={dA.shape}")
    return dA


def _check_gradients(grads: Any, layers: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """dW[l] and db[l] shaped like W[l] and b[l] for every layer, or a ValueError naming the layer."""
    if not isinstance(grads, dict):
        raise ValueError(f"grads must be a dict with the keys dW1, db1, ... Received: grads={type(grads).__name__}")
    checked = {}
    for l, (W, b) in enumerate(layers, start=1):
        for key, like in ((f"dW{l}", W), (f"db{l}", b)):
            if key not in grads:
                raise ValueError(f"grads has no {key!r} (layer {l}). Received: grads with keys {sorted(map(str, grads))}")
            value = _as_matrix(grads[key], f'grads["{key}"]', str(like.shape))
            if value.shape != like.shape:
                raise ValueError(f'grads["{key}"] (layer {l}) has shape {value.shape}, expected {like.shape} '
                                 f"(the shape of {key[1:]}). Received: {key}.shape={value.shape}")
            checked[key] = value
    return checked


# ---------------------------------------------------------------------------------------------
# The activations and their derivatives (given, as in the course's dnn_utils).

def sigmoid(Z: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-Z)), element-wise, for any shape."""
    return 1.0 / (1.0 + np.exp(-Z))


def relu(Z: np.ndarray) -> np.ndarray:
    """max(0, Z), element-wise, for any shape."""
    return np.maximum(0.0, Z)


def sigmoid_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """dZ = dA * s * (1 - s) with s = sigmoid(Z): the gradient through a sigmoid unit."""
    s = sigmoid(Z)
    return dA * s * (1 - s)


def relu_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """dZ = dA where Z > 0 and 0 elsewhere: the gradient through a ReLU unit."""
    return np.where(Z > 0, dA, 0.0)


# ---------------------------------------------------------------------------------------------
# The exercise.

def initialize_parameters_deep(layer_dims: Sequence[int], seed: int = 3) -> dict[str, np.ndarray]:
    """Small random weights and zero biases for an L-layer network.

    ``rng = np.random.RandomState(seed)``; for l = 1, ..., L in order,
    ``W[l] = rng.randn(n[l], n[l-1]) * 0.01`` and ``b[l] = zeros((n[l], 1))``: the course's
    numbers for its seed 3, and NumPy's global random state untouched.

    Args:
        layer_dims: the layer sizes ``[n[0], n[1], ..., n[L]]``, n[0] the number of input
            features; at least two positive integers.
        seed: seeds the local ``np.random.RandomState`` (the course's is 3).

    Returns:
        ``{"W1", "b1", ..., "WL", "bL"}``: W[l] of shape (n[l], n[l-1]), b[l] zeros of shape
        (n[l], 1).

    Raises:
        ValueError: ``layer_dims`` is not a list of at least two positive integers, or ``seed`` is
            not an integer in [0, 2**32 - 1].

    Example:
        >>> parameters = initialize_parameters_deep([5, 4, 3])
        >>> parameters["W1"][:, 0]
        array([ 0.01788628, -0.00354759, -0.01313865, -0.00404677])
        >>> parameters["W2"].shape, parameters["b2"].shape
        ((3, 4), (3, 1))
    """
    layer_dims = _check_layer_dims(layer_dims)
    _check_int("seed", seed, 0, 2**32 - 1)
    raise NotImplementedError("c1w4_deep_network.initialize_parameters_deep")


def linear_forward(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, LinearCache]:
    """The linear part of a layer: Z = W·A + b, and the linear cache.

    Args:
        A: the previous layer's activations (or the input X), shape (n[l-1], m).
        W: the layer's weights, shape (n[l], n[l-1]).
        b: the layer's biases, shape (n[l], 1), broadcast over the m examples.

    Returns:
        ``(Z, cache)``: Z of shape (n[l], m) and ``cache = (A, W, b)``.

    Raises:
        ValueError: the shapes do not fit (the message gives all three).

    Example:
        The course's test case (``np.random.seed(1)``, then A (3, 2), W (1, 3), b (1, 1) drawn
        with ``np.random.randn``) gives ``Z = [[3.26295337, -1.23429987]]``.
    """
    A, W, b = _check_linear(A, W, b)
    raise NotImplementedError("c1w4_deep_network.linear_forward")


def linear_activation_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray,
                              activation: str) -> tuple[np.ndarray, LayerCache]:
    """One whole layer, LINEAR -> ACTIVATION: A = g(W·A_prev + b), and the layer's cache.

    Use :func:`linear_forward` for Z, then :func:`relu` or :func:`sigmoid`.

    Args:
        A_prev: the previous layer's activations (or X), shape (n[l-1], m).
        W: weights, shape (n[l], n[l-1]).
        b: biases, shape (n[l], 1).
        activation: ``"relu"`` or ``"sigmoid"``.

    Returns:
        ``(A, cache)``: A of shape (n[l], m) and ``cache = ((A_prev, W, b), Z)``, the linear
        cache followed by the activation cache Z (n[l], m).

    Raises:
        ValueError: the shapes do not fit, or ``activation`` is neither "relu" nor "sigmoid".

    Example:
        The course's test case (``np.random.seed(2)``, then A_prev (3, 2), W (1, 3), b (1, 1))
        gives ``A = [[0.96890023, 0.11013289]]`` with "sigmoid" and ``[[3.43896131, 0.]]`` with
        "relu".
    """
    A_prev, W, b = _check_linear(A_prev, W, b, A_name="A_prev")
    _check_activation(activation)
    raise NotImplementedError("c1w4_deep_network.linear_activation_forward")


def L_model_forward(X: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, list[LayerCache]]:
    """The forward pass [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID, with every layer's cache.

    L = len(parameters) // 2. Layers 1, ..., L-1 use "relu", layer L "sigmoid", each through
    :func:`linear_activation_forward`; A[0] = X.

    Args:
        X: inputs, shape (n[0], m).
        parameters: ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ..., "WL": (1, n[L-1]), "bL": (1, 1)}``.

    Returns:
        ``(AL, caches)``: AL = A[L] of shape (n[L], m), and the list of the L layer caches
        ``((A[l-1], W[l], b[l]), Z[l])``, layer 1's first (``caches[l - 1]`` is layer l's).

    Raises:
        ValueError: a W[l] or b[l] does not have its layer's shape (the message names the layer
            and both shapes).

    Example:
        The course's ``L_model_forward_test_case_2hidden`` (``np.random.seed(6)``, then X (5, 4),
        W1 (4, 5), b1, W2 (3, 4), b2, W3 (1, 3), b3) gives
        ``AL = [[0.03921668, 0.70498921, 0.19734387, 0.04728177]]`` and 3 caches.
    """
    X = _as_matrix(X, "X", "(n[0], m)")
    _check_parameters(parameters, X.shape[0])
    raise NotImplementedError("c1w4_deep_network.L_model_forward")


def compute_cost(AL: np.ndarray, Y: np.ndarray) -> float:
    """The cross-entropy cost J = -(1/m)·sum_i [y_i·log a_i + (1 - y_i)·log(1 - a_i)].

    Args:
        AL: the predicted probabilities A[L], shape (1, m), entries in (0, 1).
        Y: the labels, 0 or 1, shape (1, m).

    Returns:
        The cost as a Python float (not a (1, 1) or 0-d array).

    Raises:
        ValueError: ``AL`` or ``Y`` is not of shape (1, m), or their shapes differ.

    Example:
        The course's test case: ``AL = [[0.8, 0.9, 0.4]]`` with ``Y = [[1, 1, 0]]`` gives
        ``0.2797765635793422`` (up to the last digit's rounding).
    """
    AL, Y = _check_labels(AL, Y)
    raise NotImplementedError("c1w4_deep_network.compute_cost")


def linear_backward(dZ: np.ndarray, cache: LinearCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The linear part of a layer's backward step: (dA_prev, dW, db) from dZ.

    dW = (1/m)·dZ·A_prevᵀ, db = (1/m)·(the sum of dZ over its m columns, kept as a column),
    dA_prev = Wᵀ·dZ, with m = A_prev.shape[1].

    Args:
        dZ: the gradient with respect to the layer's Z, shape (n[l], m).
        cache: ``(A_prev, W, b)`` from :func:`linear_forward`.

    Returns:
        ``(dA_prev, dW, db)``: shaped like A_prev (n[l-1], m), W (n[l], n[l-1]) and b (n[l], 1).

    Raises:
        ValueError: the cache is not (A_prev, W, b) of consistent shapes, or dZ is not (n[l], m).

    Example:
        The course's test case (``np.random.seed(1)``, then dZ (3, 4), A (5, 4), W (3, 5), b (3, 1))
        gives ``db = [[-0.14713786], [-0.11313155], [-0.13209101]]``.
    """
    A_prev, W, b = _check_linear_cache(cache)
    dZ = _check_upstream(dZ, np.empty((W.shape[0], A_prev.shape[1])), "dZ")
    raise NotImplementedError("c1w4_deep_network.linear_backward")


def linear_activation_backward(dA: np.ndarray, cache: LayerCache,
                               activation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One whole layer's backward step, ACTIVATION -> LINEAR: (dA_prev, dW, db) from dA.

    dZ = dA * g'(Z) with Z from the cache (:func:`relu_backward` or :func:`sigmoid_backward`),
    then :func:`linear_backward` on the linear cache.

    Args:
        dA: the gradient with respect to the layer's output A, shape (n[l], m).
        cache: ``((A_prev, W, b), Z)`` from :func:`linear_activation_forward`.
        activation: ``"relu"`` or ``"sigmoid"``, the layer's activation.

    Returns:
        ``(dA_prev, dW, db)``: shaped like A_prev, W and b.

    Raises:
        ValueError: the cache is not ((A_prev, W, b), Z) of consistent shapes, dA is not shaped
            like Z, or ``activation`` is neither "relu" nor "sigmoid".

    Example:
        The course's test case (``np.random.seed(2)``, then dA (1, 2), A (3, 2), W (1, 3), b (1, 1),
        Z (1, 2)) gives ``db = [[-0.05729622]]`` with "sigmoid" and ``[[-0.20837892]]`` with "relu".
    """
    linear_cache, Z = _check_layer_cache(cache)
    dA = _check_upstream(dA, Z)
    _check_activation(activation)
    raise NotImplementedError("c1w4_deep_network.linear_activation_backward")


def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: Sequence[LayerCache]) -> dict[str, np.ndarray]:
    """Backpropagation through [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID.

    dA[L] = -(Y / AL - (1 - Y) / (1 - AL)); layer L backward with "sigmoid", then layers L-1, ..., 1
    with "relu", each through :func:`linear_activation_backward` with its own cache.

    Args:
        AL: the output A[L] of the forward pass, shape (1, m).
        Y: the labels, shape (1, m).
        caches: the L layer caches ``((A[l-1], W[l], b[l]), Z[l])`` of :func:`L_model_forward`,
            layer 1's first.

    Returns:
        ``grads`` with ``"dA0", ..., "dA{L-1}"`` (``grads["dA" + str(l)]`` is the gradient of A[l],
        shaped (n[l], m)), ``"dW1", ..., "dWL"`` shaped like the W's and ``"db1", ..., "dbL"`` like
        the b's.

    Raises:
        ValueError: AL and Y are not both (1, m), or a cache is not ((A_prev, W, b), Z) of
            consistent shapes (the message names the layer).

    Example:
        The course's ``L_model_backward_test_case`` (``np.random.seed(3)``, then AL (1, 2),
        ``Y = [[1, 0]]``, and two caches drawn in the order A1, W1, b1, Z1, A2, W2, b2, Z2) gives
        ``dW2 = [[-0.39202432, -0.13325855, -0.04601089]]`` and ``db2 = [[0.15187861]]``.
    """
    AL, Y = _check_labels(AL, Y)
    if not isinstance(caches, Sequence) or not caches:
        raise ValueError(f"caches must be the non-empty list of the L layer caches. Received: caches={caches!r:.80}")
    for l, cache in enumerate(caches, start=1):
        _check_layer_cache(cache, l)
    raise NotImplementedError("c1w4_deep_network.L_model_backward")


def update_parameters(params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
                      learning_rate: float) -> dict[str, np.ndarray]:
    """One step of gradient descent: W[l] - α·dW[l] and b[l] - α·db[l] for every layer.

    Returns a new dictionary; ``params`` and its arrays are left as they were.

    Args:
        params: ``{"W1", "b1", ..., "WL", "bL"}``.
        grads: at least ``{"dW1", "db1", ..., "dWL", "dbL"}``, each shaped like its parameter
            (the dA's of :func:`L_model_backward` may be there too).
        learning_rate: the step size α > 0.

    Returns:
        The updated ``{"W1", "b1", ..., "WL", "bL"}``.

    Raises:
        ValueError: a gradient is missing or not shaped like its parameter (the message names
            the layer), or learning_rate <= 0.

    Example:
        The course's test case (``np.random.seed(2)``: W1 (3, 4), b1, W2 (1, 3), b2; then
        ``np.random.seed(3)``: dW1, db1, dW2, db2) with ``learning_rate=0.1`` gives
        ``b2 = [[-0.84610769]]``.
    """
    _check_gradients(grads, _check_parameters(params))
    _check_learning_rate(learning_rate)
    raise NotImplementedError("c1w4_deep_network.update_parameters")


def L_layer_model(X: np.ndarray, Y: np.ndarray, layers_dims: Sequence[int], learning_rate: float = 0.0075,
                  num_iterations: int = 3000, print_cost: bool = False,
                  seed: int = 1) -> tuple[dict[str, np.ndarray], list[float]]:
    """Train the L-layer network by batch gradient descent.

    ``parameters = initialize_parameters_deep(layers_dims, seed)``; then for i = 0, ...,
    num_iterations - 1: :func:`L_model_forward`, :func:`compute_cost`, :func:`L_model_backward`,
    :func:`update_parameters` with ``learning_rate``. The cost of iteration i (computed before
    that iteration's update) is recorded when i % 100 == 0, and printed then
    (``"Cost after iteration {i}: {cost}"``) only with ``print_cost=True``, as is the cost of the
    last iteration.

    Args:
        X: inputs, shape (n[0], m), with n[0] = layers_dims[0].
        Y: labels, 0 or 1, shape (1, m).
        layers_dims: ``[n[0], n[1], ..., n[L]]``, n[L] = 1.
        learning_rate: the step size α > 0.
        num_iterations: the number of gradient steps, >= 1.
        print_cost: print the cost every 100 iterations.
        seed: the seed of the initialization (the course's is 1).

    Returns:
        ``(parameters, costs)``: the trained ``{"W1", "b1", ..., "WL", "bL"}`` and the list of the
        costs (Python floats) of iterations 0, 100, 200, ...

    Raises:
        ValueError: the shapes do not fit ``layers_dims``, or an argument is out of range.
    """
    layers_dims = _check_layer_dims(layers_dims)
    X = _as_matrix(X, "X", "(n[0], m)")
    if X.shape[0] != layers_dims[0]:
        raise ValueError(f"X must have layers_dims[0] = {layers_dims[0]} rows, one per input feature. "
                         f"Received: X.shape={X.shape}")
    if _as_matrix(Y, "Y", "(1, m)").shape != (1, X.shape[1]):
        raise ValueError(f"Y must have shape (1, m) with m = X.shape[1] = {X.shape[1]}. "
                         f"Received: Y.shape={np.shape(Y)}")
    _check_learning_rate(learning_rate)
    _check_int("num_iterations", num_iterations, 1)
    raise NotImplementedError("c1w4_deep_network.L_layer_model")
