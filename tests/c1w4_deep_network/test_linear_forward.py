"""The graded tests of c1w4_deep_network.linear_forward, and the mutants they must catch."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant
from tests.c1w4_deep_network.oracles import (COURSE_Z, LINEAR_FORWARD, PRINTED, check_same, course_linear_case,
                                             random_layer, tf_linear)


def check_linear_forward(impl, A, W, b, expected_Z, note="", **tolerance):
    call = checks.call("linear_forward", A=A, W=W, b=b) + note
    Z, cache = checks.unpack(impl.linear_forward(A, W, b), ("Z", "cache"), call=call)
    checks.check_close(Z, expected_Z, call=call, name="Z",
                       mistakes=checks.known_mistakes(LINEAR_FORWARD, A, W, b, pick=lambda out: out[0]), **tolerance)
    check_same(cache, (A, W, b), call, "the cache", "the tuple (A, W, b) of the three inputs, in that order",
               checks.known_mistakes(LINEAR_FORWARD, A, W, b, pick=lambda out: out[1]))


@graded(LINEAR_FORWARD, points=2)
@settings(max_examples=15)
@given(n_prev=st.integers(1, 6), n=st.integers(1, 6), m=st.integers(1, 7), seed=st.integers(0, 2**16))
def test_linear_forward_matches_tf_matmul(impl, n_prev, n, m, seed):
    A, W, b, _ = random_layer(n_prev, n, m, seed)
    check_linear_forward(impl, A, W, b, tf_linear(A, W, b), " (oracle: tf.matmul(W, A) + b)")


@graded(LINEAR_FORWARD, points=1)
def test_linear_forward_reproduces_the_course(impl):
    A, W, b = course_linear_case(1)
    check_linear_forward(impl, A, W, b, COURSE_Z, " (the course's linear_forward_test_case, seed 1)", **PRINTED)


@mutant(LINEAR_FORWARD, "Z = W·A without the bias b")
def linear_forward_no_bias(ref):
    function = ref.linear_forward
    return lambda A, W, b: function(A, W, 0 * b)


@mutant(LINEAR_FORWARD, "the cache (W, A, b) in the wrong order")
def linear_forward_cache_order(ref):
    function = ref.linear_forward

    def linear_forward(A, W, b):
        Z, (A_, W_, b_) = function(A, W, b)
        return Z, (W_, A_, b_)
    return linear_forward


@mutant(LINEAR_FORWARD, "the cache (A, W, b, Z) with Z appended")
def linear_forward_cache_with_z(ref):
    function = ref.linear_forward

    def linear_forward(A, W, b):
        Z, cache = function(A, W, b)
        return Z, (*cache, Z)
    return linear_forward
