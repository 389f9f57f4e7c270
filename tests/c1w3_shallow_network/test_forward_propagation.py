"""The graded tests of c1w3_shallow_network.forward_propagation, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c1w3_shallow_network.oracles import (CACHE_NAMES, COURSE_FORWARD, COURSE_FORWARD_MEANS, FORWARD,
                                                check_arrays, course_arrays, course_forward_case, random_problem,
                                                tf_forward)


def check_forward(impl, X, parameters, expected: dict[str, np.ndarray], note: str = "", **tolerance: float):
    call = checks.call("forward_propagation", X=X, parameters=parameters) + note
    A2, cache = checks.unpack(impl.forward_propagation(X, parameters), ("A2", "cache"), call=call)
    checks.check_close(A2, expected["A2"], call=call, name="A2", **tolerance,
                       mistakes=checks.known_mistakes(FORWARD, X, parameters, pick=lambda out: out[0]))
    check_arrays(cache, expected, call=call, what="cache", **tolerance,
                 mistakes=lambda key: checks.known_mistakes(FORWARD, X, parameters, pick=lambda out: out[1][key]))
    return cache


@graded(FORWARD, points=2)
def test_forward_propagation_matches_tensorflow(impl):
    # the oracle: tf.tanh and tf.sigmoid on the same parameters (float64)
    X, _, parameters = random_problem(n_x=3, n_h=5, m=8, seed=4, scale=2.0)
    check_forward(impl, X, parameters, tf_forward(X, parameters))


@graded(FORWARD, points=1)
@settings(max_examples=12)
@given(n_x=st.integers(1, 5), n_h=st.integers(1, 6), m=st.integers(1, 9), seed=st.integers(0, 2**16))
def test_forward_propagation_for_any_shapes(impl, n_x, n_h, m, seed):
    X, _, parameters = random_problem(n_x, n_h, m, seed, scale=2.0)
    check_forward(impl, X, parameters, tf_forward(X, parameters), " (shapes (n_h, m) and (1, m) in the cache)")


@graded(FORWARD, points=1)
def test_forward_propagation_reproduces_the_course(impl):
    X, parameters = course_forward_case()
    # the course prints 8 decimals; 0.21295976 is the rounding of 0.2129597547...: allow 1e-8
    cache = check_forward(impl, X, parameters, course_arrays(COURSE_FORWARD),
                          " (the course's forward_propagation_test_case)", rtol=0.0, atol=1e-8)
    means = tuple(float(np.mean(checks.to_array(cache[key], call="forward_propagation"))) for key in CACHE_NAMES)
    checks.check_close(means, COURSE_FORWARD_MEANS, call="forward_propagation on the course's test case",
                       name="(mean(Z1), mean(A1), mean(Z2), mean(A2))", rtol=0.0, atol=1e-11)


@mutant(FORWARD, "a sigmoid on the hidden layer instead of tanh")
def forward_sigmoid_hidden(ref):
    return rewrite(ref, "forward_propagation", "A1 = np.tanh(Z1)", "A1 = sigmoid(Z1)")


@mutant(FORWARD, "ReLU on the hidden layer instead of tanh")
def forward_relu_hidden(ref):
    return rewrite(ref, "forward_propagation", "A1 = np.tanh(Z1)", "A1 = np.maximum(0, Z1)")


@mutant(FORWARD, "Z1 = W1·X without the bias b1")
def forward_no_b1(ref):
    return rewrite(ref, "forward_propagation", "Z1 = np.dot(W1, X) + b1", "Z1 = np.dot(W1, X)")


@mutant(FORWARD, "Z2 = W2·Z1 + b2 (the hidden layer's Z1 instead of its activation A1)")
def forward_z1_into_layer_2(ref):
    return rewrite(ref, "forward_propagation", "Z2 = np.dot(W2, A1) + b2", "Z2 = np.dot(W2, Z1) + b2")
