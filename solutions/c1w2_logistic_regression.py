"""Logistic regression as a neural network: one neuron, a sigmoid, batch gradient descent.

Binary classification answers a yes/no question about an input x (is this a cat? is this digit a
0?) with a label y ∈ {0, 1}. Logistic regression is the smallest neural network there is: one
unit with a sigmoid activation, sitting directly on the n_x input features::

    z = wᵀx + b            w: (n_x, 1) weights, b: a real number, the bias
    ŷ = a = σ(z)           σ(z) = 1 / (1 + e^(-z)), a probability in (0, 1)

σ squashes any real z into (0, 1): σ(0) = 0.5, large positive z gives nearly 1, large negative z
nearly 0, and σ(-z) = 1 - σ(z).

**The loss and the cost.** The squared error would make the optimisation problem non-convex;
logistic regression uses the cross-entropy loss of one example instead::

    L(a, y) = -(y·log a + (1 - y)·log(1 - a))

With y = 1 only -log a is left, small when a is near 1; with y = 0 only -log(1 - a), small when a
is near 0. The cost of the parameters is the *average* loss over the m training examples::

    J(w, b) = (1/m)·sum_i L(a^(i), y^(i))

a Python float. The minus sign matters: log of a probability is negative, so the loss is positive,
and gradient descent *lowers* it.

**The gradients (the backward pass).** The chain rule through a = σ(z) gives the famous
dL/dz = a - y for one example (the σ' = a(1 - a) cancels against the derivative of the loss), and
then dL/dw_j = x_j·(a - y), dL/db = a - y. Averaged over the examples::

    dw = (1/m)·sum_i x^(i)·(a^(i) - y^(i))      shape (n_x, 1), like w
    db = (1/m)·sum_i (a^(i) - y^(i))            a number, like b

**Vectorisation.** Stack the m examples as the columns of X, shape (n_x, m), and the labels as
Y, shape (1, m). Then the forward pass is one matrix product, Z = wᵀX + b of shape (1, m) (b is
broadcast to every column), A = σ(Z), and every sum over examples above becomes a matrix product
or an ``np.sum``: no ``for`` loop over the examples anywhere. This is not cosmetic: NumPy's
vectorised operations run in compiled code (and SIMD instructions), while a Python loop pays the
interpreter's overhead for every example; on 100,000 examples the loop is hundreds of times
slower. Keep the shapes straight: dw must come out as a column (n_x, 1), so the product pairs X
(n_x, m) with the transpose of A - Y (m, 1).

**Gradient descent.** Start from w = 0, b = 0 (for logistic regression zeros are fine: there is
no symmetry between hidden units to break) and repeat::

    w := w - α·dw          b := b - α·db

with the learning rate α. Each iteration computes the gradients at the current parameters (the
forward and backward pass together: ``propagate``) and then updates. The cost is recorded every
100 iterations (iterations 0, 100, 200, ...: the cost *before* that iteration's update), to plot
the learning curve.

**Prediction.** The trained unit gives probabilities A = σ(wᵀX + b); the predicted label is 1
where A > 0.5 (z > 0) and 0 otherwise, returned as floats 0. and 1. so that accuracy is
100 - mean(|Ŷ - Y|)·100 percent.

Layouts: the course's columns throughout, X (n_x, m), Y (1, m), w (n_x, 1), b a Python float.
Nothing here prints unless asked (``print_cost=True``) or draws random numbers.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np


def _check_int(name: str, value: Any, minimum: int) -> None:
    """Raise a ValueError unless ``value`` is an integer (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}. Received: {name}={value!r}")


