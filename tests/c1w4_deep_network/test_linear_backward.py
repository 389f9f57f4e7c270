"""The graded tests of c1w4_deep_network.linear_backward, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c1w4_deep_network.oracles import (COURSE_LINEAR_BACKWARD, LINEAR_BACKWARD, PRINTED, check_triple,
                                             course_linear_backward_case, random_layer, tape_layer_gradients)

NAME = "linear_backward"


def check_linear_backward(impl, dZ, cache, expected, note="", **tolerance):
    call = checks.call(NAME, dZ=dZ, cache=cache) + note
    check_triple(impl.linear_backward(dZ, cache), expected, call, LINEAR_BACKWARD, (dZ, cache), **tolerance)


@graded(LINEAR_BACKWARD, points=1)
def test_linear_backward_matches_gradient_tape_on_square_shapes(impl):
    # n[l-1] = n[l] = m: a missing transpose still runs here, and its value names the mistake.
    A_prev, W, b, dZ = random_layer(4, 4, 4, seed=11)
    expected = dict(zip(("dA_prev", "dW", "db"), tape_layer_gradients(dZ, A_prev, W, b, None)))
    check_linear_backward(impl, dZ, (A_prev, W, b), expected, " (oracle: tf.GradientTape)")


@graded(LINEAR_BACKWARD, points=2)
@settings(max_examples=20)
@given(n_prev=st.integers(1, 6), n=st.integers(1, 6), m=st.integers(1, 7), seed=st.integers(0, 2**16))
def test_linear_backward_matches_gradient_tape(impl, n_prev, n, m, seed):
    A_prev, W, b, dZ = random_layer(n_prev, n, m, seed)
    expected = dict(zip(("dA_prev", "dW", "db"), tape_layer_gradients(dZ, A_prev, W, b, None)))
    check_linear_backward(impl, dZ, (A_prev, W, b), expected,
                          " (oracle: tf.GradientTape on J = (1/m)·sum(dZ ⊙ (W·A_prev + b)); dA_prev = m·dJ/dA_prev)")


@graded(LINEAR_BACKWARD, points=1)
def test_linear_backward_reproduces_the_course(impl):
    dZ, cache = course_linear_backward_case()
    expected = {key: np.array(value) for key, value in COURSE_LINEAR_BACKWARD.items()}
    check_linear_backward(impl, dZ, cache, expected, " (the course's linear_backward_test_case, seed 1)", **PRINTED)


@mutant(LINEAR_BACKWARD, "dW = dZ·A_prev without the transpose (instead of dZ·A_prevᵀ)")
def linear_backward_dw_no_transpose(ref):
    return rewrite(ref, NAME, "np.dot(dZ, A_prev.T)", "np.dot(dZ, A_prev)")


@mutant(LINEAR_BACKWARD, "dA_prev = W·dZ without the transpose (instead of Wᵀ·dZ)")
def linear_backward_da_no_transpose(ref):
    return rewrite(ref, NAME, "np.dot(W.T, dZ)", "np.dot(W, dZ)")


@mutant(LINEAR_BACKWARD, "db without keepdims=True (shape (n[l],) instead of (n[l], 1))")
def linear_backward_db_flat(ref):
    return rewrite(ref, NAME, "np.sum(dZ, axis=1, keepdims=True)", "np.sum(dZ, axis=1)")


@mutant(LINEAR_BACKWARD, "dW without the 1/m (dZ·A_prevᵀ summed, not averaged, over the examples)")
def linear_backward_dw_no_mean(ref):
    return rewrite(ref, NAME, "dW = np.dot(dZ, A_prev.T) / m", "dW = np.dot(dZ, A_prev.T)")


@mutant(LINEAR_BACKWARD, "db without the 1/m (the sum of dZ, not its mean over the examples)")
def linear_backward_db_no_mean(ref):
    return rewrite(ref, NAME, "db = np.sum(dZ, axis=1, keepdims=True) / m", "db = np.sum(dZ, axis=1, keepdims=True)")


@mutant(LINEAR_BACKWARD, "db summed over the units (axis=0) instead of over the examples")
def linear_backward_db_wrong_axis(ref):
    return rewrite(ref, NAME, "np.sum(dZ, axis=1, keepdims=True)", "np.sum(dZ, axis=0, keepdims=True)")


@mutant(LINEAR_BACKWARD, "dA_prev divided by m like dW (Wᵀ·dZ / m)")
def linear_backward_da_over_m(ref):
    return rewrite(ref, NAME, "np.dot(W.T, dZ)", "np.dot(W.T, dZ) / m")
