"""The graded tests of mls_neural_networks.dense, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.mls_neural_networks.oracles import (ACTIVATIONS, COURSE_B, COURSE_DENSE, COURSE_W, COURSE_X, DENSE,
                                               LINEAR, RELU, SIGMOID, keras_dense, random_inputs, random_layer)


def check_dense(impl, x, W, b, g, expected, **tolerance) -> None:
    call = checks.call("dense", a_in=x, W=W, b=b, g=g)
    checks.check_close(impl.dense(x, W, b, g), expected, call=call, name="a_out",
                       mistakes=checks.known_mistakes(DENSE, x, W, b, g), **tolerance)


@graded(DENSE, points=1)
def test_dense_square_weights_use_the_columns_of_W(impl):
    # n_in == n_units: W and W.T both fit, only the columns W[:, j] give Keras' answer.
    W, b = random_layer(3, 3, seed=3)
    x = random_inputs((3,), seed=3)
    check_dense(impl, x, W, b, SIGMOID, keras_dense(x, W, b, SIGMOID))


@graded(DENSE, points=2)
def test_dense_matches_keras_dense(impl):
    # Keras' Dense(n_units) with kernel W and bias b, on the example as a batch of one.
    for n_in, n_units, g, seed in [(2, 3, SIGMOID, 0), (4, 2, RELU, 1), (3, 5, LINEAR, 2)]:
        W, b = random_layer(n_in, n_units, seed)
        x = random_inputs((n_in,), seed)
        check_dense(impl, x, W, b, g, keras_dense(x, W, b, g))


@graded(DENSE, points=1)
@settings(max_examples=15)
@given(n_in=st.integers(1, 6), n_units=st.integers(1, 6), activation=st.sampled_from(sorted(ACTIVATIONS)),
       seed=st.integers(0, 2**16))
def test_dense_gives_one_activation_per_unit(impl, n_in, n_units, activation, seed):
    g = ACTIVATIONS[activation]
    W, b = random_layer(n_in, n_units, seed)
    x = random_inputs((n_in,), seed)
    check_dense(impl, x, W, b, g, keras_dense(x, W, b, g))


@graded(DENSE, points=1)
def test_dense_reproduces_the_course(impl):
    # C2_W1_Assignment's quick check of my_dense prints [0.54735762 0.57932425 0.61063923].
    check_dense(impl, COURSE_X.copy(), COURSE_W.copy(), COURSE_B.copy(), SIGMOID, COURSE_DENSE, rtol=0, atol=5e-9)


@mutant(DENSE, "unit j's weights taken from the row W[j] instead of the column W[:, j] (W transposed)")
def dense_rows_of_W(ref):
    return rewrite(ref, "dense", "W[:, j]", "W[j, :]")


@mutant(DENSE, "a dense layer without the bias b")
def dense_no_bias(ref):
    return rewrite(ref, "dense", "np.dot(W[:, j], a_in) + b[j]", "np.dot(W[:, j], a_in)")


@mutant(DENSE, "adding the bias after the activation, g(w·a) + b instead of g(w·a + b)")
def dense_bias_after_activation(ref):
    def dense(a_in, W, b, g):
        a_in, W, b = np.asarray(a_in, float), np.asarray(W, float), np.asarray(b, float)
        return np.array([g(np.dot(W[:, j], a_in)) + b[j] for j in range(W.shape[1])], dtype=float)
    return dense


@mutant(DENSE, "a dense layer that never applies the activation g (returns z)")
def dense_no_activation(ref):
    return rewrite(ref, "dense", "a_out[j] = g(z)", "a_out[j] = z")


@mutant(DENSE, "looping over the n_in inputs (W.shape[0]) instead of the n_units units (W.shape[1])")
def dense_loops_over_inputs(ref):
    return rewrite(ref, "dense", "units = W.shape[1]", "units = W.shape[0]")
