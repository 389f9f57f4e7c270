"""The graded tests of c1w4_deep_network.L_model_backward, and the mutants they must catch.

The caches handed to the student's L_model_backward are built here, in the syllabus's layout
``((A[l-1], W[l], b[l]), Z[l])``, from a TensorFlow forward pass: the backward pass is graded
independently of the student's L_model_forward.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c1w4_deep_network.oracles import (BACKWARD, COURSE_GRADS, PRINTED, check_arrays, check_keys,
                                             course_backward_case, gradient_keys, random_network,
                                             tape_network_gradients)

NAME = "L_model_backward"


def check_backward(impl, AL, Y, caches, layer_dims, expected, note="", **tolerance):
    L = len(caches)
    call = checks.call(NAME, AL=AL, Y=Y) + f" with the {L} caches of a network of layer_dims {list(layer_dims)}{note}"
    call += " (it runs your linear_activation_backward and linear_backward: fix those first if their tests fail)"
    grads = impl.L_model_backward(AL, Y, caches)
    keys = gradient_keys(L)
    check_keys(grads, keys, call, "grads", checks.known_mistakes(BACKWARD, AL, Y, caches),
               advice=f' grads["dA" + str(l)] is the gradient of A[l], layer l\'s output, for l = 0, ..., {L - 1} '
                      f"(dA0 belongs to the input X; dA{L} = dAL is not stored), dW and db for l = 1, ..., {L}.")
    check_arrays(grads, expected, layer_dims, call, "grads", **tolerance,
                 mistakes=lambda key: checks.known_mistakes(BACKWARD, AL, Y, caches, pick=lambda out: out[key]))


@graded(BACKWARD, points=3)
@settings(max_examples=15)
@given(depth=st.integers(2, 5), widths=st.lists(st.integers(1, 6), min_size=5, max_size=5), m=st.integers(1, 5),
       seed=st.integers(0, 2**16))
def test_L_model_backward_matches_gradient_tape_on_deep_networks(impl, depth, widths, m, seed):
    layer_dims = [*widths[:depth], 1]
    X, Y, parameters = random_network(layer_dims, m, seed)
    AL, caches, expected = tape_network_gradients(X, Y, parameters)
    check_backward(impl, AL, Y, caches, layer_dims, expected,
                   " (oracle: tf.GradientTape on keras.losses.BinaryCrossentropy; dA[l] = m·dJ/dA[l])", rtol=1e-5,
                   atol=1e-9)


@graded(BACKWARD, points=1)
def test_L_model_backward_reproduces_the_course(impl):
    AL, Y, caches = course_backward_case()
    expected = {key: np.array(value) for key, value in COURSE_GRADS.items()}
    check_backward(impl, AL, Y, caches, [4, 3, 1], expected, " (the course's L_model_backward_test_case, seed 3)",
                   **PRINTED)


@mutant(BACKWARD, "dAL with the wrong sign (Y/AL - (1 - Y)/(1 - AL))")
def backward_dal_sign(ref):
    return rewrite(ref, NAME, "dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))",
                   "dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)")


@mutant(BACKWARD, "dAL = -Y/AL (the (1 - Y)/(1 - AL) term forgotten)")
def backward_dal_one_term(ref):
    return rewrite(ref, NAME, "dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))", "dAL = -np.divide(Y, AL)")


@mutant(BACKWARD, "the keys dA1, ..., dAL (off by one: dA[l] stored under the layer that computed it)")
def backward_keys_off_by_one(ref):
    function = ref.L_model_backward

    def L_model_backward(AL, Y, caches):
        grads = function(AL, Y, caches)
        return {(f"dA{int(key[2:]) + 1}" if key.startswith("dA") else key): value for key, value in grads.items()}
    return L_model_backward


@mutant(BACKWARD, 'the output layer backward with "relu" instead of "sigmoid"')
def backward_relu_output(ref):
    return rewrite(ref, NAME, 'caches[L - 1], "sigmoid")', 'caches[L - 1], "relu")')


@mutant(BACKWARD, 'the hidden layers backward with "sigmoid" instead of "relu"')
def backward_sigmoid_hidden(ref):
    return rewrite(ref, NAME, 'caches[l], "relu")', 'caches[l], "sigmoid")')


@mutant(BACKWARD, "every hidden layer fed dAL's gradient dA[L-1] instead of the one from the layer above")
def backward_stale_upstream(ref):
    return rewrite(ref, NAME, 'grads["dA" + str(l + 1)], caches[l], "relu")', 'grads["dA" + str(L - 1)], caches[l], "relu")')
