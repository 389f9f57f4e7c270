"""Softmax classifiers: softmax regression from scratch in NumPy, then the Keras way.

Multi-class classification picks exactly one of C classes (the digits 0-9, or cat / dog / chick /
"none of these"). The output layer computes one number per class, the logits
z = W·a_prev + b of shape (C, 1) per example, and the softmax activation turns them into
probabilities::

    t = exp(z)                      element-wise
    a_i = t_i / sum_j t_j           a_i >= 0 and sum_i a_i = 1

Softmax regression is this layer alone on the inputs (z = W·x + b); with C = 2 it is logistic
regression again. Its name contrasts it with the *hardmax*, which puts a 1 at the largest z_i and
0 elsewhere: softmax is the gentle version that keeps how much larger each logit is.

In the course's NumPy layout one example is one column, so Z, A and the one-hot labels Y all have
shape (C, m) and softmax normalises each column (axis 0, the class axis).

**Why subtract the max.** softmax(z) = softmax(z - c) for any constant c added to every logit of
the same example: e^{-c} cancels between numerator and denominator. exp overflows float64 above
about 709, so np.exp(1000) is inf and inf / inf is nan. Subtracting each column's max makes every
exponent <= 0 (nothing overflows) and the largest term exactly e^0 = 1 (the denominator is at
least 1, so it never underflows to 0). It must be each column's own max: one max over the whole
array leaves a column of logits near -1000 with every exponent underflowing to 0, and 0 / 0.

**The loss.** With a one-hot y, the cross-entropy L(ŷ, y) = -sum_j y_j·log ŷ_j is just
-log ŷ_true: the loss is small when the network gives the true class a high probability. The cost
averages it over the m examples: J = (1/m)·sum_i L(ŷ^(i), y^(i)). The logarithm is of the
predictions; log y would be log 0 for every other class.

**The gradient.** For one example, dL/dz = ŷ - y: so dZ = A - Y, shape (C, m), one column per
example, exactly like logistic regression's dz = a - y. The 1/m of the cost enters with the
parameters: dW = (1/m)·dZ·Xᵀ and db = (1/m)·sum over examples of dZ.

**Why from_logits in Keras.** A Keras classifier ends in a *linear* layer that outputs the logits,
and its loss is ``SparseCategoricalCrossentropy(from_logits=True)`` (sparse: labels are class
indices 0..C-1, not one-hot rows). From the logits the loss computes log softmax(z) =
z - logsumexp(z) with the max shift built in, exact even for a probability of 1e-300. From
probabilities it must take log ŷ after the fact: a true-class probability that rounded to 0 in
float32 would give log 0 = -inf, so Keras clips probabilities to [1e-7, 1 - 1e-7], which caps the
loss and flattens its gradient exactly where the model is most wrong. (Keras's TensorFlow backend
quietly recovers the logits behind a ``softmax`` activation when the two meet in one graph; that is
a backend detail, while ``from_logits=True`` says what is meant and holds everywhere.) Because the
model outputs logits, probabilities come from applying softmax afterwards: ``predict_proba``.

**Multi-label is not multi-class.** In multi-label classification each example carries any number
of n labels (a street photo may show a car *and* a pedestrian *and* a stop sign). Each label is its
own yes/no question: n sigmoid outputs, n independent logistic regressions sharing the inputs, and
binary cross-entropy averaged over the labels. The probabilities do not compete, so a row need not
sum to 1. A softmax would force the labels to share one unit of probability: the right tool when
exactly one class is true, the wrong one when several can be.

Layouts: the NumPy functions use the course's columns, (C, m) and (n_x, m); the Keras functions use
Keras' rows, (batch, features).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np


def _as_matrix(value: Any, name: str, layout: str = "(C, m)") -> np.ndarray:
    """``value`` as a float64 2-D array, or a ValueError that names ``name`` and the layout."""
    array = np.ascontiguousarray(value, dtype=np.float64)  # contiguous: faster matrix products
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape {layout}, one column per example. "
                         f"Received: {name}.shape={array.shape}")
    return array


def _same_shape(A: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    """A and Y as float64 (C, m) arrays of one shape, or a ValueError."""
    A, Y = _as_matrix(A, "A"), _as_matrix(Y, "Y")
    if A.shape != Y.shape:
        raise ValueError(f"A and Y must have the same shape (C, m). "
                         f"Received: A.shape={A.shape}, Y.shape={Y.shape}")
    return A, Y


def _check_int(name: str, value: Any, minimum: int) -> None:
    """Raise a ValueError unless ``value`` is an integer (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}. Received: {name}={value!r}")


