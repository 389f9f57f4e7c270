# Exercise stub generated from solutions/c1w3_shallow_network.py by `make stubs`.
# Replace each `raise NotImplementedError(...)` line with your code; keep the signatures.
"""A shallow network: one tanh hidden layer and a sigmoid output, from scratch in NumPy.

Logistic regression draws one straight line through the plane. The course's planar "flower"
(:func:`load_planar_dataset`: 400 points, two classes, four petals of each colour) cannot be
split by any line: logistic regression gets about half of the points right (47 % on the
course's data), barely better than a coin. One hidden layer of four tanh units bends the
boundary around the petals and reaches about 90 %. This module follows the course's assignment.

**The network.** X has shape (n_x, m), one example per column; the labels Y (1, m) are 0 or 1.
With n_h hidden units and n_y = 1 output::

    Z1 = W1·X + b1,   A1 = tanh(Z1)       W1: (n_h, n_x), b1: (n_h, 1), Z1 and A1: (n_h, m)
    Z2 = W2·A1 + b2,  A2 = sigmoid(Z2)    W2: (n_y, n_h), b2: (n_y, 1), Z2 and A2: (n_y, m)

b1 is a column that broadcasts over the m columns. A2 is the probability ŷ = P(y = 1 | x) for
each example, and the prediction is 1 (True) where A2 > 0.5.

**Why tanh in the hidden layer, sigmoid at the output.** Without a non-linear activation the two
layers collapse into one linear map (W2·(W1·x + b1) + b2 = W·x + b): a straight line again.
tanh(z) = (e^z - e^-z) / (e^z + e^-z) lies in (-1, 1) and is centred on 0, which keeps the next
layer's inputs centred and usually trains faster than a sigmoid hidden layer; the output needs
a probability in (0, 1), hence the sigmoid there. Their derivatives are cheap from the
activations themselves: tanh'(z) = 1 - tanh(z)² = 1 - A1², and sigmoid'(z) = a·(1 - a).

**The cost** is the mean cross-entropy over the m examples::

    J = -(1/m)·sum_i [ y_i·log(a2_i) + (1 - y_i)·log(1 - a2_i) ]

a Python float: the logarithm is of the predictions A2, never of the labels (log 0 = -inf).

**Backpropagation** (the course's six equations; * is the element-wise product)::

    dZ2 = A2 - Y                                  (n_y, m)
    dW2 = (1/m)·dZ2·A1ᵀ                           (n_y, n_h), the shape of W2
    db2 = (1/m)·sum of dZ2 over the examples      (n_y, 1), a column: keep the 2-D shape
    dZ1 = (W2ᵀ·dZ2) * (1 - A1²)                   (n_h, m), the tanh derivative
    dW1 = (1/m)·dZ1·Xᵀ                            (n_h, n_x)
    db1 = (1/m)·sum of dZ1 over the examples      (n_h, 1)

dZ2 = A2 - Y is the sigmoid's derivative and the cross-entropy's combined: the two cancel into
the simple error. The 1/m comes from the cost's mean; every gradient has its parameter's shape.

**Gradient descent.** W := W - α·dW and b := b - α·db for each layer, with the course's learning
rate α = 1.2. nn_model repeats forward pass, cost, backward pass and update num_iterations times.

**Initialisation.** The weights start small and random, randn × 0.01: random so that the hidden
units differ (with equal weights every unit would compute the same function and receive the
same gradient forever: the symmetry is never broken), small so that tanh works near 0 where its
slope is largest instead of saturating. The biases start at zero: the random W already breaks
the symmetry. The draws come from a local ``np.random.RandomState(seed)``, W1 before W2, exactly
as the course's ``np.random.seed(seed)`` followed by ``np.random.randn`` calls, so the course's
printed values reproduce while NumPy's global random state stays untouched. (The course's
initialisation cell seeds 2; its nn_model seeds 3, and that seed reaches the initialisation.)

Layouts: the course's columns throughout: X (n_x, m), Y and A2 (1, m), parameters
``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}`` and gradients
``{"dW1", "db1", "dW2", "db2"}`` of the same shapes.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

_PARAMETER_NAMES = ("W1", "b1", "W2", "b2")
_GRADIENT_NAMES = ("dW1", "db1", "dW2", "db2")


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


def _check_int(name: str, value: Any, minimum: int) -> None:
    """Raise a ValueError unless ``value`` is an integer (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}. Received: {name}={value!r}")