def _check_real(name: str, value: Any, positive: bool = False) -> float:
    """``value`` as a float, or a ValueError unless it is a finite real number (> 0 if ``positive``)."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or (positive and not value > 0):
        kind = "a positive number" if positive else "a finite real number"
        raise ValueError(f"{name} must be {kind}. Received: {name}={value!r}")
    return float(value)


def _as_inputs(X: Any, name: str = "X") -> np.ndarray:
    """``X`` as a contiguous float64 (n_x, m) array, or a ValueError."""
    X = np.ascontiguousarray(X, dtype=np.float64)  # contiguous: faster matrix products
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError(f"{name} must be a 2-D array of shape (n_x, m), one example per column. "
                         f"Received: {name}.shape={X.shape}")
    return X


def _check_model_inputs(w: Any, b: Any, X: Any) -> tuple[np.ndarray, float, np.ndarray]:
    """w as float64 (n_x, 1), b as a float, X as float64 (n_x, m), or a ValueError."""
    X = _as_inputs(X)
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (X.shape[0], 1):
        raise ValueError(f"w must have shape (n_x, 1) = ({X.shape[0]}, 1) for X of shape {X.shape}. "
                         f"Received: w.shape={w.shape}")
    return w, _check_real("b", b), X


def _check_labels(X: np.ndarray, Y: Any, name: str = "Y") -> np.ndarray:
    """Y as float64 (1, m) of 0s and 1s matching the columns of X, or a ValueError."""
    Y = np.asarray(Y, dtype=np.float64)
    if Y.shape != (1, X.shape[1]):
        raise ValueError(f"{name} must have shape (1, m) = (1, {X.shape[1]}), one label per column of "
                         f"the inputs. Received: {name}.shape={Y.shape}")
    if not np.isin(Y, (0.0, 1.0)).all():
        raise ValueError(f"{name} must hold binary labels 0 and 1. Received: {name}={Y[:, :10]!r}")
    return Y


def _check_data_sets(X_train: Any, Y_train: Any, X_test: Any, Y_test: Any) -> tuple[np.ndarray, ...]:
    """The training and test sets as float64 arrays of matching shapes, or a ValueError."""
    X_train, X_test = _as_inputs(X_train, "X_train"), _as_inputs(X_test, "X_test")
    if X_test.shape[0] != X_train.shape[0]:
        raise ValueError(f"X_test must have as many rows (features) as X_train, {X_train.shape[0]}. "
                         f"Received: X_test.shape={X_test.shape}")
    return (X_train, _check_labels(X_train, Y_train, "Y_train"),
            X_test, _check_labels(X_test, Y_test, "Y_test"))


def sigmoid(z: Any) -> Any:
    """The logistic sigmoid σ(z) = 1 / (1 + e^(-z)), element-wise.

    Args:
        z: a number or a NumPy array of any shape.

    Returns:
        σ(z), of the same shape as ``z`` (a NumPy float for a number), each entry in (0, 1).

    Example:
        ``sigmoid(np.array([0, 2]))`` is ``[0.5, 0.88079708]``.
    """
    ### BEGIN SOLUTION
    return 1 / (1 + np.exp(-z))
    ### END SOLUTION


def initialize_with_zeros(dim: int) -> tuple[np.ndarray, float]:
    """The initial parameters of logistic regression: w = 0 and b = 0.

    Args:
        dim: n_x, the number of input features (>= 1).

    Returns:
        ``(w, b)``: ``w`` a float array of zeros of shape (dim, 1) (a column, not (dim,)), ``b``
        the Python float 0.0.

    Raises:
        ValueError: ``dim`` is not an integer >= 1.

    Example:
        ``initialize_with_zeros(2)`` is ``(array([[0.], [0.]]), 0.0)``.
    """
    _check_int("dim", dim, 1)
    ### BEGIN SOLUTION
    w = np.zeros((dim, 1))
    b = 0.0
    return w, b
    ### END SOLUTION


def propagate(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray) -> tuple[dict[str, Any], float]:
    """The cost of the parameters and its gradients: one forward and one backward pass, vectorised.

    Forward: A = σ(wᵀX + b), shape (1, m); J = -(1/m)·sum(Y·log A + (1 - Y)·log(1 - A)).
    Backward: dw = (1/m)·X·(A - Y)ᵀ, shape (n_x, 1); db = (1/m)·sum(A - Y). No loop over the
    examples: one matrix product each way.

    Args:
        w: weights, shape (n_x, 1).
        b: bias, a number.
        X: inputs, shape (n_x, m), one example per column.
        Y: binary labels 0/1, shape (1, m).

    Returns:
        ``(grads, cost)``: ``grads = {"dw": (n_x, 1) array, "db": float}``, the gradients of the
        cost with respect to w and b, and ``cost``, J as a Python float.

    Raises:
        ValueError: X is not 2-D, w is not (n_x, 1), b is not a finite number, or Y is not a
            (1, m) array of 0s and 1s.

    Example:
        With ``w = [[1.], [2.]]``, ``b = 2.``, ``X = [[1., 2., -1.], [3., 4., -3.2]]`` and
        ``Y = [[1, 0, 1]]``: dw = [[0.99845601], [2.39507239]], db = 0.00145557813678 and
        cost = 5.801545319394553.
    """
    w, b, X = _check_model_inputs(w, b, X)
    Y = _check_labels(X, Y)
    ### BEGIN SOLUTION
    m = X.shape[1]
    A = sigmoid(w.T @ X + b)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    dw = X @ (A - Y).T / m
    db = np.sum(A - Y) / m
    return {"dw": dw, "db": float(db)}, float(cost)
    ### END SOLUTION


def optimize(
    w: np.ndarray,
    b: float,
    X: np.ndarray,
    Y: np.ndarray,
    num_iterations: int = 100,
    learning_rate: float = 0.009,
    print_cost: bool = False,
) -> tuple[dict[str, Any], dict[str, Any], list[float]]:
    """Batch gradient descent on the logistic-regression cost, starting from (w, b).

    Each of the ``num_iterations`` iterations calls :func:`propagate` at the current parameters
    and then updates w := w - α·dw and b := b - α·db (α = ``learning_rate``). At iterations 0, 100,
    200, ... the cost computed in that iteration (before its update) is appended to ``costs``
    and, if ``print_cost``, printed as ``Cost after iteration i: cost``. The caller's ``w`` is
    never changed in place.

    Args:
        w: initial weights, shape (n_x, 1).
        b: initial bias, a number.
        X: inputs, shape (n_x, m).
        Y: binary labels, shape (1, m).
        num_iterations: the number of updates (>= 0).
        learning_rate: the step size α (> 0).
        print_cost: print the cost every 100 iterations.

    Returns:
        ``(params, grads, costs)``: ``params = {"w": (n_x, 1), "b": float}`` after the last
        update; ``grads = {"dw", "db"}``, the gradients computed in the last iteration (at the
        parameters before the last update; None for ``num_iterations=0``); ``costs``, a list of
        ceil(num_iterations / 100) Python floats, the costs at iterations 0, 100, 200, ...

    Raises:
        ValueError: as :func:`propagate`, or num_iterations < 0, or learning_rate <= 0.

    Example:
        From ``w = [[1.], [2.]]``, ``b = 2.`` on the ``propagate`` example's X and Y,
        ``optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009)`` gives
        w = [[0.19033591], [0.12259159]], b = 1.92535983008, dw = [[0.67752042], [1.41625495]],
        db = 0.219194504541 and costs = [5.801545319394553].
    """
    _check_int("num_iterations", num_iterations, 0)
    learning_rate = _check_real("learning_rate", learning_rate, positive=True)
    w, b, X = _check_model_inputs(w, b, X)
    Y = _check_labels(X, Y)
    ### BEGIN SOLUTION
    costs = []
    grads = {"dw": None, "db": None}
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost:f}")
    return {"w": w, "b": b}, grads, costs
    ### END SOLUTION


def predict(w: np.ndarray, b: float, X: np.ndarray) -> np.ndarray:
    """Labels predicted by the trained unit: 1. where σ(wᵀX + b) > 0.5, else 0.

    The threshold is strict: a probability of exactly 0.5 (z = 0) predicts 0.

    Args:
        w: weights, shape (n_x, 1).
        b: bias, a number.
        X: inputs, shape (n_x, m).

    Returns:
        Y_prediction: a float array of shape (1, m) holding 0. and 1. (not booleans, not the
        probabilities).

    Raises:
        ValueError: X is not 2-D, w is not (n_x, 1), or b is not a finite number.

    Example:
        ``predict([[0.1124579], [0.23106775]], -0.3, [[1., -1.1, -3.2], [1.2, 2., 0.1]])`` is
        ``[[1., 1., 0.]]``.
    """
    w, b, X = _check_model_inputs(w, b, X)
    ### BEGIN SOLUTION
    A = sigmoid(w.T @ X + b)
    return (A > 0.5).astype(np.float64)
    ### END SOLUTION


def model(
    X_train: np.ndarray,
    Y_train: np.ndarray,
    X_test: np.ndarray,
    Y_test: np.ndarray,
    num_iterations: int = 2000,
    learning_rate: float = 0.5,
    print_cost: bool = False,
) -> dict[str, Any]:
    """Logistic regression from start to end: zeros, gradient descent on the training set, predictions.

    Initialises w and b with :func:`initialize_with_zeros`, trains them with :func:`optimize`
    (``num_iterations``, ``learning_rate`` and ``print_cost`` passed on), and predicts both sets
    with :func:`predict`. With ``print_cost`` it also prints the train and test accuracies,
    100 - mean(|Ŷ - Y|)·100 percent.

    Args:
        X_train: training inputs, shape (n_x, m_train).
        Y_train: training labels 0/1, shape (1, m_train).
        X_test: test inputs, shape (n_x, m_test).
        Y_test: test labels 0/1, shape (1, m_test).
        num_iterations: the number of gradient-descent updates (>= 0).
        learning_rate: the step size α (> 0).
        print_cost: print the cost every 100 iterations and the accuracies.

    Returns:
        A dict with the keys ``"costs"`` (the list from :func:`optimize`), ``"Y_prediction_test"``
        (1, m_test), ``"Y_prediction_train"`` (1, m_train), ``"w"`` (n_x, 1), ``"b"`` (float),
        ``"learning_rate"`` and ``"num_iterations"`` (as given).

    Raises:
        ValueError: the inputs or labels have the wrong shapes (as :func:`propagate`; X_test must
            have as many rows as X_train), num_iterations < 0, or learning_rate <= 0.
    """
    X_train, Y_train, X_test, Y_test = _check_data_sets(X_train, Y_train, X_test, Y_test)
    ### BEGIN SOLUTION
    w, b = initialize_with_zeros(X_train.shape[0])
    params, grads, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    if print_cost:
        print(f"train accuracy: {100 - np.mean(np.abs(Y_prediction_train - Y_train)) * 100} %")
        print(f"test accuracy: {100 - np.mean(np.abs(Y_prediction_test - Y_test)) * 100} %")
    return {"costs": costs,
            "Y_prediction_test": Y_prediction_test,
            "Y_prediction_train": Y_prediction_train,
            "w": w,
            "b": b,
            "learning_rate": learning_rate,
            "num_iterations": num_iterations}
    ### END SOLUTION