def _check_positive(name: str, value: Any) -> None:
    """Raise a ValueError unless ``value`` is a positive real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{name} must be a positive number. Received: {name}={value!r}")


def _check_labels(X: Any, Y: Any, num_classes: Any) -> tuple[np.ndarray, np.ndarray]:
    """X as float64 (n_x, m) and Y as int labels (m,), or a ValueError naming what is wrong."""
    _check_int("num_classes", num_classes, 2)
    X = _as_matrix(X, "X", "(n_x, m)")
    Y = np.asarray(Y)
    if Y.ndim not in (1, 2) or (Y.ndim == 2 and Y.shape[0] != 1) or Y.size != X.shape[1]:
        raise ValueError(f"Y must hold one integer label per example (column of X), shape "
                         f"(1, {X.shape[1]}) or ({X.shape[1]},). Received: Y.shape={Y.shape}")
    labels = Y.reshape(-1)
    if not (np.issubdtype(labels.dtype, np.number) and np.all(labels == np.round(labels))
            and np.all((labels >= 0) & (labels < num_classes))):
        raise ValueError(f"Y must hold integer class labels in 0..{num_classes - 1}. "
                         f"Received: Y={labels[:10]!r}{'...' if labels.size > 10 else ''}")
    return X, labels.astype(np.int64)


def _check_sizes(n_features: Any, n_outputs: Any, outputs: str, minimum: int) -> None:
    """Raise a ValueError unless n_features >= 1 and n_outputs >= minimum are integers."""
    _check_int("n_features", n_features, 1)
    _check_int(outputs, n_outputs, minimum)


def _check_hidden_units(hidden_units: Any) -> None:
    """Raise a ValueError unless ``hidden_units`` is a sequence of positive integers."""
    if not isinstance(hidden_units, Sequence) or isinstance(hidden_units, str) or not all(
            not isinstance(u, bool) and isinstance(u, numbers.Integral) and u >= 1 for u in hidden_units):
        raise ValueError("hidden_units must be a sequence of positive integers, e.g. (64, 32). "
                         f"Received: hidden_units={hidden_units!r}")


def softmax(Z: np.ndarray) -> np.ndarray:
    """Softmax over the class axis: each column of logits becomes a probability distribution.

    A = exp(Z - max) / sum(exp(Z - max)), with max and sum taken over axis 0 (the classes) of each
    column separately. Subtracting each column's max changes nothing mathematically and keeps the
    result finite for any finite logits (e.g. ±1000).

    Args:
        Z: logits, shape (C, m): C classes, one example per column.

    Returns:
        A: probabilities, shape (C, m): entries in [0, 1], each column sums to 1.

    Raises:
        ValueError: ``Z`` is not 2-D.
    """
    Z = _as_matrix(Z, "Z")
    ### BEGIN SOLUTION
    T = np.exp(Z - Z.max(axis=0, keepdims=True))
    return T / T.sum(axis=0, keepdims=True)
    ### END SOLUTION


def hardmax(Z: np.ndarray) -> np.ndarray:
    """One-hot of the largest logit in each column: the "hard" counterpart of softmax.

    Column j of the result has a single 1, in the row of the largest entry of column j of ``Z``,
    and 0 elsewhere. On a tie the first (lowest) class index wins, as with ``np.argmax``: exactly
    one 1 per column, always.

    Args:
        Z: logits (or probabilities), shape (C, m).

    Returns:
        A float array of shape (C, m) with exactly one 1 per column.

    Raises:
        ValueError: ``Z`` is not 2-D.
    """
    Z = _as_matrix(Z, "Z")
    ### BEGIN SOLUTION
    one_hot = np.zeros_like(Z)
    one_hot[np.argmax(Z, axis=0), np.arange(Z.shape[1])] = 1.0
    return one_hot
    ### END SOLUTION


def softmax_cross_entropy_cost(A: np.ndarray, Y: np.ndarray) -> float:
    """Categorical cross-entropy averaged over the examples.

    J = -(1/m) · sum over examples i and classes j of Y[j, i] · log A[j, i]. With one-hot labels
    each example contributes -log of the probability given to its true class.

    Args:
        A: predicted probabilities (softmax outputs), shape (C, m).
        Y: one-hot labels, shape (C, m) (any columns that are probability distributions work).

    Returns:
        The cost J as a Python float.

    Raises:
        ValueError: ``A`` or ``Y`` is not 2-D, or their shapes differ.
    """
    A, Y = _same_shape(A, Y)
    ### BEGIN SOLUTION
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(A)) / m)
    ### END SOLUTION


def softmax_backward(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Gradient of the cross-entropy loss with respect to the logits: dZ = A - Y.

    This is the course's per-example dZ: column i is dL^(i)/dz^(i), the derivative of example i's
    own loss, *not* divided by m. The 1/m of the cost J is applied with the parameters,
    dW = (1/m)·dZ·A_prevᵀ and db = (1/m)·sum(dZ, axis=1); equivalently dZ = m·dJ/dZ.

    Args:
        A: softmax outputs, shape (C, m).
        Y: one-hot labels, shape (C, m).

    Returns:
        dZ: shape (C, m).

    Raises:
        ValueError: ``A`` or ``Y`` is not 2-D, or their shapes differ.
    """
    A, Y = _same_shape(A, Y)
    ### BEGIN SOLUTION
    return A - Y
    ### END SOLUTION


