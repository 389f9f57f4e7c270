"""The graded tests of c2w2_optimization.exponentially_weighted_average, and the mutants they must catch.

The oracle is pandas (``oracles.ewm_oracle``): ``Series.ewm(alpha=1 - beta, adjust=False)`` on the
data prefixed by v_0 = 0 is exactly the course's v_t (bit for bit here), and ``adjust=True`` on the
data alone is exactly the bias-corrected v_t / (1 - beta^t) (to about 1e-15 relative: pandas sums
the weights instead of dividing by 1 - beta^t). The data are a synthetic year of daily
temperatures, the lecture's example, with the lecture's three betas.
"""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant, rewrite
from tests.c2w2_optimization.oracles import TASK, ewm_oracle, seasonal_curve, temperatures

FUNCTION = TASK + "exponentially_weighted_average"
BETAS = (0.9, 0.98, 0.5)


def _averages(impl, thetas: np.ndarray, beta: float, bias_correction: bool) -> np.ndarray:
    call = checks.call("exponentially_weighted_average", thetas=thetas, beta=beta, bias_correction=bias_correction)
    result = impl.exponentially_weighted_average(thetas, beta, bias_correction)
    mistakes = checks.known_mistakes(FUNCTION, thetas, beta, bias_correction)
    shape = checks.to_array(result, call=call).shape
    if shape != thetas.shape:
        checks.fail(f"{call}: the averages have shape {shape}, expected {thetas.shape}: one average v_t per "
                    "value θ_t, v_1..v_T (v_0 = 0 is where the recursion starts, not part of the result)"
                    + mistakes.equal_to(result))
    checks.check_close(result, ewm_oracle(thetas, beta, bias_correction), call=call,
                       name="the averages (entry t - 1 is v_t, for t = 1..T)", rtol=1e-9, mistakes=mistakes)
    return checks.to_array(result, call=call)


def _lag(average: np.ndarray) -> int:
    """The delay d (days) for which average[t] is closest to the noiseless curve at t - d."""
    truth = seasonal_curve()
    errors = [np.mean((average[100:] - truth[100 - d:365 - d]) ** 2) for d in range(81)]
    return int(np.argmin(errors))


@graded(FUNCTION, points=2)
def test_exponentially_weighted_average_matches_pandas_ewm(impl):
    thetas = temperatures()
    for beta in BETAS:
        _averages(impl, thetas, beta, bias_correction=False)


@graded(FUNCTION, points=2)
def test_exponentially_weighted_average_bias_correction_matches_pandas_ewm(impl):
    thetas = temperatures()
    for beta in BETAS:
        _averages(impl, thetas, beta, bias_correction=True)


@graded(FUNCTION, points=1)
def test_exponentially_weighted_average_reproduces_the_lecture_example(impl):
    # The lecture: with beta = 0.98, v_2 = 0.0196·θ_1 + 0.02·θ_2 and 1 - 0.98² = 0.0396, so the
    # corrected v_2 = (0.0196·θ_1 + 0.02·θ_2) / 0.0396, a weighted average of θ_1 and θ_2.
    thetas = np.array([40.0, 49.0])
    call = checks.call("exponentially_weighted_average", thetas=thetas, beta=0.98)
    v2 = 0.0196 * 40.0 + 0.02 * 49.0
    checks.check_close(impl.exponentially_weighted_average(thetas, 0.98), [0.02 * 40.0, v2], call=call,
                       mistakes=checks.known_mistakes(FUNCTION, thetas, 0.98))
    call = checks.call("exponentially_weighted_average", thetas=thetas, beta=0.98, bias_correction=True)
    checks.check_close(impl.exponentially_weighted_average(thetas, 0.98, True), [40.0, v2 / 0.0396], call=call,
                       mistakes=checks.known_mistakes(FUNCTION, thetas, 0.98, True))