def _check_real(name: str, value: Any) -> None:
    """Raise a ValueError unless ``value`` is a finite real number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number. Received: {name}={value!r}")


def _check_examples(X: Any, Y: Any | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """X as a float64 (n_x, m) array and Y (if given) as a float64 (n_y, m) array, or a ValueError."""
    X = _as_matrix(X, "X", "(n_x, m)")
    if Y is not None:
        Y = _as_matrix(Y, "Y", "(n_y, m)")
        if Y.shape[1] != X.shape[1]:
            raise ValueError(f"X and Y must hold the same number of examples (columns). "
                             f"Received: X.shape={X.shape}, Y.shape={Y.shape}")
    return X, Y


def _check_parameters(parameters: Any, n_x: int | None = None, *, names: tuple[str, ...] = _PARAMETER_NAMES,
                      what: str = "parameters") -> dict[str, np.ndarray]:
    """The network's parameters (or gradients, with ``names``) as float64 arrays of consistent
    shapes W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1), or a ValueError."""
    if not isinstance(parameters, dict) or not set(names) <= parameters.keys():
        keys = sorted(parameters) if isinstance(parameters, dict) else type(parameters).__name__
        raise ValueError(f"{what} must be a dict with the keys {list(names)}. Received: {what}={keys}")
    W1, b1, W2, b2 = (_as_matrix(parameters[key], f'{what}["{key}"]', "(n_l, n_(l-1))") for key in names)
    n_h = W1.shape[0]
    if (n_x is not None and W1.shape[1] != n_x) or b1.shape != (n_h, 1) or W2.shape[1] != n_h \
            or b2.shape != (W2.shape[0], 1):
        expected = f"(n_h, {'n_x' if n_x is None else n_x})"
        raise ValueError(f"{what} must have the shapes {names[0]} {expected}, {names[1]} (n_h, 1), {names[2]} "
                         f"(n_y, n_h) and {names[3]} (n_y, 1). Received: {names[0]}.shape={W1.shape}, "
                         f"{names[1]}.shape={b1.shape}, {names[2]}.shape={W2.shape}, {names[3]}.shape={b2.shape}")
    return dict(zip(names, (W1, b1, W2, b2)))


def _check_predictions(A2: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    """A2 and Y as float64 (1, m) arrays of one shape, or a ValueError."""
    A2, Y = _as_matrix(A2, "A2", "(1, m)"), _as_matrix(Y, "Y", "(1, m)")
    if A2.shape[0] != 1 or A2.shape != Y.shape:
        raise ValueError(f"A2 and Y must both have shape (1, m). Received: A2.shape={A2.shape}, Y.shape={Y.shape}")
    return A2, Y


def _check_cache(cache: Any, n_h: int, m: int) -> dict[str, np.ndarray]:
    """The forward pass's cache with A1 (n_h, m) and A2 (1, m) as float64 arrays, or a ValueError."""
    if not isinstance(cache, dict) or not {"A1", "A2"} <= cache.keys():
        keys = sorted(cache) if isinstance(cache, dict) else type(cache).__name__
        raise ValueError(f'cache must be the dict {{"Z1", "A1", "Z2", "A2"}} of the forward pass. '
                         f"Received: cache={keys}")
    A1, A2 = _as_matrix(cache["A1"], "A1", "(n_h, m)"), _as_matrix(cache["A2"], "A2", "(1, m)")
    if A1.shape != (n_h, m) or A2.shape != (1, m):
        raise ValueError(f"the cache's A1 must have shape (n_h, m) = ({n_h}, {m}) and A2 shape (1, {m}). "
                         f"Received: A1.shape={A1.shape}, A2.shape={A2.shape}")
    return {"A1": A1, "A2": A2}


def sigmoid(z: Any) -> Any:
    """The logistic function 1 / (1 + exp(-z)), element-wise, for a number or an array of any shape."""
    return 1.0 / (1.0 + np.exp(-z))