def train_softmax_regression(
    X: np.ndarray,
    Y: np.ndarray,
    num_classes: int,
    learning_rate: float = 1.0,
    num_iterations: int = 200,
    seed: int = 0,
) -> tuple[dict[str, np.ndarray], list[float]]:
    """Softmax regression (one linear layer + softmax) trained by batch gradient descent.

    Initialisation: W = 0.01 · standard normal draws from ``np.random.default_rng(seed)``,
    b = 0. Each iteration runs on all m examples: Z = W·X + b, A = softmax(Z), record the cost
    J(A, Y_onehot), then dZ = A - Y_onehot, dW = (1/m)·dZ·Xᵀ, db = (1/m)·sum(dZ, axis=1), and
    W -= learning_rate·dW, b -= learning_rate·db. The same seed gives the same result.
    ``num_iterations=0`` returns the initial parameters and no costs.

    Args:
        X: inputs, shape (n_x, m), one example per column.
        Y: integer class labels in 0..num_classes-1, shape (1, m) (or (m,)); *not* one-hot.
        num_classes: C, the number of classes (>= 2).
        learning_rate: the gradient-descent step size α (> 0).
        num_iterations: the number of gradient-descent updates (>= 0).
        seed: seeds the initialisation of W.

    Returns:
        ``(parameters, costs)``: ``parameters = {"W": (C, n_x), "b": (C, 1)}`` after the last
        update, and ``costs``, a list of ``num_iterations`` Python floats: ``costs[i]`` is the
        cost before update i (so ``costs[0]`` is the cost of the initial parameters).

    Raises:
        ValueError: X is not 2-D; Y does not hold one label in 0..num_classes-1 per column of X;
            num_classes < 2; learning_rate <= 0; num_iterations < 0.
    """
    X, labels = _check_labels(X, Y, num_classes)
    _check_positive("learning_rate", learning_rate)
    _check_int("num_iterations", num_iterations, 0)
    ### BEGIN SOLUTION
    n_x, m = X.shape
    rng = np.random.default_rng(seed)
    W = 0.01 * rng.standard_normal((num_classes, n_x))
    b = np.zeros((num_classes, 1))
    Y_onehot = np.eye(num_classes)[:, labels]  # (C, m)
    costs = []
    for _ in range(num_iterations):
        A = softmax(W @ X + b)
        costs.append(softmax_cross_entropy_cost(A, Y_onehot))
        dZ = softmax_backward(A, Y_onehot)
        W = W - learning_rate * (dZ @ X.T) / m
        b = b - learning_rate * dZ.sum(axis=1, keepdims=True) / m
    return {"W": W, "b": b}, costs
    ### END SOLUTION


