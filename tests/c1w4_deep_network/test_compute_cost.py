"""The graded tests of c1w4_deep_network.compute_cost, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c1w4_deep_network.oracles import COST, COURSE_COST, COURSE_COST_AL, COURSE_COST_Y, keras_cost


def check_cost(impl, AL, Y, expected, note="", **tolerance):
    call = checks.call("compute_cost", AL=AL, Y=Y) + note
    cost = impl.compute_cost(AL, Y)
    mistakes = checks.known_mistakes(COST, AL, Y)
    if not isinstance(cost, float):
        shape = np.shape(cost) if hasattr(cost, "shape") else None
        named = mistakes.named(lambda value: not isinstance(value, float) and np.shape(value) == shape)
        checks.fail(f"{call}: the cost should be a Python float, got {type(cost).__name__}"
                    f"{f' of shape {shape}' if shape is not None else ''} (use float(...) on a NumPy scalar or a "
                    f"(1, 1) array){named}")
    checks.check_scalar(cost, expected, call=call, name="the cost", mistakes=mistakes, **tolerance)


@graded(COST, points=2)
@settings(max_examples=15)
@given(m=st.integers(1, 12), seed=st.integers(0, 2**16))
def test_compute_cost_matches_keras_binary_crossentropy(impl, m, seed):
    rng = np.random.default_rng(seed)
    AL = rng.uniform(0.02, 0.98, size=(1, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    Y[0, 0] = 1.0
    check_cost(impl, AL, Y, keras_cost(AL, Y), " (oracle: keras.losses.BinaryCrossentropy)", rtol=1e-6)


@graded(COST, points=1)
def test_compute_cost_reproduces_the_course(impl):
    AL, Y = np.array(COURSE_COST_AL), np.array(COURSE_COST_Y)
    check_cost(impl, AL, Y, COURSE_COST, " (the course's compute_cost_test_case)", rtol=1e-12, atol=0)


@mutant(COST, "the sum of the losses, without the 1/m")
def cost_without_mean(ref):
    return rewrite(ref, "compute_cost", ") / m", ")")


@mutant(COST, "the cost as a (1, 1) array (np.sum(..., axis=1, keepdims=True) and no float(...))")
def cost_as_array(ref):
    return rewrite(ref, "compute_cost", "np.log(1 - AL)) / m\n    return float(np.squeeze(cost))",
                   "np.log(1 - AL), axis=1, keepdims=True) / m\n    return cost")


@mutant(COST, "only the y·log(a) term (the (1 - y)·log(1 - a) term forgotten)")
def cost_one_term(ref):
    return rewrite(ref, "compute_cost", " + (1 - Y) * np.log(1 - AL)", "")


@mutant(COST, "the cost with the wrong sign (no minus)")
def cost_wrong_sign(ref):
    return rewrite(ref, "compute_cost", "cost = -np.sum(", "cost = np.sum(")