@graded(FUNCTION, points=2)
def test_exponentially_weighted_average_larger_beta_is_smoother_and_lags(impl):
    # The lecture's three curves: beta = 0.98 (about 50 days) is the smoothest and lags the
    # seasons most, beta = 0.5 (about 2 days) is noisy but adapts at once, 0.9 sits between.
    thetas = temperatures()
    curves = {beta: _averages(impl, thetas, beta, bias_correction=True) for beta in (0.5, 0.9, 0.98)}
    roughness = {beta: float(np.mean(np.abs(np.diff(v[30:])))) for beta, v in curves.items()}
    lags = {beta: _lag(v) for beta, v in curves.items()}
    data = float(np.mean(np.abs(np.diff(thetas[30:]))))
    if not roughness[0.98] < roughness[0.9] < roughness[0.5] < data:
        checks.fail("exponentially_weighted_average on a year of temperatures: the mean day-to-day change "
                    f"is {roughness[0.98]:.3g} (beta=0.98), {roughness[0.9]:.3g} (0.9), {roughness[0.5]:.3g} (0.5) "
                    f"and {data:.3g} in the data; a larger beta must give a smoother curve")
    if not (lags[0.98] > lags[0.9] > lags[0.5] and lags[0.98] >= 20):
        checks.fail("exponentially_weighted_average on a year of temperatures: the curves lag the seasons by "
                    f"{lags[0.98]} (beta=0.98), {lags[0.9]} (0.9) and {lags[0.5]} (0.5) days; expected the "
                    "largest beta to lag most (weeks for 0.98), as it averages about 1/(1 - beta) days")


@graded(FUNCTION, points=1)
def test_exponentially_weighted_average_bias_correction_fixes_the_start(impl):
    thetas = temperatures()
    call = checks.call("exponentially_weighted_average", thetas=thetas, beta=0.98)
    plain = checks.check_shape(impl.exponentially_weighted_average(thetas, 0.98), thetas.shape, call=call)
    corrected = checks.check_shape(impl.exponentially_weighted_average(thetas, 0.98, True), thetas.shape,
                                   call=call + " with bias_correction=True")
    first = float(thetas[:10].mean())
    if not plain[:10].mean() < 0.25 * first:
        checks.fail(f"{call}: the first 10 averages have mean {plain[:10].mean():.3g} while the data have "
                    f"{first:.3g}; without bias correction they start near v_0 = 0 (v_1 = 0.02·θ_1)")
    if not abs(corrected[:10].mean() - first) < 0.15 * first:
        checks.fail(f"{call} with bias_correction=True: the first 10 averages have mean "
                    f"{corrected[:10].mean():.3g}, the data {first:.3g}; dividing by 1 - beta^t should remove "
                    "the pull towards v_0 = 0")
    if not abs(corrected[-1] - plain[-1]) < 1e-3 * abs(plain[-1]):
        checks.fail(f"{call}: on day 365 the corrected average is {corrected[-1]:.6g} and the plain one "
                    f"{plain[-1]:.6g}; once beta^t is about 0 (0.98^365 = 6e-4) they should agree")


@mutant(FUNCTION, "no bias correction even with bias_correction=True")
def ewa_ignores_correction(ref):
    return rewrite(ref, "exponentially_weighted_average", "v / (1 - beta ** t) if bias_correction else v", "v")


@mutant(FUNCTION, "bias correction with 1 - beta^(t + 1) (t counted from 0)")
def ewa_correction_t_plus_one(ref):
    return rewrite(ref, "exponentially_weighted_average", "v / (1 - beta ** t)", "v / (1 - beta ** (t + 1))")


@mutant(FUNCTION, "starting from v_1 = θ_1 instead of v_0 = 0")
def ewa_starts_at_first_value(ref):
    return rewrite(ref, "exponentially_weighted_average", "v = np.zeros_like(thetas[0])", "v = thetas[0]")


@mutant(FUNCTION, "beta weighting the new value: v = (1 - beta)·v + beta·θ")
def ewa_swapped_weights(ref):
    return rewrite(ref, "exponentially_weighted_average", "v = beta * v + (1 - beta) * thetas[t - 1]",
                   "v = (1 - beta) * v + beta * thetas[t - 1]")


@mutant(FUNCTION, "returning v_0..v_T (T + 1 values, starting with v_0 = 0)")
def ewa_includes_v0(ref):
    correct = ref.exponentially_weighted_average

    def exponentially_weighted_average(thetas, beta, bias_correction=False):
        return np.concatenate([[0.0], correct(thetas, beta, bias_correction)])
    return exponentially_weighted_average