def build_softmax_classifier(
    n_features: int,
    n_classes: int,
    hidden_units: Sequence[int] = (),
    learning_rate: float = 1e-3,
) -> keras.Model:
    """A compiled Keras multi-class classifier that outputs logits.

    Inputs of shape (batch, n_features) go through one ``Dense(units, activation="relu")`` per
    entry of ``hidden_units``, then a linear ``Dense(n_classes)`` layer: the model outputs logits,
    not probabilities (use :func:`predict_proba` for those). It is compiled with
    ``keras.optimizers.Adam(learning_rate)``, the loss
    ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)`` (labels are integer class
    indices, shape (batch,)) and the ``"accuracy"`` metric. With ``hidden_units=()`` it is softmax
    regression.

    Args:
        n_features: the number of input features (>= 1).
        n_classes: C, the number of classes (>= 2).
        hidden_units: the width of each hidden ReLU layer, in order; ``()`` for none.
        learning_rate: Adam's learning rate (> 0).

    Returns:
        A compiled ``keras.Model`` mapping (batch, n_features) to logits (batch, n_classes).

    Raises:
        ValueError: a size is not a positive integer (n_classes < 2), or learning_rate <= 0.
    """
    _check_sizes(n_features, n_classes, "n_classes", 2)
    _check_hidden_units(hidden_units)
    _check_positive("learning_rate", learning_rate)
    ### BEGIN SOLUTION
    layers = [keras.layers.Dense(units, activation="relu") for units in hidden_units]
    model = keras.Sequential([keras.Input(shape=(n_features,)), *layers, keras.layers.Dense(n_classes)])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
    ### END SOLUTION


def predict_proba(model: keras.Model, X: np.ndarray) -> np.ndarray:
    """Class probabilities from a model that outputs logits: softmax over the class axis.

    Calls the model in inference mode (``training=False``) and applies a numerically stable
    softmax to each row of its logits. Prints nothing (``model.predict`` would show a progress
    bar).

    Args:
        model: a Keras model mapping (batch, n_features) to logits (batch, C), e.g. one from
            :func:`build_softmax_classifier`.
        X: inputs, shape (batch, n_features).

    Returns:
        Probabilities as a NumPy array of shape (batch, C); each row sums to 1.
    """
    ### BEGIN SOLUTION
    logits = model(X, training=False)
    return keras.ops.convert_to_numpy(keras.ops.softmax(logits, axis=-1))
    ### END SOLUTION


def build_multilabel_classifier(n_features: int, n_labels: int) -> keras.Model:
    """A compiled Keras multi-label classifier: one independent sigmoid per label.

    One ``Dense(n_labels, activation="sigmoid")`` layer on inputs of shape (batch, n_features):
    n_labels logistic regressions side by side. Compiled with ``keras.optimizers.Adam()``, the loss
    ``keras.losses.BinaryCrossentropy()`` (targets are multi-hot, shape (batch, n_labels)) and
    ``keras.metrics.BinaryAccuracy()``. Each output is the probability that its label is present;
    a row of outputs need not sum to 1.

    Args:
        n_features: the number of input features (>= 1).
        n_labels: the number of labels (>= 1).

    Returns:
        A compiled ``keras.Model`` mapping (batch, n_features) to probabilities (batch, n_labels).

    Raises:
        ValueError: a size is not a positive integer.
    """
    _check_sizes(n_features, n_labels, "n_labels", 1)
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(n_features,)),
        keras.layers.Dense(n_labels, activation="sigmoid"),
    ])
    model.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.BinaryCrossentropy(),
        metrics=[keras.metrics.BinaryAccuracy()],
    )
    return model
    ### END SOLUTION
