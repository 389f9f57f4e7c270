"""Shared data, oracles and checks of the graded tests of c2w3_hyperparameter_search.

Oracles: ``scipy.stats.kstest`` and ``scipy.stats.binom`` for the distributions of the draws;
``np.geomspace`` / ``np.linspace`` for the grids (another route than the coordinates of the
reference); the zoom rule written out once here (:func:`expected_zoom`), a NumPy formula where no
library has the thing. Objectives are plain functions of the test that record their calls (they
run on the test's side: the student's code calls back).

Statistical bounds. Every statistical check fails a correct sampler with probability at most
``FALSE_ALARM = 1e-6`` in all (a Bonferroni split when one test makes several checks):

- KS: under a correct sampler the coordinate r is exactly U[a, b] and the KS statistic of n
  draws has a continuous distribution, so its exact p-value is uniform on [0, 1]:
  P(p < alpha) = alpha. A test that makes c such checks uses alpha = FALSE_ALARM / c.
- Shares: the count of n independent draws that land in a band of probability q is
  Binomial(n, q); the check accepts the counts between the binom.ppf quantiles alpha/2 and
  1 - alpha/2 with alpha = FALSE_ALARM / (number of bands), so each two-sided band check errs with
  probability at most alpha.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy import stats

from grader import checks

TASK = "c2w3_hyperparameter_search."
FALSE_ALARM = 1e-6

SCALES = ("linear", "log", "one_minus_log")
LEARNING_RATE = (1e-4, 1.0, "log")
BETA = (0.9, 0.999, "one_minus_log")
KEEP_PROB = (0.1, 1.0, "linear")


def course_space() -> dict[str, tuple[float, float, str]]:
    """The course's three kinds of hyperparameter: α on [1e-4, 1], β on [0.9, 0.999], keep_prob."""
    return {"learning_rate": LEARNING_RATE, "beta": BETA, "keep_prob": KEEP_PROB}


def coordinate(values: Any, scale: str) -> np.ndarray:
    """The coordinate in which a scale is uniform: v, log10(v) or log10(1 - v)."""
    values = np.asarray(values, dtype=np.float64)
    if scale == "log":
        return np.log10(values)
    return np.log10(1.0 - values) if scale == "one_minus_log" else values


def coordinate_interval(low: float, high: float, scale: str) -> tuple[float, float]:
    ends = sorted(coordinate([low, high], scale))
    return float(ends[0]), float(ends[1])


def grid_axis(low: float, high: float, scale: str, n: int) -> np.ndarray:
    """n values from low to high, both ends included, evenly spaced on the scale (ascending)."""
    if scale == "log":
        return np.geomspace(low, high, n)
    if scale == "one_minus_log":
        return np.sort(1.0 - np.geomspace(1.0 - low, 1.0 - high, n))
    return np.linspace(low, high, n)


