"""The graded tests of c2w3_hyperparameter_search.sample_log_uniform, and the mutants they must catch."""

from __future__ import annotations

import numbers

import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w3_hyperparameter_search.oracles import (FALSE_ALARM, TASK, check_band_counts,
                                                     check_uniform_coordinate, inside, seeded, shares)

FUNCTION = TASK + "sample_log_uniform"


def _draws(impl, low: float, high: float, size, seed: int) -> tuple[np.ndarray, str]:
    call = checks.call("sample_log_uniform", low=low, high=high, size=size, rng=seeded(seed))
    shape = (size,) if isinstance(size, int) else size
    return checks.check_shape(impl.sample_log_uniform(low, high, size, np.random.default_rng(seed)), shape,
                              call=call, name="the draws"), call


def _looks_like(low: float, high: float, size, seed: int, got: np.ndarray) -> str:
    """Which known mistake draws the same shares per decade (the draws of a mutant differ, their shares not)."""
    edges = np.linspace(np.log10(low), np.log10(high), 5)
    def statistic(value):
        return shares(np.log10(np.maximum(np.asarray(value, dtype=np.float64), 1e-300)), edges)
    mistakes = checks.known_mistakes(FUNCTION, low, high, size, np.random.default_rng(seed + 1))
    target = statistic(got)
    return mistakes.named(lambda value: checks.same(statistic(value), target, rtol=0, atol=0.06))


@graded(FUNCTION, points=2)
def test_sample_log_uniform_stays_in_range_with_the_requested_shape(impl):
    for low, high, size, seed in ((1e-4, 1.0, (40, 25), 0), (3e-3, 0.3, 1000, 1), (0.5, 50.0, 1000, 2)):
        values, call = _draws(impl, low, high, size, seed)
        bad = [v for v in values.ravel() if not inside(v, low, high)]
        if bad:
            checks.fail(f"{call}: {len(bad)} of the {values.size} draws lie outside [{low:g}, {high:g}], e.g. "
                        f"{bad[0]:.4g} (r ~ U[log10(low), log10(high)] and the value 10**r stays in "
                        f"[low, high]){_looks_like(low, high, size, seed, values)}")
    call = "sample_log_uniform(0.001, 0.1, size=None, rng=np.random.default_rng(3))"
    one = impl.sample_log_uniform(0.001, 0.1, None, np.random.default_rng(3))
    if isinstance(one, np.ndarray) and one.ndim > 0 or not isinstance(one, (numbers.Real, np.ndarray)):
        checks.fail(f"{call} should return one number, got {one!r:.80} (with size=None, rng.uniform returns "
                    "a float)")
    if not inside(float(one), 0.001, 0.1):
        checks.fail(f"{call} returned {float(one):.6g}, outside [0.001, 0.1]")


@graded(FUNCTION, points=2)
def test_sample_log_uniform_is_uniform_in_log10(impl):
    # Two KS checks of log10(draws), each at alpha = FALSE_ALARM / 2: a correct sampler fails this
    # test with probability <= 1e-6 (module docstring of oracles). A sampler uniform on [1e-4, 1]
    # puts 90 % of log10(x) in [-1, 0] where 25 % belong: KS distance about 0.65, while 1000 draws
    # reject at a distance of about 0.08 (sqrt(ln(2/alpha) / (2n))): it fails with overwhelming
    # probability. So do e**r and 10**(natural-log bounds).
    for low, high, seed in ((1e-4, 1.0, 10), (3e-3, 0.3, 11)):
        values, call = _draws(impl, low, high, 1000, seed)
        with np.errstate(all="ignore"):
            r = np.log10(values)
        check_uniform_coordinate(r, np.log10(low), np.log10(high), FALSE_ALARM / 2, call, "log10",
                                 lambda: _looks_like(low, high, 1000, seed, values))


