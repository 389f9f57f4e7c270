"""The exercise c2w3_hyperparameter_search and the tuner teach and use the same scales and zoom.

Not graded: these tests hold the exercise's reference (`solutions/c2w3_hyperparameter_search.py`,
imported by path) and the production code (`tuner.space`) to one another on the same inputs, so
that the two are never two diverging copies of one logic.

Where they agree, exactly (up to the rounding of a coordinate round trip):
- the coordinates of the three scales (r = v, log10 v, log10(1 - v)) and their inverses;
- what is drawn: `sample_log_uniform`, `sample_momentum_beta` and `random_search` draw, from the
  same generator, the very values that `Param.sample` draws over the full range;
- `zoom` with `margin = 0`: the smallest interval of the coordinate holding the best trials;
- `zoom` when the best trials coincide in a parameter: margin x the current width on each side,
  clipped (in the first round, where the current box is the full range, or whenever the widened
  interval stays inside the current box).

Where the rules differ (the tuner is not changed here; the syllabus fixes the exercise's rule):
1. The margin's base. The exercise widens by `margin x (r_max - r_min)`, the width of the best
   trials' own interval, and falls back on the current box's width only when they coincide; the
   tuner's `zoom_param` always widens by `margin x` the width of the current box.
2. The clip. The exercise clips to the current box (each round's box lies inside the one before);
   the tuner clips to the parameter's full range, so its box may grow back past the current one.
   `test_zoom_differs_from_the_tuner_only_in_the_margin_base_and_the_clip` pins both differences
   down: the exercise's box is the tuner's, computed with the margin `margin x span / width`, then
   clipped to the current box.
3. What the exercise has no counterpart for: `int` and `int_log` parameters (the tuner zooms on an
   integer's cell [k - 0.5, k + 0.5], not on the point k), `choice` parameters (the choices seen
   among the best), trials that lack a parameter and an empty list of best trials (the tuner keeps
   the box). The tuner's zoom is handed the best trials already chosen (the oracle sorts the
   completed trials, direction "min" or "max"); the exercise chooses the `top_k` lowest scores
   itself (ties in the order given, like the oracle's stable sort).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from tuner.space import Param, zoom, zoom_param

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location("c2w3_hyperparameter_search_reference",
                                               ROOT / "solutions" / "c2w3_hyperparameter_search.py")
exercise = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(exercise)

SCALES = ("linear", "log", "one_minus_log")
RTOL = 1e-12


def params_of(space: dict) -> list[Param]:
    """The tuner's parameters for an exercise's space `name -> (low, high, scale)`."""
    return [Param(name, scale, low, high) for name, (low, high, scale) in space.items()]


def tuner_box(space: dict, full: dict) -> dict:
    """The tuner's box (intervals of the coordinate) for the exercise's box `space` inside `full`."""
    params = {p.name: p for p in params_of(full)}
    box = {}
    for name, (low, high, _) in space.items():
        ends = sorted((params[name].to_coordinate(low), params[name].to_coordinate(high)))
        box[name] = (ends[0], ends[1])
    return box


def in_values(full: dict, box: dict) -> dict:
    """A tuner box back in the parameters' own units, as the exercise writes a space."""
    return {p.name: (*p.box_values(box[p.name]), p.scale) for p in params_of(full)}


