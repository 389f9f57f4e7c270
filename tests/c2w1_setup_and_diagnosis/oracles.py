"""Shared data and oracles of the graded tests of c2w1_setup_and_diagnosis (one test file per graded function).

Oracles: the split is checked by its properties (every example of X in exactly one set, each
label beside its example, the sizes round(f * m), reproducible by seed, shuffled: a hypergeometric
bound), never against one random stream; ``keras.layers.Normalization`` after ``adapt`` gives the
training statistics, and ``keras.layers.Normalization(mean=mu, variance=sigma2 + eps)`` the
normalized inputs (Keras' layout is (batch, features): the arrays are transposed); the diagnosis
is checked against the course's definitions, written once here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader import checks

MODULE = "c2w1_setup_and_diagnosis."
SPLIT = MODULE + "split_dataset"
STATS = MODULE + "normalization_stats"
NORMALIZE = MODULE + "normalize"
DIAGNOSE = MODULE + "diagnose_bias_variance"

SET_NAMES = ("train", "dev", "test")
SPLIT_NAMES = ("X_train", "Y_train", "X_dev", "Y_dev", "X_test", "Y_test")
DIAGNOSES = ("high bias", "high variance", "high bias and high variance", "low bias and low variance")


# ---------------------------------------------------------------- split_dataset

def labelled_data(n_x: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """X (n_x, m) of distinct random columns and Y (1, m) of distinct integer labels, so that every
    column of a split can be traced back to its example."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n_x, m)), rng.permutation(m).reshape(1, m) + 100


def split_sizes(result: Any) -> list[int]:
    """(m_train, m_dev, m_test): the numbers of columns of X_train, X_dev and X_test."""
    return [int(np.shape(result[k])[1]) for k in (0, 2, 4)]


def expected_sizes(m: int, fractions: tuple[float, float, float]) -> list[int]:
    """round(f * m) for train and dev, the rest for test (the tables avoid exact halves)."""
    m_train, m_dev = round(fractions[0] * m), round(fractions[1] * m)
    return [m_train, m_dev, m - m_train - m_dev]


