"""The graded tests of c2w3_hyperparameter_search.zoom, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c2w3_hyperparameter_search.oracles import TASK, Code, box_array, expected_zoom, zoom_pick

FUNCTION = TASK + "zoom"


def _trials(rows, names):
    """Trials from rows (score, value of each name)."""
    return [({name: value for name, value in zip(names, values)}, score) for score, *values in rows]


def _check_zoom(impl, space, trials, top_k, expected, margin=None, why=""):
    names = list(space)
    shown = {} if margin is None else {"margin": margin}
    call = (checks.call("zoom", space=space, trials=Code("trials"), top_k=top_k, **shown)
            + f" with {len(trials)} trials{why}")
    args = (space, trials, top_k) if margin is None else (space, trials, top_k, margin)
    got = box_array(impl.zoom(*args), names, {name: space[name][2] for name in names}, call)
    checks.check_close(got, zoom_pick(names)(expected), call=call,
                       name=f"the new box, one row (low, high) per parameter {names}", rtol=1e-9,
                       mistakes=checks.known_mistakes(FUNCTION, *args, pick=zoom_pick(names)))


SPACE = {"learning_rate": (1e-4, 1.0, "log"), "keep_prob": (0.2, 1.0, "linear"), "beta": (0.9, 0.999, "one_minus_log")}
NAMES = list(SPACE)


@graded(FUNCTION, points=3)
def test_zoom_gives_the_box_around_the_top_k_best_trials(impl):
    # The 3 best trials (scores 0.1, 0.2, 0.3) have, in each scale's coordinate:
    #   log10(learning_rate) -3, -2, -1 -> [-3, -1], width 2, margin 0.2 -> [-3.2, -0.8]
    #   keep_prob 0.5, 0.6, 0.7 -> [0.5, 0.7], width 0.2, margin 0.02 -> [0.48, 0.72]
    #   log10(1 - beta) -2, -2.30, -3 -> [-3, -2], width 1, margin 0.1 -> [-3.1, -1.9],
    #   clipped to the box's [-3, -1]: [-3, -1.9], that is beta in [1 - 10**-1.9, 0.999].
    trials = _trials([(0.9, 1e-4, 0.2, 0.9), (0.2, 1e-2, 0.6, 0.995), (0.7, 0.9, 0.3, 0.91),
                      (0.1, 1e-3, 0.7, 0.999), (0.8, 0.5, 1.0, 0.95), (0.3, 1e-1, 0.5, 0.99)], NAMES)
    expected = {"learning_rate": (10 ** -3.2, 10 ** -0.8, "log"), "keep_prob": (0.48, 0.72, "linear"),
                "beta": (1 - 10 ** -1.9, 0.999, "one_minus_log")}
    _check_zoom(impl, SPACE, trials, 3, expected, why=" (the 3 best have scores 0.1, 0.2, 0.3: lower is better)")


@graded(FUNCTION, points=2)
def test_zoom_stays_inside_the_current_box(impl):
    # A box of a later round. The 2 best: log10(learning_rate) at log10(1.1e-3) = -2.959 and -2,
    # width 0.959, margin 0.0959: [-3.055, -1.904], clipped to [-3, -1]: [1e-3, 10**-1.904];
    # keep_prob 0.41 and 0.79, margin 0.038: [0.372, 0.828], clipped to (0.4, 0.8).
    space = {"learning_rate": (1e-3, 1e-1, "log"), "keep_prob": (0.4, 0.8, "linear")}
    trials = _trials([(0.5, 1.1e-3, 0.41), (0.6, 1e-2, 0.79), (0.9, 0.05, 0.5), (0.8, 0.09, 0.6)], list(space))
    r_high = np.log10(1e-2) + 0.1 * (np.log10(1e-2) - np.log10(1.1e-3))
    expected = {"learning_rate": (1e-3, 10 ** r_high, "log"), "keep_prob": (0.4, 0.8, "linear")}
    _check_zoom(impl, space, trials, 2, expected, why=" (the margin reaches past the current box: clip it)")


@graded(FUNCTION, points=2)
def test_zoom_widens_coinciding_trials_by_the_box_width(impl):
    # The 2 best trials are the same point: each interval has width 0, so the margin is 0.1 times
    # the current box's width in the coordinate: 0.4 decades for learning_rate, 0.08 for
    # keep_prob, 0.2 in log10(1 - beta) (-2 -> [-2.2, -1.8]).
    trials = _trials([(0.4, 1e-2, 0.6, 0.99), (0.3, 1e-2, 0.6, 0.99), (0.9, 1e-4, 0.2, 0.9),
                      (0.8, 0.5, 1.0, 0.95)], NAMES)
    expected = {"learning_rate": (10 ** -2.4, 10 ** -1.6, "log"), "keep_prob": (0.52, 0.68, "linear"),
                "beta": (1 - 10 ** -1.8, 1 - 10 ** -2.2, "one_minus_log")}
    _check_zoom(impl, SPACE, trials, 2, expected, why=" (the 2 best are the same point)")


@st.composite
def _cases(draw):
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 8))
    a, b = np.sort(rng.uniform(-5, 1, 2))
    lo, hi = np.sort(rng.uniform(-1, 3, 2))
    c, d = np.sort(rng.uniform(-4, -0.5, 2))
    space = {"learning_rate": (float(10 ** a), float(10 ** b), "log"), "units": (float(lo), float(hi), "linear"),
             "beta": (float(1 - 10 ** d), float(1 - 10 ** c), "one_minus_log")}
    r = {"learning_rate": rng.uniform(a, b, n), "units": rng.uniform(lo, hi, n), "beta": rng.uniform(c, d, n)}
    values = {"learning_rate": 10 ** r["learning_rate"], "units": r["units"], "beta": 1 - 10 ** r["beta"]}
    if draw(st.booleans()) and n > 1:  # the two best trials coincide
        for name in values:
            values[name][1] = values[name][0]
    scores = rng.permutation(n) + rng.uniform(0, 0.5, n)
    trials = [({name: float(values[name][i]) for name in space}, float(scores[i])) for i in range(n)]
    top_k = draw(st.integers(1, n + 1))
    margin = draw(st.sampled_from([0.0, 0.1, 0.25]))
    return space, trials, top_k, margin


@graded(FUNCTION, points=2)
@settings(max_examples=25)
@given(case=_cases())
def test_zoom_follows_the_rule_on_random_trials(impl, case):
    space, trials, top_k, margin = case
    _check_zoom(impl, space, trials, top_k, expected_zoom(space, trials, top_k, margin), margin)


@mutant(FUNCTION, "a box around the top_k worst trials (the highest scores)")
def zoom_keeps_the_worst(ref):
    return rewrite(ref, "zoom", "sorted(trials, key=lambda trial: trial[1])[:top_k]",
                   "sorted(trials, key=lambda trial: trial[1], reverse=True)[:top_k]")


@mutant(FUNCTION, "the box of the top_k best trials without any margin")
def zoom_without_margin(ref):
    return rewrite(ref, "zoom", "pad = margin * (width if width > 0 else box_high - box_low)", "pad = 0.0")


@mutant(FUNCTION, "a margin that is not clipped to the current box")
def zoom_not_clipped(ref):
    return rewrite(ref, "zoom", "max(r.min() - pad, box_low), min(r.max() + pad, box_high)",
                   "r.min() - pad, r.max() + pad")


@mutant(FUNCTION, "a margin of margin x the current box's width (not the top trials' width)")
def zoom_margin_of_the_box(ref):
    return rewrite(ref, "zoom", "pad = margin * (width if width > 0 else box_high - box_low)",
                   "pad = margin * (box_high - box_low)")


@mutant(FUNCTION, "a margin of zero width when the top trials coincide (a box that is a single point)")
def zoom_no_margin_for_coinciding(ref):
    return rewrite(ref, "zoom", "pad = margin * (width if width > 0 else box_high - box_low)",
                   "pad = margin * width")


@mutant(FUNCTION, "the interval and its margin taken in the values, not in the scale's coordinate")
def zoom_in_values(ref):
    def zoom(space, trials, top_k, margin=0.1):
        best = sorted(trials, key=lambda trial: trial[1])[:top_k]
        zoomed = {}
        for name, (low, high, scale) in space.items():
            v = np.array([params[name] for params, _ in best])
            width = v.max() - v.min()
            pad = margin * (width if width > 0 else high - low)
            zoomed[name] = (float(max(v.min() - pad, low)), float(min(v.max() + pad, high)), scale)
        return zoomed
    return zoom
