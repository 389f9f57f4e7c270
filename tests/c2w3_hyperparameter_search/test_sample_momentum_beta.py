"""The graded tests of c2w3_hyperparameter_search.sample_momentum_beta, and the mutants they must catch."""

from __future__ import annotations

import numbers

import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w3_hyperparameter_search.oracles import (FALSE_ALARM, TASK, check_band_counts,
                                                     check_uniform_coordinate, inside, seeded, shares)

FUNCTION = TASK + "sample_momentum_beta"


def _call(low, high, size, seed) -> str:
    bounds = {} if (low, high) == (0.9, 0.999) else {"low": low, "high": high}
    return checks.call("sample_momentum_beta", **bounds, size=size, rng=seeded(seed))


def _draws(impl, low: float, high: float, size, seed: int) -> tuple[np.ndarray, str]:
    call = _call(low, high, size, seed)
    if (low, high) == (0.9, 0.999):  # the defaults: the course's range
        values = impl.sample_momentum_beta(size=size, rng=np.random.default_rng(seed))
    else:
        values = impl.sample_momentum_beta(low, high, size, np.random.default_rng(seed))
    shape = (size,) if isinstance(size, int) else size
    return checks.check_shape(values, shape, call=call, name="the draws"), call


def _one_minus_log(values: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.log10(1.0 - np.asarray(values, dtype=np.float64))


def _looks_like(low: float, high: float, size, seed: int, got: np.ndarray) -> str:
    """Which known mistake draws the same shares of log10(1 - β) (the draws differ, the shares not)."""
    edges = np.linspace(np.log10(1 - high), np.log10(1 - low), 5)
    def statistic(value):
        r = _one_minus_log(value)
        return shares(np.where(np.isnan(r), 1e300, r), edges)
    mistakes = checks.known_mistakes(FUNCTION, low, high, size, np.random.default_rng(seed + 1))
    target = statistic(got)
    return mistakes.named(lambda value: checks.same(statistic(value), target, rtol=0, atol=0.06))


@graded(FUNCTION, points=2)
def test_sample_momentum_beta_stays_in_range_with_the_requested_shape(impl):
    for low, high, size, seed in ((0.9, 0.999, (40, 25), 0), (0.5, 0.99, 1000, 1), (0.9, 0.9999, 1000, 2)):
        values, call = _draws(impl, low, high, size, seed)
        bad = [v for v in values.ravel() if not inside(v, low, high)]
        if bad:
            checks.fail(f"{call}: {len(bad)} of the {values.size} draws lie outside [{low:g}, {high:g}], e.g. "
                        f"{bad[0]:.4g} (r ~ U[log10(1 - high), log10(1 - low)] and β = 1 - 10**r stays in "
                        f"[low, high]){_looks_like(low, high, size, seed, values)}")
    call = "sample_momentum_beta(size=None, rng=np.random.default_rng(3))"
    one = impl.sample_momentum_beta(size=None, rng=np.random.default_rng(3))
    if isinstance(one, np.ndarray) and one.ndim > 0 or not isinstance(one, (numbers.Real, np.ndarray)):
        checks.fail(f"{call} should return one number, got {one!r:.80}")
    if not inside(float(one), 0.9, 0.999):
        checks.fail(f"{call} returned {float(one):.6g}, outside the default range [0.9, 0.999]")


@graded(FUNCTION, points=2)
def test_sample_momentum_beta_is_uniform_in_log10_of_one_minus_beta(impl):
    # Two KS checks of r = log10(1 - β), each at alpha = FALSE_ALARM / 2: a correct sampler fails
    # this test with probability <= 1e-6 (see oracles). β uniform on [0.9, 0.999] makes 1 - β
    # uniform on [0.001, 0.1], so only 9 % of the r fall in [-3, -2] where half belong: a KS
    # distance of about 0.41, where 1000 draws reject at about 0.08. It fails for sure.
    for low, high, seed in ((0.9, 0.999, 10), (0.9, 0.9999, 11)):
        values, call = _draws(impl, low, high, 1000, seed)
        check_uniform_coordinate(_one_minus_log(values), np.log10(1 - high), np.log10(1 - low), FALSE_ALARM / 2,
                                 call, "log10(1 - β)", lambda: _looks_like(low, high, 1000, seed, values))


@graded(FUNCTION, points=2)
def test_sample_momentum_beta_spends_as_much_on_0_9_to_0_99_as_on_0_99_to_0_999(impl):
    # Under the correct sampler each band holds Binomial(2000, 1/2) draws; the accepted counts are
    # [binom.ppf(alpha/2), binom.isf(alpha/2)] with alpha = 1e-6 / 2 per band (union bound: <= 1e-6
    # in all), about 1000 ± 117. β uniform on [0.9, 0.999] puts about 182 draws (9.1 %) in
    # [0.99, 0.999]: it fails with overwhelming probability.
    values, call = _draws(impl, 0.9, 0.999, 2000, 20)
    bands = [(-3.0, -2.0, "[0.99, 0.999]"), (-2.0, -1.0, "[0.9, 0.99)")]
    check_band_counts(_one_minus_log(values), bands, call, lambda: _looks_like(0.9, 0.999, 2000, 20, values))


@graded(FUNCTION, points=1)
def test_sample_momentum_beta_is_reproducible_from_its_rng(impl):
    call = "sample_momentum_beta(size=50, rng=np.random.default_rng(5))"
    with observe() as seen:
        first = impl.sample_momentum_beta(size=50, rng=np.random.default_rng(5))
        again = impl.sample_momentum_beta(size=50, rng=np.random.default_rng(5))
        other = impl.sample_momentum_beta(size=50, rng=np.random.default_rng(6))
        fresh = impl.sample_momentum_beta(size=50)
    if seen.numpy_global_random:
        checks.fail(f"{call} drew from NumPy's global random state (np.random.uniform, np.random.rand...): "
                    "draw from the rng you are given (rng.uniform)")
    first = checks.check_shape(first, (50,), call=call)
    if not np.array_equal(first, checks.check_shape(again, (50,), call=call)):
        checks.fail(f"{call} twice gave different draws: take every random number from rng")
    if np.array_equal(first, checks.check_shape(other, (50,), call=call)):
        checks.fail(f"{call} and the same call with np.random.default_rng(6) gave the same draws: "
                    "take every random number from rng")
    fresh = checks.check_shape(fresh, (50,), call="sample_momentum_beta(size=50)")
    if not all(inside(v, 0.9, 0.999) for v in fresh):
        checks.fail("sample_momentum_beta(size=50) drew values outside [0.9, 0.999]: rng=None means a fresh "
                    "np.random.default_rng()")


@mutant(FUNCTION, "β drawn uniformly on [low, high] (only 9 % of the draws above 0.99)")
def beta_uniform(ref):
    def sample_momentum_beta(low=0.9, high=0.999, size=None, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        return rng.uniform(low, high, size=size)
    return sample_momentum_beta


@mutant(FUNCTION, "β = 10**r instead of 1 - 10**r")
def beta_without_one_minus(ref):
    return rewrite(ref, "sample_momentum_beta", "return 1 - 10.0 ** r", "return 10.0 ** r")


@mutant(FUNCTION, "r drawn from [1, 3] instead of [-3, -1] (the signs of the exponents flipped)")
def beta_exponent_signs_flipped(ref):
    return rewrite(ref, "sample_momentum_beta", "rng.uniform(np.log10(1 - high), np.log10(1 - low), size=size)",
                   "rng.uniform(-np.log10(1 - low), -np.log10(1 - high), size=size)")


@mutant(FUNCTION, "r between log10(low) and log10(high), forgetting that the log scale is for 1 - β")
def beta_log_of_beta(ref):
    return rewrite(ref, "sample_momentum_beta", "rng.uniform(np.log10(1 - high), np.log10(1 - low), size=size)",
                   "rng.uniform(np.log10(low), np.log10(high), size=size)")


@mutant(FUNCTION, "r always in [-3, -1], whatever low and high")
def beta_hard_coded_exponents(ref):
    return rewrite(ref, "sample_momentum_beta", "rng.uniform(np.log10(1 - high), np.log10(1 - low), size=size)",
                   "rng.uniform(-3, -1, size=size)")


@mutant(FUNCTION, "draws from NumPy's global random state instead of rng")
def beta_global_random(ref):
    def sample_momentum_beta(low=0.9, high=0.999, size=None, rng=None):
        return 1 - 10.0 ** np.random.uniform(np.log10(1 - high), np.log10(1 - low), size=size)
    return sample_momentum_beta
