"""The graded tests of c1w3_shallow_network.backward_propagation, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c1w3_shallow_network.oracles import (BACKWARD, COURSE_BACKWARD, PRINTED, check_arrays, course_arrays,
                                                course_backward_case, random_problem, tape_gradients)


def check_backward(impl, parameters, cache, X, Y, expected: dict[str, np.ndarray], note: str, **tolerance: float):
    call = checks.call("backward_propagation", parameters=parameters, cache=cache, X=X, Y=Y) + note
    grads = impl.backward_propagation(parameters, cache, X, Y)
    check_arrays(grads, expected, call=call, what="grads", **tolerance, mistakes=lambda key: checks.known_mistakes(
        BACKWARD, parameters, cache, X, Y, pick=lambda out: out[key]))


def check_against_tape(impl, n_x: int, n_h: int, m: int, seed: int, note: str = "") -> None:
    # the oracle: tf.GradientTape on the mean binary cross-entropy of the tanh/sigmoid network
    # built in TensorFlow from the same parameters; the cache is TensorFlow's forward pass
    X, Y, parameters = random_problem(n_x, n_h, m, seed, scale=2.0)
    cache, expected = tape_gradients(X, Y, parameters)
    check_backward(impl, parameters, cache, X, Y, expected,
                   " (the cache of the forward pass on these parameters)" + note)


@graded(BACKWARD, points=3)
def test_backward_propagation_matches_gradient_tape(impl):
    check_against_tape(impl, n_x=3, n_h=5, m=8, seed=5)


@graded(BACKWARD, points=1)
@settings(max_examples=12)
@given(n_x=st.integers(1, 5), n_h=st.integers(1, 6), m=st.integers(1, 9), seed=st.integers(0, 2**16))
def test_backward_propagation_for_any_shapes(impl, n_x, n_h, m, seed):
    check_against_tape(impl, n_x, n_h, m, seed, "; every gradient has its parameter's shape")


@graded(BACKWARD, points=1)
def test_backward_propagation_reproduces_the_course(impl):
    parameters, cache, X, Y = course_backward_case()
    check_backward(impl, parameters, cache, X, Y, course_arrays(COURSE_BACKWARD),
                   " (the course's public test: a cache of random draws, Z1 of another shape)", **PRINTED)


@mutant(BACKWARD, "the tanh derivative written as 1 - A1 instead of 1 - A1²")
def backward_tanh_linear(ref):
    return rewrite(ref, "backward_propagation", "(1 - np.power(A1, 2))", "(1 - A1)")


@mutant(BACKWARD, "the tanh derivative from Z1 (1 - Z1²) instead of from A1 (1 - A1²)")
def backward_tanh_of_z(ref):
    return rewrite(ref, "backward_propagation", "(1 - np.power(A1, 2))", "(1 - np.power(cache['Z1'], 2))")


@mutant(BACKWARD, "db1 and db2 summed without keepdims=True (shape (n,) instead of (n, 1))")
def backward_no_keepdims(ref):
    function = ref.backward_propagation

    def backward_propagation(parameters, cache, X, Y):
        grads = function(parameters, cache, X, Y)
        return {**grads, "db1": grads["db1"].ravel(), "db2": grads["db2"].ravel()}
    return backward_propagation


@mutant(BACKWARD, "db1 summed without keepdims=True (shape (n_h,) instead of (n_h, 1))")
def backward_db1_no_keepdims(ref):
    return rewrite(ref, "backward_propagation", "db1 = np.sum(dZ1, axis=1, keepdims=True) / m",
                   "db1 = np.sum(dZ1, axis=1) / m")


@mutant(BACKWARD, "db2 without the 1/m (a sum over the examples, not a mean)")
def backward_db2_no_mean(ref):
    return rewrite(ref, "backward_propagation", "db2 = np.sum(dZ2, axis=1, keepdims=True) / m",
                   "db2 = np.sum(dZ2, axis=1, keepdims=True)")


@mutant(BACKWARD, "db1 without the 1/m (a sum over the examples, not a mean)")
def backward_db1_no_mean(ref):
    return rewrite(ref, "backward_propagation", "db1 = np.sum(dZ1, axis=1, keepdims=True) / m",
                   "db1 = np.sum(dZ1, axis=1, keepdims=True)")


@mutant(BACKWARD, "dW2 = A1·dZ2ᵀ / m, the transpose of dZ2·A1ᵀ / m (shape (n_h, 1) instead of W2's)")
def backward_dw2_transposed(ref):
    return rewrite(ref, "backward_propagation", "dW2 = np.dot(dZ2, A1.T) / m", "dW2 = np.dot(A1, dZ2.T) / m")


@mutant(BACKWARD, "dW2 = dZ2·A1 / m without the transpose of A1")
def backward_dw2_no_transpose(ref):
    return rewrite(ref, "backward_propagation", "dW2 = np.dot(dZ2, A1.T) / m", "dW2 = np.dot(dZ2, A1) / m")


@mutant(BACKWARD, "dZ2 = Y - A2 (the sign of the error flipped: the gradient of -J)")
def backward_sign_flipped(ref):
    return rewrite(ref, "backward_propagation", "dZ2 = A2 - Y", "dZ2 = Y - A2")
