"""The graded tests of c1w4_deep_network.linear_activation_backward, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c1w4_deep_network.oracles import (ACTIVATION_BACKWARD, COURSE_ACTIVATION_BACKWARD, PRINTED, check_triple,
                                             course_activation_backward_case, random_layer, tape_layer_gradients,
                                             tf_linear)

NAME = "linear_activation_backward"


def check_layer_backward(impl, dA, cache, activation, expected, note="", **tolerance):
    call = checks.call(NAME, dA=dA, activation=activation) + f" with cache ((A_prev, W, b), Z) of shapes " \
        f"(({', '.join(str(np.shape(a)) for a in cache[0])}), {np.shape(cache[1])}){note}"
    call += " (it runs your linear_backward: if that fails its own tests, fix it first)"
    check_triple(impl.linear_activation_backward(dA, cache, activation), expected, call, ACTIVATION_BACKWARD,
                 (dA, cache, activation), **tolerance)


@graded(ACTIVATION_BACKWARD, points=3)
@settings(max_examples=20)
@given(n_prev=st.integers(1, 6), n=st.integers(1, 6), m=st.integers(1, 7), seed=st.integers(0, 2**16),
       activation=st.sampled_from(["relu", "sigmoid"]))
def test_linear_activation_backward_matches_gradient_tape(impl, n_prev, n, m, seed, activation):
    A_prev, W, b, dA = random_layer(n_prev, n, m, seed)
    cache = ((A_prev, W, b), tf_linear(A_prev, W, b))
    expected = dict(zip(("dA_prev", "dW", "db"), tape_layer_gradients(dA, A_prev, W, b, activation)))
    check_layer_backward(impl, dA, cache, activation, expected,
                         " (oracle: tf.GradientTape on J = (1/m)·sum(dA ⊙ g(W·A_prev + b)); dA_prev = m·dJ/dA_prev)")


@graded(ACTIVATION_BACKWARD, points=1)
def test_linear_activation_backward_reproduces_the_course(impl):
    dA, cache = course_activation_backward_case()
    for activation in ("sigmoid", "relu"):
        expected = {key: np.array(value) for key, value in COURSE_ACTIVATION_BACKWARD[activation].items()}
        check_layer_backward(impl, dA, cache, activation, expected,
                             " (the course's linear_activation_backward_test_case, seed 2)", **PRINTED)


@mutant(ACTIVATION_BACKWARD, "the ReLU backward passing dA unchanged (dZ = dA, no mask Z > 0)")
def activation_backward_relu_identity(ref):
    return rewrite(ref, NAME, "dZ = relu_backward(dA, Z)", "dZ = dA")


@mutant(ACTIVATION_BACKWARD, "the sigmoid backward with s instead of s·(1 - s) (dZ = dA·sigmoid(Z))")
def activation_backward_sigmoid_without_derivative(ref):
    return rewrite(ref, NAME, "dZ = sigmoid_backward(dA, Z)", "dZ = dA * sigmoid(Z)")


@mutant(ACTIVATION_BACKWARD, 'the activations swapped (the sigmoid derivative for "relu" and the other way round)')
def activation_backward_swapped(ref):
    function = ref.linear_activation_backward
    return lambda dA, cache, activation: function(dA, cache, "relu" if activation == "sigmoid" else "sigmoid")
