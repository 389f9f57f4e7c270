"""The graded tests of c2w1_setup_and_diagnosis.normalize, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w1_setup_and_diagnosis.oracles import feature_data, keras_normalize, keras_stats, NORMALIZE


def _check_normalize(impl, X: np.ndarray, mu: np.ndarray, sigma2: np.ndarray, what: str, **kwargs: float) -> np.ndarray:
    call = checks.call("normalize", X=X, mu=mu, sigma2=sigma2, **kwargs) + what
    expected = keras_normalize(X, mu, sigma2, **kwargs)
    return checks.check_close(impl.normalize(X, mu, sigma2, **kwargs), expected, call=call, rtol=1e-7, atol=1e-9,
                              mistakes=checks.known_mistakes(NORMALIZE, X, mu, sigma2, **kwargs))


@graded(NORMALIZE, points=2)
def test_normalize_matches_keras_normalization(impl):
    X_train = feature_data(6, 40, seed=1)
    X_dev = feature_data(6, 15, seed=2, shift=0.3)
    mu, sigma2 = keras_stats(X_train)
    _check_normalize(impl, X_dev, mu, sigma2, " (X a dev set, mu and sigma2 the training set's)")


@graded(NORMALIZE, points=2)
def test_normalize_uses_the_training_statistics_for_every_set(impl):
    # The dev and test sets come from a shifted sample: normalized with the training set's mu and
    # sigma2 their means are not 0, and must not be.
    X_train, X_dev, X_test = (feature_data(4, m, seed, shift)
                              for m, seed, shift in ((50, 3, 0.0), (20, 4, 0.5), (1, 5, -0.4)))
    mu, sigma2 = keras_stats(X_train)
    for name, X in (("training", X_train), ("dev", X_dev), ("test", X_test)):
        what = f" (X the {name} set, mu and sigma2 the training set's)"
        call = checks.call("normalize", X=X, mu=mu, sigma2=sigma2) + what
        got = checks.check_shape(impl.normalize(X, mu, sigma2), X.shape, call=call)
        if name != "training" and np.allclose(got.mean(axis=1), 0.0, atol=1e-6):
            checks.fail(f"{call}: every feature of the normalized {name} set has mean 0, so it was normalized "
                        "with its own mean. Every set goes through the SAME transformation, with the "
                        "training set's mu and sigma2 given as arguments; a normalized dev set has a mean "
                        "near 0, not exactly 0 (and a single test example has no variance of its own)")
        _check_normalize(impl, X, mu, sigma2, what)


@graded(NORMALIZE, points=1)
def test_normalize_keeps_eps_inside_the_square_root(impl):
    # The feature of tiny spread (sigma2 about 1e-6) and a constant feature (sigma2 = 0): eps is
    # what keeps the result finite, and where it goes matters.
    X_train = feature_data(4, 30, seed=6)
    X_train[2] = 7.0
    X_dev = feature_data(4, 10, seed=7, shift=0.2)
    mu, sigma2 = keras_stats(X_train)
    _check_normalize(impl, X_dev, mu, sigma2, " (a feature with a tiny variance, one with none)")
    _check_normalize(impl, X_dev, mu, sigma2, " (a feature with a tiny variance, one with none)", eps=1e-3)


@graded(NORMALIZE, points=1)
def test_normalize_leaves_its_arguments_unchanged(impl):
    X = feature_data(3, 12, seed=8)
    mu, sigma2 = keras_stats(feature_data(3, 30, seed=9))
    call = checks.call("normalize", X=X, mu=mu, sigma2=sigma2)
    with observe() as seen:
        got = impl.normalize(X, mu, sigma2)
    for name, argument in (("X", X), ("mu", mu), ("sigma2", sigma2)):
        if seen.changed(argument):
            checks.fail(f"{call} changed its argument {name} in place (X -= mu?); compute a new array, "
                        "(X - mu) / np.sqrt(sigma2 + eps): the caller still needs the raw inputs")
    checks.check_close(got, keras_normalize(X, mu, sigma2), call=call, rtol=1e-7, atol=1e-9,
                       mistakes=checks.known_mistakes(NORMALIZE, X, mu, sigma2))


@mutant(NORMALIZE, "normalizing X with its own mean and variance instead of the given mu and sigma2")
def normalize_own_statistics(ref):
    def normalize(X, mu, sigma2, eps=1e-8):
        return (X - X.mean(axis=1, keepdims=True)) / np.sqrt(X.var(axis=1, keepdims=True) + eps)
    return normalize


@mutant(NORMALIZE, "eps outside the square root, (X - mu) / (sqrt(sigma2) + eps)")
def normalize_eps_outside(ref):
    return rewrite(ref, "normalize", "np.sqrt(sigma2 + eps)", "(np.sqrt(sigma2) + eps)")


@mutant(NORMALIZE, "dividing by sigma2 + eps instead of its square root")
def normalize_no_square_root(ref):
    return rewrite(ref, "normalize", "np.sqrt(sigma2 + eps)", "(sigma2 + eps)")


@mutant(NORMALIZE, "dividing without subtracting mu first")
def normalize_no_centring(ref):
    return rewrite(ref, "normalize", "(X - mu) / np.sqrt", "X / np.sqrt")


@mutant(NORMALIZE, "ignoring the eps argument (always 1e-8)")
def normalize_fixed_eps(ref):
    return rewrite(ref, "normalize", "np.sqrt(sigma2 + eps)", "np.sqrt(sigma2 + 1e-8)")


@mutant(NORMALIZE, "normalizing the caller's X in place")
def normalize_in_place(ref):
    def normalize(X, mu, sigma2, eps=1e-8):
        X -= mu
        X /= np.sqrt(sigma2 + eps)
        return X
    return normalize