@graded(FUNCTION, points=2)
def test_sample_log_uniform_spends_a_quarter_on_each_decade(impl):
    # [1e-4, 1] has four decades, each with probability 1/4 under the correct sampler: the count in
    # each is Binomial(2000, 1/4). check_band_counts accepts [binom.ppf(alpha/2), binom.isf(alpha/2)]
    # with alpha = 1e-6 / 4 per decade (union bound over the 4 decades: <= 1e-6 in all), about
    # 500 ± 107. A uniform sampler puts about 2 draws (0.09 %) in [1e-4, 1e-3]: it fails for sure.
    values, call = _draws(impl, 1e-4, 1.0, 2000, 20)
    with np.errstate(all="ignore"):
        r = np.log10(values)
    bands = [(-4.0, -3.0, "[1e-4, 1e-3)"), (-3.0, -2.0, "[1e-3, 1e-2)"), (-2.0, -1.0, "[0.01, 0.1)"),
             (-1.0, 0.0, "[0.1, 1]")]
    check_band_counts(r, bands, call, lambda: _looks_like(1e-4, 1.0, 2000, 20, values))


@graded(FUNCTION, points=1)
def test_sample_log_uniform_is_reproducible_from_its_rng(impl):
    call = "sample_log_uniform(1e-4, 1.0, size=50, rng=np.random.default_rng(5))"
    with observe() as seen:
        first = impl.sample_log_uniform(1e-4, 1.0, 50, np.random.default_rng(5))
        again = impl.sample_log_uniform(1e-4, 1.0, 50, np.random.default_rng(5))
        other = impl.sample_log_uniform(1e-4, 1.0, 50, np.random.default_rng(6))
        fresh = impl.sample_log_uniform(1e-4, 1.0, 50, None)
    if seen.numpy_global_random:
        checks.fail(f"{call} drew from NumPy's global random state (np.random.uniform, np.random.rand...): "
                    "draw from the rng you are given (rng.uniform)")
    first = checks.check_shape(first, (50,), call=call)
    if not np.array_equal(first, checks.check_shape(again, (50,), call=call)):
        checks.fail(f"{call} twice gave different draws: take every random number from rng")
    if np.array_equal(first, checks.check_shape(other, (50,), call=call)):
        checks.fail(f"{call} and the same call with np.random.default_rng(6) gave the same draws: "
                    "take every random number from rng")
    fresh = checks.check_shape(fresh, (50,), call="sample_log_uniform(1e-4, 1.0, size=50, rng=None)")
    if not all(inside(v, 1e-4, 1.0) for v in fresh):
        checks.fail("sample_log_uniform(1e-4, 1.0, size=50, rng=None) drew values outside [1e-4, 1]: "
                    "rng=None means a fresh np.random.default_rng()")


@mutant(FUNCTION, "a learning rate drawn uniformly on [low, high] (90 % of the draws in the top decade)")
def log_uniform_is_linear(ref):
    def sample_log_uniform(low, high, size=None, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        return rng.uniform(low, high, size=size)
    return sample_log_uniform


@mutant(FUNCTION, "r ~ U[ln(low), ln(high)] with the value 10**r (natural log mixed with base 10)")
def log_uniform_natural_log_bounds(ref):
    def sample_log_uniform(low, high, size=None, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        return 10.0 ** rng.uniform(np.log(low), np.log(high), size=size)
    return sample_log_uniform


@mutant(FUNCTION, "r ~ U[log10(low), log10(high)] with the value e**r (base 10 mixed with the natural exp)")
def log_uniform_natural_exp(ref):
    def sample_log_uniform(low, high, size=None, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        return np.exp(rng.uniform(np.log10(low), np.log10(high), size=size))
    return sample_log_uniform


@mutant(FUNCTION, "the exponent r itself, without the 10**r")
def log_uniform_returns_exponent(ref):
    return rewrite(ref, "sample_log_uniform", "return 10.0 ** r", "return r")


@mutant(FUNCTION, "draws from NumPy's global random state instead of rng")
def log_uniform_global_random(ref):
    def sample_log_uniform(low, high, size=None, rng=None):
        return 10.0 ** np.random.uniform(np.log10(low), np.log10(high), size=size)
    return sample_log_uniform