class Code:
    """An argument that ``checks.call`` shows as the code that makes it (``rng=np.random.default_rng(0)``,
    the test's ``objective``); it shows the other arguments, a search space too, by value."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


OBJECTIVE = Code("objective")


def seeded(seed: int) -> Code:
    """The argument ``rng=np.random.default_rng(seed)`` as ``checks.call`` shows it."""
    return Code(f"np.random.default_rng({seed})")


class Recorder:
    """An objective that records every call: ``calls`` holds (params copy, score returned)."""

    def __init__(self, loss: Callable[[Mapping[str, float]], float]) -> None:
        self.loss = loss
        self.calls: list[tuple[dict[str, float], float]] = []
        self.__name__ = "objective"

    def __call__(self, params: Mapping[str, float]) -> float:
        if not isinstance(params, Mapping):
            raise TypeError(f"the objective takes one dict name -> value, got {type(params).__name__}")
        params = {str(name): float(value) for name, value in params.items()}
        score = float(self.loss(params))
        self.calls.append((params, score))
        return score


def log_lr_bowl(params: Mapping[str, float]) -> float:
    """A loss that only the learning rate matters for: (log10 α + 2.5)², least at α = 10**-2.5."""
    return (math.log10(params["learning_rate"]) + 2.5) ** 2


def check_trials(trials: Any, n: int, names: Sequence[str], call: str) -> list[tuple[dict[str, float], float]]:
    """``trials`` as a list of n (params dict with exactly ``names``, float score), or a failure."""
    if not isinstance(trials, list):
        checks.fail(f"{call} should return a list of trials (params, score), got {type(trials).__name__}")
    if len(trials) != n:
        checks.fail(f"{call} returned {len(trials)} trials, expected {n}")
    clean = []
    for index, trial in enumerate(trials):
        if not (isinstance(trial, (tuple, list)) and len(trial) == 2):
            checks.fail(f"{call}: trials[{index}] should be a tuple (params, score), got {trial!r:.120}")
        params, score = trial
        if not isinstance(params, dict) or set(params) != set(names):
            checks.fail(f"{call}: trials[{index}] = {trial!r:.160} should start with a dict of the names "
                        f"{sorted(names)} (a trial is (params, score), params first)")
        if not isinstance(score, float):
            checks.fail(f"{call}: the score of trials[{index}] should be a Python float, got {score!r:.80} "
                        "(use float(objective(params)))")
        clean.append(({name: float(checks.to_array(value, call=call, name=f"trials[{index}][0][{name!r}]"))
                       for name, value in params.items()}, score))
    return clean


def inside(value: float, low: float, high: float) -> bool:
    """value in [low, high], up to rounding of the coordinate round trip (1e-12 of the range)."""
    slack = 1e-12 * max(1.0, abs(low), abs(high))
    return low - slack <= value <= high + slack


def check_inside_box(trials: Sequence[tuple[dict[str, float], float]], space: Mapping[str, tuple[float, float, str]],
                     call: str, what: str = "the box") -> None:
    for index, (params, _) in enumerate(trials):
        for name, (low, high, _scale) in space.items():
            if not inside(params[name], low, high):
                checks.fail(f"{call}: trials[{index}] has {name}={params[name]:.6g}, outside {what} "
                            f"[{low:g}, {high:g}] of {name}")


# ----------------------------------------------------------------------- statistics
def shares(values: Any, edges: Sequence[float]) -> np.ndarray:
    """The fractions of values below edges[0], in each [edges[i], edges[i+1]), and at or above edges[-1]."""
    values = np.asarray(values, dtype=np.float64).ravel()
    inner = np.histogram(values, bins=np.asarray(edges, dtype=np.float64))[0]
    below, above = np.sum(values < edges[0]), np.sum(values > edges[-1])
    return np.concatenate([[below], inner, [above]]) / max(values.size, 1)


def check_uniform_coordinate(r: np.ndarray, a: float, b: float, alpha: float, call: str, what: str,
                             mistake: Callable[[], str] = str) -> None:
    """Fail unless the KS test of the draws r against U[a, b] has a p-value of at least alpha.

    Under a correct sampler the p-value is uniform (see the module docstring): P(fail) = alpha.
    ``mistake()`` (called only on failure) names the known mistake the draws look like.
    """
    r = np.asarray(r, dtype=np.float64).ravel()
    result = stats.kstest(r, stats.uniform(loc=a, scale=b - a).cdf)
    if not result.pvalue >= alpha:
        checks.fail(f"{call}: {what} of the {r.size} draws is not uniform on [{a:g}, {b:g}]: the "
                    f"Kolmogorov-Smirnov distance is {result.statistic:.3f} (p = {result.pvalue:.2g}; a "
                    f"correct sampler gives p < {alpha:.2g} once in {1 / alpha:.3g} runs). The median "
                    f"draw has {what} = {np.median(r):.3g}, expected {(a + b) / 2:g}.{mistake()}")


def binomial_bounds(n: int, q: float, alpha: float) -> tuple[int, int]:
    """The counts [lo, hi] that hold Binomial(n, q) except with probability <= alpha (two tails)."""
    lo = int(stats.binom.ppf(alpha / 2, n, q))
    hi = int(stats.binom.isf(alpha / 2, n, q))
    return lo, hi


def check_band_counts(values: np.ndarray, bands: Sequence[tuple[float, float, str]], call: str,
                      mistake: Callable[[], str] = str) -> None:
    """Each band (low, high, label) of the values must hold a Binomial(n, q) share of the draws,
    q its probability under the correct sampler; alpha = FALSE_ALARM / (number of bands).
    ``mistake()`` (called only on failure) names the known mistake the draws look like."""
    values = np.asarray(values, dtype=np.float64).ravel()
    n, alpha = values.size, FALSE_ALARM / len(bands)
    total = sum(high - low for low, high, _ in bands)
    for low, high, label in bands:
        q = (high - low) / total
        count = int(np.sum((values >= low) & (values < high))) if high < bands[-1][1] else \
            int(np.sum((values >= low) & (values <= high)))
        lo, hi = binomial_bounds(n, q, alpha)
        if not lo <= count <= hi:
            checks.fail(f"{call}: {count} of the {n} draws ({count / n:.1%}) lie in {label}, expected "
                        f"{q:.0%} of them (between {lo} and {hi}: a correct sampler lands outside that "
                        f"once in {1 / alpha:.3g} runs).{mistake()}")


# ----------------------------------------------------------------------- zoom
def expected_zoom(space: Mapping[str, tuple[float, float, str]], trials: Sequence[tuple[Mapping[str, float], float]],
                  top_k: int, margin: float = 0.1) -> dict[str, tuple[float, float, str]]:
    """The syllabus's zoom, written out: per parameter, the interval of the top_k best trials'
    coordinates, widened by margin x its width (x the current width when they coincide), clipped
    to the current interval, back in the parameter's units."""
    order = np.argsort([score for _, score in trials], kind="stable")[:top_k]
    zoomed = {}
    for name, (low, high, scale) in space.items():
        box_low, box_high = coordinate_interval(low, high, scale)
        r = coordinate([trials[i][0][name] for i in order], scale)
        width = float(r.max() - r.min())
        pad = margin * (width if width > 0 else box_high - box_low)
        ends = [max(float(r.min()) - pad, box_low), min(float(r.max()) + pad, box_high)]
        values = np.sort({"linear": np.asarray(ends), "log": 10.0 ** np.asarray(ends),
                          "one_minus_log": 1.0 - 10.0 ** np.asarray(ends)}[scale])
        zoomed[name] = (float(values[0]), float(values[1]), scale)
    return zoomed