def assert_same_space(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for name in got:
        assert got[name][2] == expected[name][2], name
        np.testing.assert_allclose(got[name][:2], expected[name][:2], rtol=1e-9, atol=1e-12, err_msg=name)


def best_of(trials: list, top_k: int) -> list[dict]:
    return [params for params, _ in sorted(trials, key=lambda trial: trial[1])[:top_k]]


@st.composite
def cases(draw, coincide: bool = False, sub_box: bool = True):
    """A full range per scale, a current box inside it, trials inside the box, top_k and a margin."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(2, 9))
    a, b = np.sort(rng.uniform(-6, 1, 2))
    c, d = np.sort(rng.uniform(-4, -0.3, 2))
    e, f = np.sort(rng.uniform(-3, 3, 2))
    full = {"learning_rate": (float(10 ** a), float(10 ** b), "log"),
            "beta": (float(1 - 10 ** d), float(1 - 10 ** c), "one_minus_log"),
            "keep_prob": (float(e), float(f), "linear")}
    params = {p.name: p for p in params_of(full)}
    current = {}
    for name, (low, high, scale) in full.items():
        r_low, r_high = params[name].full_box
        if sub_box:
            r_low, r_high = np.sort(rng.uniform(r_low, r_high, 2))
        ends = sorted(params[name].from_coordinate(r) for r in (r_low, r_high))
        current[name] = (ends[0], ends[1], scale)
    box = tuner_box(current, full)
    values = {name: [params[name].from_coordinate(r) for r in rng.uniform(*box[name], n)] for name in full}
    scores = rng.permutation(n) + rng.uniform(0, 0.5, n)
    top_k = draw(st.integers(1, n))
    if coincide:  # the top_k best trials are one point
        order = np.argsort(scores)
        for name in full:
            for i in order[:top_k]:
                values[name][i] = values[name][order[0]]
    trials = [({name: values[name][i] for name in full}, float(scores[i])) for i in range(n)]
    margin = draw(st.sampled_from([0.0, 0.05, 0.1, 0.15, 0.3]))
    return full, current, trials, top_k, margin


# ----------------------------------------------------------------------------- scales
@pytest.mark.parametrize("scale", SCALES)
def test_coordinates_agree_with_the_tuner(scale):
    low, high = {"linear": (-2.0, 3.0), "log": (1e-6, 10.0), "one_minus_log": (0.5, 0.9999)}[scale]
    param = Param("x", scale, low, high)
    values = np.linspace(low, high, 41)
    r = exercise.to_coordinate(values, scale)
    np.testing.assert_allclose(r, [param.to_coordinate(v) for v in values], rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(exercise.from_coordinate(r, scale), [param.from_coordinate(x) for x in r],
                               rtol=RTOL, atol=1e-15)
    expected = np.log10(values) if scale == "log" else np.log10(1 - values) if scale == "one_minus_log" else values
    np.testing.assert_allclose(r, expected, rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_samplers_draw_what_the_tuner_draws(seed):
    lr, beta = Param("learning_rate", "log", 1e-4, 1.0), Param("beta", "one_minus_log", 0.9, 0.999)
    rng = np.random.default_rng(seed)
    np.testing.assert_allclose(exercise.sample_log_uniform(1e-4, 1.0, 200, np.random.default_rng(seed)),
                               [lr.sample(lr.full_box, rng) for _ in range(200)], rtol=RTOL)
    rng = np.random.default_rng(seed)
    np.testing.assert_allclose(exercise.sample_momentum_beta(0.9, 0.999, 200, np.random.default_rng(seed)),
                               [beta.sample(beta.full_box, rng) for _ in range(200)], rtol=RTOL)
    assert beta.full_box == pytest.approx((-3.0, -1.0))  # r in [-3, -1]: 0.9..0.99 as much as 0.99..0.999


@pytest.mark.parametrize("seed", [0, 1])
def test_random_search_draws_what_the_tuner_draws(seed):
    space = {"learning_rate": (1e-4, 1.0, "log"), "beta": (0.9, 0.999, "one_minus_log"),
             "keep_prob": (0.5, 1.0, "linear")}
    trials = exercise.random_search(lambda p: 0.0, space, 30, np.random.default_rng(seed))
    rng = np.random.default_rng(seed)
    expected = [{p.name: p.sample(p.full_box, rng) for p in params_of(space)} for _ in range(30)]
    for (params, _), want in zip(trials, expected):
        np.testing.assert_allclose([params[name] for name in space], [want[name] for name in space], rtol=RTOL)


def test_the_grid_is_evenly_spaced_in_the_tuners_coordinates():
    space = {"learning_rate": (1e-4, 1.0, "log"), "beta": (0.9, 0.999, "one_minus_log")}
    trials = exercise.grid_search(lambda p: 0.0, space, 5)
    for p in params_of(space):
        r = sorted({p.to_coordinate(params[p.name]) for params, _ in trials})
        np.testing.assert_allclose(r, np.linspace(*p.full_box, 5), rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- zoom
@settings(max_examples=60)
@given(case=cases())
def test_zoom_matches_the_tuner_without_margin(case):
    full, current, trials, top_k, _ = case
    expected = zoom(params_of(full), tuner_box(current, full), best_of(trials, top_k), 0.0)
    assert_same_space(exercise.zoom(current, trials, top_k, 0.0), in_values(full, expected))


@settings(max_examples=60)
@given(case=cases(coincide=True, sub_box=False))
def test_zoom_matches_the_tuner_when_the_best_coincide_in_the_first_round(case):
    full, current, trials, top_k, margin = case
    expected = zoom(params_of(full), tuner_box(current, full), best_of(trials, top_k), margin)
    assert_same_space(exercise.zoom(current, trials, top_k, margin), in_values(full, expected))


@settings(max_examples=60)
@given(case=cases(coincide=True))
def test_zoom_matches_the_tuner_when_the_best_coincide_inside_the_box(case):
    full, current, trials, top_k, margin = case
    box = tuner_box(current, full)
    expected = zoom(params_of(full), box, best_of(trials, top_k), margin)
    assume(all(box[name][0] <= expected[name][0] and expected[name][1] <= box[name][1] for name in box))
    assert_same_space(exercise.zoom(current, trials, top_k, margin), in_values(full, expected))


@settings(max_examples=60)
@given(case=cases())
def test_zoom_differs_from_the_tuner_only_in_the_margin_base_and_the_clip(case):
    full, current, trials, top_k, margin = case
    box, best = tuner_box(current, full), best_of(trials, top_k)
    rebuilt = {}
    for p in params_of(full):
        r = [p.to_coordinate(params[p.name]) for params in best]
        span, width = max(r) - min(r), box[p.name][1] - box[p.name][0]
        assume(width > 0)
        tuner_margin = margin * span / width if span > 0 else margin  # difference 1: the margin's base
        low, high = zoom_param(p, box[p.name], [params[p.name] for params in best], tuner_margin)
        rebuilt[p.name] = (max(low, box[p.name][0]), min(high, box[p.name][1]))  # difference 2: the clip
    assert_same_space(exercise.zoom(current, trials, top_k, margin), in_values(full, rebuilt))


def test_zoom_and_the_tuner_differ_on_a_hand_made_case():
    # The best two learning rates 1e-3 and 1e-2 in the current box [1e-3, 1e-1] of the full range
    # [1e-4, 1], margin 0.1. Exercise: [-3, -2] widened by 0.1 x 1 decade, clipped to the current
    # box: [-3, -1.9]. Tuner: widened by 0.1 x the current box's 2 decades, clipped to the full
    # range: [-3.2, -1.8].
    full = {"learning_rate": (1e-4, 1.0, "log")}
    current = {"learning_rate": (1e-3, 1e-1, "log")}
    trials = [({"learning_rate": 1e-3}, 0.1), ({"learning_rate": 1e-2}, 0.2), ({"learning_rate": 0.05}, 0.9)]
    low, high, _ = exercise.zoom(current, trials, 2, 0.1)["learning_rate"]
    assert (math.log10(low), math.log10(high)) == pytest.approx((-3.0, -1.9))
    tuned = zoom(params_of(full), tuner_box(current, full), best_of(trials, 2), 0.1)["learning_rate"]
    assert tuned == pytest.approx((-3.2, -1.8))