def sets_of(result: Any, X: np.ndarray, Y: np.ndarray, call: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The student's three (X_set, Y_set) pairs as float64 arrays of the right number of rows,
    each holding as many label columns as example columns."""
    arrays = [checks.to_array(part, call=call, name=name)
              for part, name in zip(checks.unpack(result, SPLIT_NAMES, call=call), SPLIT_NAMES)]
    pairs = []
    for (X_set, Y_set), name in zip(zip(arrays[::2], arrays[1::2]), SET_NAMES):
        for array, rows, what in ((X_set, X.shape[0], "X"), (Y_set, Y.shape[0], "Y")):
            if array.ndim != 2 or array.shape[0] != rows:
                checks.fail(f"{call}: {what}_{name} has shape {array.shape}, expected ({rows}, m_{name}): "
                            f"the split keeps {what}'s rows and divides its columns (examples), "
                            f"{what}[:, permutation]")
        if X_set.shape[1] != Y_set.shape[1]:
            checks.fail(f"{call}: X_{name} holds {X_set.shape[1]} examples but Y_{name} "
                        f"{Y_set.shape[1]} labels; each set needs one label column per example")
        pairs.append((X_set, Y_set))
    return pairs


def trace_examples(result: Any, X: np.ndarray, Y: np.ndarray, call: str) -> list[np.ndarray]:
    """For each set, the index in X of each of its columns (a failure when a column is not one of
    X's columns, unchanged)."""
    where = {X[:, i].tobytes(): i for i in range(X.shape[1])}
    indices = []
    for (X_set, _), name in zip(sets_of(result, X, Y, call), SET_NAMES):
        found = []
        for j in range(X_set.shape[1]):
            i = where.get(np.ascontiguousarray(X_set[:, j]).tobytes())
            if i is None:
                checks.fail(f"{call}: column {j} of X_{name} is not one of the columns of X. A split "
                            "moves whole examples unchanged: shuffle the columns, X[:, permutation], "
                            "then slice them")
            found.append(i)
        indices.append(np.array(found, dtype=int))
    return indices


def check_partition(indices: list[np.ndarray], m: int, call: str) -> None:
    """Every one of the m examples in exactly one set."""
    seen: dict[int, str] = {}
    for index, name in zip(indices, SET_NAMES):
        for i in index.tolist():
            if i in seen:
                where = "twice in the same set" if seen[i] == name else f"in both the {seen[i]} and the {name} sets"
                checks.fail(f"{call}: example {i} (column {i} of X) is {where}. The three sets must be "
                            "disjoint: slice ONE shuffled order into consecutive pieces, "
                            "[:m_train], [m_train:m_train + m_dev], [m_train + m_dev:]")
            seen[i] = name
    missing = sorted(set(range(m)) - set(seen))
    if missing:
        checks.fail(f"{call}: {len(missing)} of the {m} examples are in none of the three sets "
                    f"(e.g. column {missing[0]} of X). The test set gets all the rest, "
                    "[m_train + m_dev:], so that every example is used exactly once")


# ---------------------------------------------------------------- normalization

def feature_data(n_x: int, m: int, seed: int, shift: float = 0.0) -> np.ndarray:
    """Inputs (n_x, m) whose features have very different means and spreads (the last one a tiny
    spread, where eps matters); ``shift`` moves every feature (a dev set from a slightly different
    sample)."""
    rng = np.random.default_rng(seed)
    loc = np.array([5.0, -2.0, 300.0, 0.5, 1.0, -40.0][:n_x] + [0.0] * max(0, n_x - 6)).reshape(n_x, 1)
    scale = np.array([3.0, 0.5, 80.0, 1e-3, 10.0, 2.0][:n_x] + [1.0] * max(0, n_x - 6)).reshape(n_x, 1)
    return rng.normal(loc=loc + shift * scale, scale=scale, size=(n_x, m))


def keras_stats(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """mu and sigma2 (n_x, 1) from ``keras.layers.Normalization.adapt`` on X's examples (rows of X.T)."""
    import keras
    layer = keras.layers.Normalization(axis=-1, dtype="float64")
    layer.adapt(X.T)
    n_x = X.shape[0]
    return (np.asarray(layer.mean, np.float64).reshape(n_x, 1),
            np.asarray(layer.variance, np.float64).reshape(n_x, 1))


def keras_normalize(X: np.ndarray, mu: np.ndarray, sigma2: np.ndarray, eps: float = 1e-8) -> np.ndarray:
    """(X - mu) / sqrt(sigma2 + eps) by ``keras.layers.Normalization(mean=mu, variance=sigma2 + eps)``."""
    import keras
    layer = keras.layers.Normalization(axis=-1, mean=mu.ravel(), variance=(sigma2 + eps).ravel(), dtype="float64")
    return np.asarray(layer(X.T), np.float64).T


# ---------------------------------------------------------------- diagnosis

def course_diagnosis(train_error: float, dev_error: float, bayes_error: float = 0.0,
                     tolerance: float = 0.05) -> str:
    """The course's definitions: avoidable bias = train - Bayes, variance = dev - train, each high
    when strictly greater than the tolerance."""
    high_bias = train_error - bayes_error > tolerance
    high_variance = dev_error - train_error > tolerance
    return {(True, True): DIAGNOSES[2], (True, False): DIAGNOSES[0],
            (False, True): DIAGNOSES[1], (False, False): DIAGNOSES[3]}[(high_bias, high_variance)]


def check_diagnosis(impl: Any, train_error: float, dev_error: float, **options: float) -> None:
    """Call diagnose_bias_variance and compare with the course's definitions; on a wrong answer
    restate both gaps and name the known mistake that gives the student's answer."""
    call = checks.call("diagnose_bias_variance", train_error=train_error, dev_error=dev_error, **options)
    got = impl.diagnose_bias_variance(train_error, dev_error, **options)
    if not isinstance(got, str) or got not in DIAGNOSES:
        checks.fail(f"{call} returned {got!r}; expected one of the four strings "
                    f"{', '.join(repr(d) for d in DIAGNOSES)}")
    expected = course_diagnosis(train_error, dev_error, **options)
    bayes, tolerance = options.get("bayes_error", 0.0), options.get("tolerance", 0.05)
    bias, variance = train_error - bayes, dev_error - train_error

    def verdict(gap: float) -> str:
        return f"{'high: above' if gap > tolerance else 'low: not above'} the tolerance {tolerance:g}"

    # Four possible answers: several known mistakes may give the same one; check_equal names them all.
    checks.check_equal(got, expected, call=call, name=(
        f"the diagnosis for avoidable bias = train - Bayes = {train_error:g} - {bayes:g} = {bias:.4g} "
        f"({verdict(bias)}) and variance = dev - train = {dev_error:g} - {train_error:g} = {variance:.4g} "
        f"({verdict(variance)})"), mistakes=checks.known_mistakes(DIAGNOSE, train_error, dev_error, **options))