def box_array(space: Any, names: Sequence[str], scales: Mapping[str, str], call: str, what: str = "the result") -> np.ndarray:
    """A returned space as an array (len(names), 2) of (low, high), after checking its form."""
    if not isinstance(space, dict) or set(space) != set(names):
        keys = sorted(space) if isinstance(space, dict) else type(space).__name__
        checks.fail(f"{call}: {what} should be a dict with the names {sorted(names)}, got {keys}")
    rows = []
    for name in names:
        entry = space[name]
        if not (isinstance(entry, (tuple, list)) and len(entry) == 3):
            checks.fail(f"{call}: {what}[{name!r}] should be a tuple (low, high, scale), got {entry!r:.100}")
        low, high, scale = entry
        if scale != scales[name]:
            checks.fail(f"{call}: {what}[{name!r}] has scale {scale!r}, expected {scales[name]!r} (keep each "
                        "parameter's scale)")
        low = float(checks.to_array(low, call=call, name=f"{what}[{name!r}][0]"))
        high = float(checks.to_array(high, call=call, name=f"{what}[{name!r}][1]"))
        if not low <= high:
            checks.fail(f"{call}: {what}[{name!r}] = ({low:.6g}, {high:.6g}) has low > high (for "
                        "one_minus_log the smaller coordinate r is the larger β: sort the two ends)")
        rows.append((low, high))
    return np.array(rows)


def zoom_pick(names: Sequence[str]) -> Callable[[Mapping[str, tuple[float, float, str]]], np.ndarray]:
    """For known_mistakes: a zoomed space as the (len(names), 2) array that the checks compare."""
    return lambda space: np.array([[space[name][0], space[name][1]] for name in names], dtype=np.float64)
