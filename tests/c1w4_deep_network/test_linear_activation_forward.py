"""The graded tests of c1w4_deep_network.linear_activation_forward, and the mutants they must catch."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c1w4_deep_network.oracles import (ACTIVATION_FORWARD, COURSE_A, PRINTED, check_same, course_linear_case,
                                             random_layer, tf_layer, tf_linear)

NAME = "linear_activation_forward"


def check_layer_forward(impl, A_prev, W, b, activation, expected_A, note="", **tolerance):
    call = checks.call(NAME, A_prev=A_prev, W=W, b=b, activation=activation) + note
    call += " (it runs your linear_forward: if that fails its own tests, fix it first)"
    A, cache = checks.unpack(impl.linear_activation_forward(A_prev, W, b, activation), ("A", "cache"), call=call)
    args = (A_prev, W, b, activation)
    checks.check_close(A, expected_A, call=call, name="A",
                       mistakes=checks.known_mistakes(ACTIVATION_FORWARD, *args, pick=lambda out: out[0]), **tolerance)
    check_same(cache, ((A_prev, W, b), tf_linear(A_prev, W, b)), call, "the cache",
               "((A_prev, W, b), Z): the linear cache first, then the activation cache Z = W·A_prev + b",
               checks.known_mistakes(ACTIVATION_FORWARD, *args, pick=lambda out: out[1]))


@graded(ACTIVATION_FORWARD, points=2)
@settings(max_examples=15)
@given(n_prev=st.integers(1, 6), n=st.integers(1, 6), m=st.integers(1, 7), seed=st.integers(0, 2**16),
       activation=st.sampled_from(["relu", "sigmoid"]))
def test_linear_activation_forward_matches_tf_nn(impl, n_prev, n, m, seed, activation):
    A_prev, W, b, _ = random_layer(n_prev, n, m, seed)
    check_layer_forward(impl, A_prev, W, b, activation, tf_layer(A_prev, W, b, activation),
                        f" (oracle: {'tf.nn.relu' if activation == 'relu' else 'tf.sigmoid'}(tf.matmul(W, A_prev) + b))")


@graded(ACTIVATION_FORWARD, points=1)
def test_linear_activation_forward_reproduces_the_course(impl):
    A_prev, W, b = course_linear_case(2)
    for activation in ("sigmoid", "relu"):
        check_layer_forward(impl, A_prev, W, b, activation, COURSE_A[activation],
                            " (the course's linear_activation_forward_test_case, seed 2)", **PRINTED)


@mutant(ACTIVATION_FORWARD, 'the activations swapped (relu for "sigmoid", sigmoid for "relu")')
def activation_swapped(ref):
    function = ref.linear_activation_forward
    return lambda A_prev, W, b, activation: function(A_prev, W, b, "relu" if activation == "sigmoid" else "sigmoid")


@mutant(ACTIVATION_FORWARD, "the cache layout swapped, (Z, (A_prev, W, b))")
def activation_cache_swapped(ref):
    return rewrite(ref, NAME, "cache = (linear_cache, Z)", "cache = (Z, linear_cache)")


@mutant(ACTIVATION_FORWARD, "the activation cache holding A instead of Z, ((A_prev, W, b), A)")
def activation_cache_holds_a(ref):
    return rewrite(ref, NAME, "cache = (linear_cache, Z)", "cache = (linear_cache, A)")