def load_planar_dataset(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The course's planar "flower": 400 points in the plane, 200 of each class, 4 petals.

    For class j = 0 (red), then j = 1 (blue), N = 200 angles θ = linspace(j·3.12, (j+1)·3.12, N)
    plus Gaussian noise of standard deviation 0.2, and radii r = 4·sin(4θ) plus noise 0.2; the
    point is (r·sin θ, r·cos θ). The noise comes from a local ``np.random.RandomState(seed)``
    drawn in the course's order (θ's noise, then r's, for each class), so seed 1 gives exactly
    the course's data set; NumPy's global random state is untouched.

    Args:
        seed: the seed of the noise (the course's is 1).

    Returns:
        ``(X, Y)``: X of shape (2, 400), one point per column; Y of shape (1, 400), dtype uint8,
        0 for the first 200 points and 1 for the last 200.
    """
    _check_int("seed", seed, 0)
    rng = np.random.RandomState(seed)
    m, D, a = 400, 2, 4  # examples, dimensions, maximum ray of the flower
    N = m // 2
    X = np.zeros((m, D))
    Y = np.zeros((m, 1), dtype="uint8")
    for j in range(2):
        ix = slice(N * j, N * (j + 1))
        theta = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2
        r = a * np.sin(4 * theta) + rng.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(theta), r * np.cos(theta)]
        Y[ix] = j
    return X.T, Y.T


def layer_sizes(X: np.ndarray, Y: np.ndarray) -> tuple[int, int, int]:
    """The sizes of the three layers: input, hidden (the course's 4) and output.

    Args:
        X: inputs, shape (n_x, m).
        Y: labels, shape (n_y, m).

    Returns:
        ``(n_x, n_h, n_y)`` as Python ints: X's number of rows, 4, and Y's number of rows.

    Raises:
        ValueError: X or Y is not 2-D, or they hold different numbers of examples.

    Example:
        The course's test case (``np.random.seed(1)``, X = randn(5, 3), Y = randn(2, 3)) gives
        ``(5, 4, 2)``.
    """
    X, Y = _check_examples(X, Y)
    raise NotImplementedError("c1w3_shallow_network.layer_sizes")


def initialize_parameters(n_x: int, n_h: int, n_y: int, seed: int = 2) -> dict[str, np.ndarray]:
    """Small random weights (randn × 0.01) and zero biases for the two layers.

    W1 is drawn first, then W2, from one local ``np.random.RandomState(seed)``: the course's
    ``np.random.seed(2)`` followed by two ``np.random.randn`` calls.

    Args:
        n_x: the size of the input layer.
        n_h: the number of hidden units.
        n_y: the size of the output layer.
        seed: the seed of the random weights (the course's is 2).

    Returns:
        ``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}``.

    Raises:
        ValueError: a size is not a positive integer, or the seed is not an integer >= 0.

    Example:
        ``initialize_parameters(2, 4, 1)`` gives the course's
        ``W1 = [[-0.00416758, -0.00056267], [-0.02136196, 0.01640271], [-0.01793436, -0.00841747],
        [0.00502881, -0.01245288]]`` and ``W2 = [[-0.01057952, -0.00909008, 0.00551454, 0.02292208]]``.
    """
    for name, size in (("n_x", n_x), ("n_h", n_h), ("n_y", n_y)):
        _check_int(name, size, 1)
    _check_int("seed", seed, 0)
    raise NotImplementedError("c1w3_shallow_network.initialize_parameters")


def forward_propagation(X: np.ndarray, parameters: dict[str, np.ndarray]
                        ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The forward pass: Z1 = W1·X + b1, A1 = tanh(Z1), Z2 = W2·A1 + b2, A2 = sigmoid(Z2).

    Args:
        X: inputs, shape (n_x, m).
        parameters: ``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}``.

    Returns:
        ``(A2, cache)``: A2 of shape (n_y, m), the output probabilities, and the cache
        ``{"Z1": (n_h, m), "A1": (n_h, m), "Z2": (n_y, m), "A2": (n_y, m)}`` that
        :func:`backward_propagation` takes.

    Raises:
        ValueError: X is not 2-D or the parameters' shapes do not fit it.

    Example:
        The course's test case (``np.random.seed(1)``, X = randn(2, 3), b1 = randn(4, 1),
        b2 = [[-1.3]], W1 and W2 from :func:`initialize_parameters`' example) gives
        ``A2 = [[0.21292656, 0.21274673, 0.21295976]]``.
    """
    X, _ = _check_examples(X)
    p = _check_parameters(parameters, X.shape[0])
    raise NotImplementedError("c1w3_shallow_network.forward_propagation")


def compute_cost(A2: np.ndarray, Y: np.ndarray) -> float:
    """The cross-entropy cost J = -(1/m)·sum_i [y_i·log a2_i + (1 - y_i)·log(1 - a2_i)].

    Args:
        A2: the sigmoid outputs, shape (1, m), entries in (0, 1).
        Y: the labels, 0 or 1 (or False / True), shape (1, m).

    Returns:
        The cost as a Python float.

    Raises:
        ValueError: A2 or Y is not of shape (1, m), or their shapes differ.

    Example:
        The course's test case (``np.random.seed(1)``, Y = randn(1, 3) > 0,
        A2 = [[0.5002307, 0.49985831, 0.50023963]]) gives ``0.6930587610394646``.
    """
    A2, Y = _check_predictions(A2, Y)
    raise NotImplementedError("c1w3_shallow_network.compute_cost")


def backward_propagation(parameters: dict[str, np.ndarray], cache: dict[str, np.ndarray],
                         X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
    """The gradients of the cross-entropy cost with respect to W1, b1, W2 and b2.

    Uses the activations of the cache (A1, A2), not Z1 or Z2: tanh'(Z1) = 1 - A1².

    Args:
        parameters: ``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (1, n_h), "b2": (1, 1)}``.
        cache: the forward pass's ``{"Z1", "A1": (n_h, m), "Z2", "A2": (1, m)}``.
        X: inputs, shape (n_x, m).
        Y: labels, 0 or 1, shape (1, m).

    Returns:
        ``{"dW1": (n_h, n_x), "db1": (n_h, 1), "dW2": (1, n_h), "db2": (1, 1)}``, each of its
        parameter's shape.

    Raises:
        ValueError: the shapes of the inputs do not fit together.
    """
    X, Y = _check_examples(X, Y)
    p = _check_parameters(parameters, X.shape[0])
    c = _check_cache(cache, p["W1"].shape[0], X.shape[1])
    raise NotImplementedError("c1w3_shallow_network.backward_propagation")


def update_parameters(parameters: dict[str, np.ndarray], grads: dict[str, np.ndarray],
                      learning_rate: float = 1.2) -> dict[str, np.ndarray]:
    """One step of gradient descent: W := W - α·dW and b := b - α·db for both layers.

    Returns new arrays; the arrays of ``parameters`` are left as they were.

    Args:
        parameters: ``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}``.
        grads: ``{"dW1", "db1", "dW2", "db2"}`` of the same shapes.
        learning_rate: the step size α (the course's is 1.2).

    Returns:
        The updated parameters, a new dict of the same keys and shapes.

    Raises:
        ValueError: a key is missing, the shapes do not fit, or learning_rate is not a number.
    """
    p = _check_parameters(parameters)
    g = _check_parameters(grads, p["W1"].shape[1], names=_GRADIENT_NAMES, what="grads")
    _check_real("learning_rate", learning_rate)
    raise NotImplementedError("c1w3_shallow_network.update_parameters")


def nn_model(X: np.ndarray, Y: np.ndarray, n_h: int, num_iterations: int = 10000,
             print_cost: bool = False, seed: int = 3) -> dict[str, np.ndarray]:
    """Train the network by batch gradient descent (learning rate 1.2) on all of X at once.

    n_x and n_y come from :func:`layer_sizes`; the hidden layer has ``n_h`` units. The weights
    start from :func:`initialize_parameters` with ``seed``; then, ``num_iterations`` times:
    forward pass, cost, backward pass, update.

    Args:
        X: inputs, shape (n_x, m).
        Y: labels, 0 or 1, shape (1, m).
        n_h: the number of hidden units.
        num_iterations: the number of gradient-descent steps (0 returns the initial parameters).
        print_cost: print ``Cost after iteration i: J`` every 1000 iterations (i = 0, 1000, ...);
            nothing otherwise.
        seed: the seed of the initial weights (the course's nn_model uses 3).

    Returns:
        The learnt parameters ``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (1, n_h), "b2": (1, 1)}``.

    Raises:
        ValueError: the shapes do not fit, or n_h, num_iterations or seed is not a valid integer.

    Example:
        The course's test case (``np.random.seed(1)``, X = randn(2, 3), Y = randn(1, 3) > 0) with
        ``n_h=4`` and 10000 iterations gives ``b2 = [[0.21344644]]`` and
        ``W2 = [[1.82196893, 3.09657075, -2.98193564, 3.19946508]]``.
    """
    X, Y = _check_examples(X, Y)
    if Y.shape[0] != 1:
        raise ValueError(f"Y must have shape (1, m), one label per example. Received: Y.shape={Y.shape}")
    _check_int("n_h", n_h, 1)
    _check_int("num_iterations", num_iterations, 0)
    _check_int("seed", seed, 0)
    raise NotImplementedError("c1w3_shallow_network.nn_model")


def predict(parameters: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """The network's class for each example: True where A2 > 0.5 (blue), False otherwise (red).

    Args:
        parameters: ``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (1, n_h), "b2": (1, 1)}``.
        X: inputs, shape (n_x, m).

    Returns:
        A boolean array of shape (1, m). A2 of exactly 0.5 is False (strictly greater).

    Raises:
        ValueError: X is not 2-D or the parameters' shapes do not fit it.

    Example:
        The course's test case (``np.random.seed(1)``, X = randn(2, 3), the course's trained-looking
        parameters) gives ``[[True, False, True]]``: a mean of 0.666666666667.
    """
    X, _ = _check_examples(X)
    _check_parameters(parameters, X.shape[0])
    raise NotImplementedError("c1w3_shallow_network.predict")
