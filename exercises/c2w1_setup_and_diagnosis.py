# Exercise stub generated from solutions/c2w1_setup_and_diagnosis.py by `make stubs`.
# Replace each `raise NotImplementedError(...)` line with your code; keep the signatures.
"""Setting up a machine learning problem: train/dev/test sets, normalized inputs, bias and variance.

**Train / dev / test.** The data are split three ways. The model is fitted on the *training
set*; the *dev set* (development or hold-out cross-validation set) compares models and
hyperparameters and picks the best; the *test set*, touched once at the end, gives an unbiased
estimate of how the chosen model does on new data. With 100, 1 000 or 10 000 examples the old
rule of thumb 60 % / 20 % / 20 % (or 70 % / 30 % without a test set) is reasonable; with a million
examples the dev and test sets only need to be large enough to do their jobs, say 10 000 each,
so 98 % / 1 % / 1 % or less. The dev and test sets should come from the same distribution.

A data set is often stored in order (all the cats, then all the non-cats; or by date), so the
examples are shuffled before they are cut into three pieces, and X and Y are shuffled with *one*
permutation: in the course's layout X has shape (n_x, m), one example per column, Y has shape
(1, m), and column i of Y is the label of column i of X. The shuffled columns are then cut into
three consecutive pieces, round(f_train·m) for training, round(f_dev·m) for dev and the rest for
test, so that every example lands in exactly one of the three sets.

**Normalizing the inputs.** Features on very different scales (x1 from 1 to 1000, x2 from 0 to
1) make the cost's contours long and thin, and gradient descent needs a small learning rate and
many steps. Normalization gives every feature mean 0 and variance 1, which rounds the contours::

    mu     = 1/m * sum_i x(i)                 # (n_x, 1): mean of each feature (row of X)
    sigma2 = 1/m * sum_i (x(i) - mu)**2       # (n_x, 1): variance of each feature (divide by m)
    x_norm = (x - mu) / sqrt(sigma2 + eps)    # eps inside the square root: a constant feature
                                              # (sigma2 = 0) gives 0, not a division by zero

mu and sigma2 are computed on the *training set only* and then used unchanged for the dev and
test sets (and for every new example): all the data must go through the same transformation.
Normalizing the dev set with its own mean and variance would move it by a different amount than
the training set, and a single test example has no variance at all. A normalized dev set
therefore has a mean close to 0 but not exactly 0.

**Bias and variance.** Two numbers diagnose a trained classifier: its error on the training
set and its error on the dev set, compared with the *Bayes error*, the lowest error any
classifier can reach (often estimated by human error; close to 0 % for telling cats from dogs
in clear pictures)::

    avoidable bias = train error - Bayes error    # high: the model does not even fit the training set
    variance       = dev error - train error      # high: it does not generalise from it

With a Bayes error of about 0 % the course's four classifiers are::

    train error   dev error   diagnosis
        1 %         11 %      high variance                 (overfits the training set)
       15 %         16 %      high bias                     (underfits it)
       15 %         30 %      high bias and high variance   (both at once)
      0.5 %          1 %      low bias and low variance

and with a Bayes error of 15 % (blurry pictures that humans also get wrong) the second one,
15 % / 16 %, has low bias and low variance: 15 % is as well as anything can do. Here a gap is
"high" when it is strictly greater than a ``tolerance`` (5 percentage points by default).

The basic recipe follows from the diagnosis: high bias first (a bigger network, training
longer, another architecture), until the training set is fitted; then high variance (more
data, regularization, another architecture). In deep learning the two can usually be reduced
separately, so there is little "trade-off" left.

Layouts: the course's columns throughout, X of shape (n_x, m) and Y of shape (1, m); errors are
fractions (0.15 for 15 %).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

SplitSets = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""What :func:`split_dataset` returns: ``(X_train, Y_train, X_dev, Y_dev, X_test, Y_test)``."""


def _as_columns(value: Any, name: str, layout: str = "(n_x, m)") -> np.ndarray:
    """``value`` as a 2-D array (one example per column), or a ValueError that names ``name``."""
    array = np.asarray(value)
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must be a 2-D numeric array of shape {layout}, one example per "
                         f"column. Received: {name}.shape={array.shape}, {name}.dtype={array.dtype}")
    return array


