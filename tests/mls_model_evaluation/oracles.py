"""Shared data, oracles and checks of the graded tests of mls_model_evaluation.

Oracles: ``sklearn.metrics`` (``mean_squared_error`` / 2, ``zero_one_loss``, ``precision_score``,
``recall_score``, ``f1_score`` with ``zero_division=0``), ``sklearn.model_selection.learning_curve``
on one predefined split (``shuffle=False``: it trains on the first m training examples, exactly
the course's rule), Keras itself for the transfer models (the base's own layers compute the
features the new head must read, Keras' loss the expected loss). The diagnosis rule is written
out once here (:func:`expected_diagnosis`): no library has it.

The ``fit`` and ``error`` functions a test passes to ``learning_curve`` run on the test's side
(the student's code calls back), so they record exactly what they were given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import learning_curve as sklearn_learning_curve
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

if TYPE_CHECKING:  # annotations only: an oracle imports what it runs (a check needing neither skips 4 s)
    import keras

TASK = "mls_model_evaluation."

# The course's speech recognition examples: (j_train, j_cv, j_baseline) in %, and the lecture's verdict.
COURSE_DIAGNOSES = (
    ((10.8, 14.8, 10.6), "high variance"),
    ((15.0, 15.5, 10.6), "high bias"),
    ((15.0, 19.7, 10.6), "high bias and high variance"),
)
VERDICTS = ("high bias", "high variance", "high bias and high variance", "just right")
TOLERANCE = 0.1  # the reference's documented default: a gap is high above 10 % of the baseline


def expected_diagnosis(j_train: float, j_cv: float, j_baseline: float, tolerance: float = TOLERANCE) -> str:
    """The documented rule: a gap is high when it exceeds tolerance * j_baseline."""
    bias = j_train - j_baseline > tolerance * j_baseline
    variance = j_cv - j_train > tolerance * j_baseline
    return {(True, True): "high bias and high variance", (True, False): "high bias",
            (False, True): "high variance", (False, False): "just right"}[(bias, variance)]


def half_mse(y: Any, yhat: Any) -> float:
    """The course's J = (1/(2m))·sum (yhat - y)²: half of scikit-learn's mean_squared_error."""
    return float(mean_squared_error(np.asarray(y).reshape(-1), np.asarray(yhat).reshape(-1)) / 2)


def regression_data(seed: int, m_train: int = 60, m_cv: int = 40, noise: float = 0.5) -> tuple[np.ndarray, ...]:
    """A quadratic target with Gaussian noise, one example per row: X (m, 1), y (m,)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(m_train + m_cv, 1))
    y = 1.0 + 2.0 * X[:, 0] - 1.5 * X[:, 0] ** 2 + noise * rng.normal(size=m_train + m_cv)
    return X[:m_train], y[:m_train], X[m_train:], y[m_train:]


def polynomial_regression(degree: int) -> Any:
    """The course's lin_model: polynomial features, standard scaling, linear regression."""
    return make_pipeline(PolynomialFeatures(degree, include_bias=False), StandardScaler(), LinearRegression())


class Fitter:
    """``fit(X, y)`` for learning_curve: trains a fresh copy of a scikit-learn estimator, returns
    its ``predict``, and records the (X, y) of every call."""

    def __init__(self, estimator: Any) -> None:
        self.estimator, self.calls = estimator, []

    def __call__(self, X: Any, y: Any) -> Any:
        X, y = np.array(X, dtype=np.float64), np.array(y, dtype=np.float64)
        self.calls.append((X, y))
        return clone(self.estimator).fit(X, y).predict


def sklearn_curve(estimator: Any, X_train: np.ndarray, y_train: np.ndarray, X_cv: np.ndarray,
                  y_cv: np.ndarray, sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(j_train, j_cv) from scikit-learn's learning_curve on the one split (train, cv), unshuffled:
    it trains on the first m training examples and scores on those and on the whole cv set."""
    X = np.concatenate([X_train, X_cv])
    y = np.concatenate([y_train, y_cv])
    split = [(np.arange(len(X_train)), np.arange(len(X_train), len(X)))]
    _, train, cv = sklearn_learning_curve(clone(estimator), X, y, train_sizes=list(sizes), cv=split,
                                          scoring="neg_mean_squared_error", shuffle=False)
    return -train[:, 0] / 2, -cv[:, 0] / 2


def pretrained_base(seed: int = 0, n_features: int = 64, n_outputs: int = 10) -> keras.Model:
    """A small "pretrained" network, its layers named as a published model's are: two hidden
    ReLU layers and its own output layer (its head, for its original task)."""
    import keras
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(n_features,)),
        keras.layers.Dense(16, activation="relu", name="pretrained_hidden_1"),
        keras.layers.Dense(8, activation="relu", name="pretrained_hidden_2"),
        keras.layers.Dense(n_outputs, name="pretrained_output"),
    ], name="pretrained")


def hidden_features(base: keras.Model, x: np.ndarray) -> np.ndarray:
    """What the base's last hidden layer outputs for x: the features a new head must read."""
    features = x
    for layer in base.layers[:-1]:
        features = layer(features)
    return np.asarray(features)


def weight_values(model: keras.Model) -> list[np.ndarray]:
    return [np.array(w.numpy()) for w in model.weights]


def holds(values: list[np.ndarray], array: np.ndarray) -> bool:
    """Whether one of ``values`` equals ``array`` exactly (same shape, same numbers)."""
    return any(v.shape == array.shape and np.array_equal(v, array) for v in values)
