"""tuner.space: scales, sampling, parsing and validation, and the coarse-to-fine zoom (no TensorFlow)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuner.space import (SCALES, Param, SpaceError, box_from_json, box_to_json, full_box, parse_param, zoom,
                         zoom_param)

LR = Param("learning_rate", "log", 1e-4, 1.0)
BETA = Param("beta", "one_minus_log", 0.9, 0.999)
UNITS = Param("hidden_units", "int_log", 16, 256)
LAYERS = Param("layers", "int", 1, 4)
KEEP = Param("keep_prob", "linear", 0.5, 1.0)
BN = Param("batch_norm", "choice", choices=(False, True))
SPACE = (LR, BETA, UNITS, LAYERS, KEEP, BN)


def _draw(param: Param, n: int, seed: int = 0, box=None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    box = param.full_box if box is None else box
    return np.array([param.sample(box, rng) for _ in range(n)])


# ----------------------------------------------------------------------------- sampling scales
def test_sample_one_minus_log_spends_as_much_on_0_9_to_0_99_as_on_0_99_to_0_999():
    beta = _draw(BETA, 20_000)
    low, high = np.mean(beta < 0.99), np.mean(beta >= 0.99)
    # binomial(20000, 1/2): sd of a fraction is 0.0035; 5 sd of slack
    assert abs(low - 0.5) < 0.018 and abs(high - 0.5) < 0.018, (low, high)
    assert beta.min() >= 0.9 and beta.max() <= 0.999


def test_sample_log_spends_a_quarter_on_each_decade():
    lr = _draw(LR, 20_000, seed=1)
    counts = np.histogram(np.log10(lr), bins=[-4, -3, -2, -1, 0])[0] / len(lr)
    np.testing.assert_allclose(counts, 0.25, atol=0.02)


def test_sample_int_log_gives_each_integer_the_weight_of_its_cell():
    units = _draw(UNITS, 40_000, seed=2)
    assert units.dtype.kind == "i" and units.min() >= 16 and units.max() <= 256
    width = math.log10(256.5) - math.log10(15.5)
    for k in (16, 64, 256):
        expected = (math.log10(k + 0.5) - math.log10(k - 0.5)) / width
        assert abs(np.mean(units == k) - expected) < 5 * math.sqrt(expected / len(units)), k


def test_sample_int_draws_every_integer_equally_including_the_ends():
    layers = _draw(LAYERS, 20_000, seed=3)
    np.testing.assert_allclose(np.bincount(layers)[1:] / len(layers), 0.25, atol=0.02)


def test_sample_choice_stays_inside_the_allowed_choices():
    assert set(_draw(BN, 200, box=(True,))) == {True}


@pytest.mark.parametrize("param", [LR, BETA, UNITS, LAYERS, KEEP])
def test_to_coordinate_and_from_coordinate_are_inverse(param):
    for value in (param.low, param.high, *_draw(param, 20, seed=4)):
        assert param.from_coordinate(param.to_coordinate(value)) == pytest.approx(value, rel=1e-9)


@given(st.sampled_from([LR, BETA, UNITS, LAYERS, KEEP]), st.floats(0, 1), st.floats(0, 1),
       st.integers(0, 2**32 - 1))
def test_sample_stays_in_its_box_and_its_range(param, a, b, seed):
    full_low, full_high = param.full_box
    low, high = sorted((full_low + a * (full_high - full_low), full_low + b * (full_high - full_low)))
    value = param.sample((low, high), np.random.default_rng(seed))
    assert param.low <= value <= param.high
    cell = param.cell(value)
    assert cell[0] <= high + 1e-9 and cell[1] >= low - 1e-9  # drawn from inside the box


# ----------------------------------------------------------------------------- parsing and validation
@pytest.mark.parametrize("spec, expected", [
    ("learning_rate=1e-4:1:log", Param("learning_rate", "log", 1e-4, 1)),
    ("beta=0.9:0.999:one_minus_log", Param("beta", "one_minus_log", 0.9, 0.999)),
    ("keep_prob=0.5:1", Param("keep_prob", "linear", 0.5, 1)),
    ("hidden_units=16:256:int_log", Param("hidden_units", "int_log", 16, 256)),
    ("layers=1:4:int", Param("layers", "int", 1, 4)),
    ("batch_norm=true,false:choice", Param("batch_norm", "choice", choices=(True, False))),
    ("batch_size=32,64:choice", Param("batch_size", "choice", choices=(32, 64))),
    ("dropout=0.1,1:choice", Param("dropout", "choice", choices=(0.1, 1.0))),
    ("optimizer=adam,momentum:choice", Param("optimizer", "choice", choices=("adam", "momentum"))),
])
def test_parse_param_reads_every_scale(spec, expected):
    assert parse_param(spec) == expected
    assert parse_param(expected.spec()) == expected


@pytest.mark.parametrize("spec, message", [
    ("learning_rate=1:1e-4:log", "low must be < high. Received: low=1, high=0.0001"),
    ("learning_rate=0:1:log", "scale 'log' needs bounds > 0 (r = log10(v)). Received: low=0, high=1"),
    ("units=-2:8:int_log", "Received: low=-2, high=8"),
    ("beta=0.9:1:one_minus_log", "needs 0 < low < high < 1 (β = 1 - 10**r). Received: low=0.9, high=1"),
    ("beta=0:0.99:one_minus_log", "Received: low=0, high=0.99"),
    ("lr=1e-4:1:logg", "unknown scale; expected one of linear, log, one_minus_log, int, int_log, choice. "
                       "Received: scale='logg'"),
    ("layers=1:2.5:int", "scale 'int' needs integer bounds. Received: low=1, high=2.5"),
    ("lr=abc:1:log", "low must be a number. Received: low='abc'"),
    ("lr", "expected NAME=LOW:HIGH:SCALE or NAME=V1,V2:choice. Received: 'lr'"),
    ("lr=1:2:3:log", "expected LOW:HIGH:SCALE or V1,V2:choice after '='. Received: '1:2:3:log'"),
    ("x=1,a:choice", "choices must be all numbers, all booleans or all strings. Received: choices=[1, 'a']"),
    ("x=1,1:choice", "choices must be distinct. Received: choices=[1, 1]"),
    ("=1:2", "a parameter name must be non-empty"),
    ("tuner/epochs=1:2", "must not start with 'tuner/'"),
])
def test_parse_param_rejects_a_bad_spec_in_one_line_naming_the_value(spec, message):
    with pytest.raises(SpaceError) as error:
        parse_param(spec)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_param_rejects_bounds_on_a_choice_and_an_empty_choice():
    with pytest.raises(SpaceError, match="a choice needs at least one value"):
        Param("x", "choice")
    with pytest.raises(SpaceError, match="takes low:high, not values"):
        Param("x", "log", 1, 2, choices=(1,))


@pytest.mark.parametrize("param", SPACE)
def test_param_to_dict_round_trips(param):
    assert Param.from_dict(param.to_dict()) == param


def test_scales_lists_every_scale_once():
    assert sorted(SCALES) == sorted({"linear", "log", "one_minus_log", "int", "int_log", "choice"})


# ----------------------------------------------------------------------------- zoom
def test_zoom_param_log_holds_the_best_with_a_margin_of_the_current_width():
    # r = log10(lr): best at -3 and -2, current width 4, margin 0.1 -> [-3.4, -1.6]
    low, high = zoom_param(LR, LR.full_box, [1e-3, 1e-2], margin=0.1)
    assert (low, high) == pytest.approx((-3.4, -1.6))


def test_zoom_param_one_minus_log_works_on_log10_of_1_minus_beta():
    # r = log10(1 - β): 0.99 -> -2, 0.999 -> -3; current [-3, -1], width 2, margin 0.25 -> [-3.5, -1.5]
    # clipped to the full range [-3, -1]
    low, high = zoom_param(BETA, BETA.full_box, [0.99, 0.999], margin=0.25)
    assert (low, high) == pytest.approx((-3.0, -1.5))
    assert BETA.box_values((low, high)) == pytest.approx((1 - 10**-1.5, 0.999))


def test_zoom_param_is_clipped_to_the_original_bounds():
    assert zoom_param(KEEP, (0.9, 1.0), [1.0], margin=0.5) == pytest.approx((0.95, 1.0))
    assert zoom_param(KEEP, KEEP.full_box, [0.5, 1.0], margin=0.3) == KEEP.full_box


def test_zoom_param_keeps_whole_integer_cells():
    low, high = zoom_param(UNITS, UNITS.full_box, [64], margin=0.0)
    assert (low, high) == pytest.approx((math.log10(63.5), math.log10(64.5)))
    assert set(_draw(UNITS, 50, box=(low, high))) == {64}


def test_zoom_param_choice_keeps_the_choices_of_the_best_in_their_order():
    sizes = Param("batch_size", "choice", choices=(32, 64, 128))
    assert zoom_param(sizes, sizes.full_box, [128, 32, 128], margin=0.5) == (32, 128)


def test_zoom_param_without_best_values_keeps_the_box():
    assert zoom_param(LR, (-3.0, -2.0), [], margin=0.1) == (-3.0, -2.0)


def test_zoom_takes_the_top_values_of_every_parameter():
    best = [{"learning_rate": 1e-3, "batch_norm": True}, {"learning_rate": 1e-2, "batch_norm": True}]
    box = zoom([LR, BN], full_box([LR, BN]), best, margin=0.0)
    assert box == {"learning_rate": pytest.approx((-3.0, -2.0)), "batch_norm": (True,)}


@given(st.sampled_from([LR, BETA, UNITS, LAYERS, KEEP]), st.lists(st.floats(0, 1), min_size=1, max_size=5),
       st.floats(0, 2))
def test_zoom_param_holds_every_best_cell_inside_the_full_range(param, fractions, margin):
    best = [param.from_coordinate(param.full_box[0] + f * (param.full_box[1] - param.full_box[0]))
            for f in fractions]
    low, high = zoom_param(param, param.full_box, best, margin)
    full_low, full_high = param.full_box
    assert full_low <= low <= high <= full_high
    for value in best:
        cell = param.cell(value)
        assert low <= max(cell[0], full_low) + 1e-12 and min(cell[1], full_high) - 1e-12 <= high


def test_box_json_round_trips():
    box = {"learning_rate": (-3.0, -2.0), "batch_norm": (True,)}
    assert box_from_json({p.name: p for p in SPACE}, box_to_json(box)) == box
