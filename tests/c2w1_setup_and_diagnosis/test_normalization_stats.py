"""The graded tests of c2w1_setup_and_diagnosis.normalization_stats, and the mutants they must catch."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c2w1_setup_and_diagnosis.oracles import feature_data, keras_stats, STATS


def _check_stats(impl, X_train: np.ndarray) -> None:
    call = checks.call("normalization_stats", X_train=X_train)
    mu, sigma2 = checks.unpack(impl.normalization_stats(X_train), ("mu", "sigma2"), call=call)
    expected_mu, expected_sigma2 = keras_stats(X_train)
    for name, got, expected, pick in (("mu", mu, expected_mu, lambda out: out[0]),
                                      ("sigma2", sigma2, expected_sigma2, lambda out: out[1])):
        checks.check_close(got, expected, call=call, name=name, rtol=1e-7, atol=1e-12,
                           mistakes=checks.known_mistakes(STATS, X_train, pick=pick))


@graded(STATS, points=2)
def test_normalization_stats_match_keras_normalization_adapt(impl):
    _check_stats(impl, feature_data(6, 40, seed=0))


@graded(STATS, points=1)
@settings(max_examples=15)
@given(n_x=st.integers(1, 5), m=st.integers(1, 9), seed=st.integers(0, 2**16))
def test_normalization_stats_give_one_column_per_feature(impl, n_x, m, seed):
    _check_stats(impl, feature_data(n_x, m, seed))


@mutant(STATS, "the unbiased variance (dividing by m - 1)")
def stats_unbiased_variance(ref):
    def normalization_stats(X_train):
        with warnings.catch_warnings():  # one example: 0/0 and NumPy's warning, quiet when it names the mistake
            warnings.simplefilter("ignore", RuntimeWarning)
            return X_train.mean(axis=1, keepdims=True), X_train.var(axis=1, ddof=1, keepdims=True)
    return normalization_stats


@mutant(STATS, "the standard deviation sigma instead of the variance sigma2")
def stats_standard_deviation(ref):
    return lambda X_train: (X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True))


@mutant(STATS, "sigma2 as the mean of X**2 without subtracting mu first")
def stats_uncentred_square(ref):
    return rewrite(ref, "normalization_stats", "np.mean((X_train - mu) ** 2, axis=1, keepdims=True)",
                   "np.mean(X_train ** 2, axis=1, keepdims=True)")


@mutant(STATS, "statistics over axis 0 (one per example instead of one per feature)")
def stats_wrong_axis(ref):
    return rewrite(ref, "normalization_stats", "axis=1", "axis=0")


@mutant(STATS, "statistics without keepdims=True (shape (n_x,) instead of (n_x, 1))")
def stats_no_keepdims(ref):
    return lambda X_train: (X_train.mean(axis=1), X_train.var(axis=1))