def _check_real(name: str, value: Any, low: float, high: float = np.inf) -> None:
    """Raise a ValueError unless ``value`` is a real number (not a bool) in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= value <= high:
        interval = f">= {low:g}" if high == np.inf else f"in [{low:g}, {high:g}]"
        raise ValueError(f"{name} must be a number {interval}. Received: {name}={value!r}")


def _check_split_inputs(X: Any, Y: Any, fractions: Any, seed: Any) -> tuple[np.ndarray, np.ndarray]:
    """X (n_x, m) and Y (n_y, m) with the same m; three fractions in [0, 1] that sum to 1, whose
    train and dev shares round to at most m examples; an integer seed. Otherwise a ValueError."""
    X, Y = _as_columns(X, "X"), _as_columns(Y, "Y", "(1, m)")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns (examples). "
                         f"Received: X.shape={X.shape}, Y.shape={Y.shape}")
    if not (isinstance(fractions, (Sequence, np.ndarray)) and np.ndim(fractions) == 1 and len(fractions) == 3):
        raise ValueError("fractions must be three numbers (train, dev, test), e.g. (0.6, 0.2, 0.2). "
                         f"Received: fractions={fractions!r}")
    for i, fraction in enumerate(fractions):
        _check_real(f"fractions[{i}]", fraction, 0.0, 1.0)
    if abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError(f"fractions must sum to 1. Received: fractions={tuple(fractions)!r}")
    m = X.shape[1]
    if round(fractions[0] * m) + round(fractions[1] * m) > m:
        raise ValueError(f"the train and dev fractions round to more than the m={m} examples "
                         f"(round(f * m) each). Received: fractions={tuple(fractions)!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer in [0, 2**32 - 1]. Received: seed={seed!r}")
    return X, Y


def _check_statistics(X: Any, mu: Any, sigma2: Any, eps: Any) -> np.ndarray:
    """X as a 2-D array; mu and sigma2 of shape (n_x, 1), sigma2 >= 0; eps >= 0. Else a ValueError."""
    X = _as_columns(X, "X")
    expected = (X.shape[0], 1)
    for name, value in (("mu", mu), ("sigma2", sigma2)):
        if np.shape(value) != expected:
            raise ValueError(f"{name} must have shape {expected}, one value per feature (row) of X. "
                             f"Received: {name}.shape={np.shape(value)}")
    if np.any(np.asarray(sigma2) < 0):
        raise ValueError(f"sigma2 holds variances, which cannot be negative. Received: "
                         f"sigma2={np.asarray(sigma2).ravel()!r}")
    _check_real("eps", eps, 0.0)
    return X


def _check_errors(**errors: Any) -> None:
    """Raise a ValueError unless every error is a fraction in [0, 1] (15 % is 0.15, not 15)."""
    for name, value in errors.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be a fraction in [0, 1] (15 % is 0.15). Received: {name}={value!r}")


def split_dataset(
    X: np.ndarray,
    Y: np.ndarray,
    fractions: tuple[float, float, float] = (0.6, 0.2, 0.2),
    seed: int = 0,
) -> SplitSets:
    """Shuffle the examples and cut them into a training, a dev and a test set.

    The columns of ``X`` and ``Y`` are shuffled with one permutation drawn from a local
    ``np.random.RandomState(seed)`` (NumPy's global random state is left alone), so each label
    stays with its example and the same seed gives the same split. The training set then takes
    the first ``round(fractions[0] * m)`` shuffled examples, the dev set the next
    ``round(fractions[1] * m)`` and the test set all the rest: every example is in exactly one
    set. The inputs are not changed.

    Args:
        X: inputs, shape (n_x, m), one example per column.
        Y: labels, shape (1, m) (any (n_y, m) works), column i the label of column i of X.
        fractions: the shares (train, dev, test) of the m examples; they sum to 1.
        seed: seeds the permutation.

    Returns:
        ``(X_train, Y_train, X_dev, Y_dev, X_test, Y_test)``: X_train of shape
        (n_x, m_train) with m_train = round(fractions[0] * m), Y_train of shape (1, m_train),
        likewise m_dev = round(fractions[1] * m) for the dev set, and m_test = m - m_train - m_dev.

    Raises:
        ValueError: X or Y is not 2-D, their numbers of columns differ, the fractions are not
            three numbers in [0, 1] that sum to 1 (or round to more than m examples), or the seed
            is not an integer in [0, 2**32 - 1].

    Example:
        >>> X, Y = np.arange(20.0).reshape(2, 10), np.arange(10).reshape(1, 10)
        >>> [a.shape for a in split_dataset(X, Y)]
        [(2, 6), (1, 6), (2, 2), (1, 2), (2, 2), (1, 2)]
    """
    X, Y = _check_split_inputs(X, Y, fractions, seed)
    raise NotImplementedError("c2w1_setup_and_diagnosis.split_dataset")


def normalization_stats(X_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean and variance of each feature over the training set.

    mu = (1/m)·sum_i x(i) and sigma2 = (1/m)·sum_i (x(i) - mu)**2, both over the m examples
    (columns) separately for each feature (row): the biased variance, dividing by m as the
    course does (``np.var``'s default, not ``ddof=1``).

    Args:
        X_train: the training inputs, shape (n_x, m) with m >= 1.

    Returns:
        ``(mu, sigma2)``, each of shape (n_x, 1) (float64): one mean and one variance per feature.

    Raises:
        ValueError: ``X_train`` is not a 2-D numeric array with at least one column.
    """
    X_train = _as_columns(X_train, "X_train")
    if X_train.shape[1] == 0:
        raise ValueError(f"X_train must hold at least one example (column). Received: "
                         f"X_train.shape={X_train.shape}")
    raise NotImplementedError("c2w1_setup_and_diagnosis.normalization_stats")


def normalize(X: np.ndarray, mu: np.ndarray, sigma2: np.ndarray, eps: float = 1e-8) -> np.ndarray:
    """Normalize inputs with given per-feature statistics: (X - mu) / sqrt(sigma2 + eps).

    ``mu`` and ``sigma2`` are the *training set's* statistics (:func:`normalization_stats`),
    used unchanged for the training, dev and test sets alike; ``X``'s own statistics play no
    part. ``eps`` goes inside the square root. ``X`` is not changed.

    Args:
        X: inputs to normalize (training, dev or test set), shape (n_x, m).
        mu: the training set's mean of each feature, shape (n_x, 1).
        sigma2: the training set's variance of each feature, shape (n_x, 1), >= 0.
        eps: added to the variance inside the square root (>= 0).

    Returns:
        The normalized inputs, shape (n_x, m) (float64).

    Raises:
        ValueError: ``X`` is not 2-D, ``mu`` or ``sigma2`` is not (n_x, 1), ``sigma2`` holds a
            negative value, or ``eps < 0``.
    """
    X = _check_statistics(X, mu, sigma2, eps)
    raise NotImplementedError("c2w1_setup_and_diagnosis.normalize")


def diagnose_bias_variance(
    train_error: float, dev_error: float, bayes_error: float = 0.0, tolerance: float = 0.05
) -> str:
    """Diagnose a classifier from its training and dev errors, against the Bayes error.

    avoidable bias = train_error - bayes_error and variance = dev_error - train_error; each is
    "high" when it is strictly greater than ``tolerance`` (a gap of exactly ``tolerance`` is
    low). A dev error below the training error is low variance.

    Args:
        train_error: the error on the training set, a fraction in [0, 1] (0.15 for 15 %).
        dev_error: the error on the dev set, a fraction in [0, 1].
        bayes_error: the lowest achievable error (estimated by human error), a fraction in [0, 1].
        tolerance: the largest gap that still counts as low (>= 0), in the same units.

    Returns:
        One of ``"high bias"``, ``"high variance"``, ``"high bias and high variance"`` and
        ``"low bias and low variance"``.

    Raises:
        ValueError: an error is not a number in [0, 1] (percentages such as 15 are refused), or
            ``tolerance < 0``.

    Example:
        >>> diagnose_bias_variance(0.15, 0.16)
        'high bias'
        >>> diagnose_bias_variance(0.15, 0.16, bayes_error=0.15)
        'low bias and low variance'
    """
    _check_errors(train_error=train_error, dev_error=dev_error, bayes_error=bayes_error)
    _check_real("tolerance", tolerance, 0.0)
    raise NotImplementedError("c2w1_setup_and_diagnosis.diagnose_bias_variance")
