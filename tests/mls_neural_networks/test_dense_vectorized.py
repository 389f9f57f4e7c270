"""The graded tests of mls_neural_networks.dense_vectorized, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant
from tests.mls_neural_networks.oracles import (ACTIVATIONS, COURSE_B, COURSE_DENSE_V, COURSE_W, COURSE_X_BATCH,
                                               DENSE_VECTORIZED, LINEAR, RELU, SIGMOID, keras_forward,
                                               random_inputs, random_layer)


def check_dense_vectorized(impl, A_in, W, B, g, expected, **tolerance) -> None:
    call = checks.call("dense_vectorized", A_in=A_in, W=W, B=B, g=g)
    checks.check_close(impl.dense_vectorized(A_in, W, B, g), expected, call=call, name="A_out",
                       mistakes=checks.known_mistakes(DENSE_VECTORIZED, A_in, W, B, g), **tolerance)


@graded(DENSE_VECTORIZED, points=1)
def test_dense_vectorized_square_batch_adds_one_bias_per_unit(impl):
    # m == n_in == n_units: every transpose and every broadcast fits, only the right one is right.
    W, b = random_layer(3, 3, seed=5)
    A_in = random_inputs((3, 3), seed=5)
    check_dense_vectorized(impl, A_in, W, b[None, :], RELU, keras_forward([(W, b, RELU)], A_in))
    check_dense_vectorized(impl, A_in, W, b, SIGMOID, keras_forward([(W, b, SIGMOID)], A_in))


@graded(DENSE_VECTORIZED, points=2)
def test_dense_vectorized_matches_keras_dense(impl):
    # m, n_in and n_units all differ, so a transposed operand cannot slip through; B is (1, n_units).
    for m, n_in, n_units, g, seed in [(5, 2, 3, SIGMOID, 0), (4, 3, 2, RELU, 1), (2, 4, 6, LINEAR, 2)]:
        W, b = random_layer(n_in, n_units, seed)
        A_in = random_inputs((m, n_in), seed)
        check_dense_vectorized(impl, A_in, W, b[None, :], g, keras_forward([(W, b, g)], A_in))


@graded(DENSE_VECTORIZED, points=1)
def test_dense_vectorized_accepts_a_bias_vector(impl):
    # B of shape (n_units,) (Keras' own bias shape) broadcasts over the rows exactly as (1, n_units).
    W, b = random_layer(3, 4, seed=4)
    A_in = random_inputs((5, 3), seed=4)
    check_dense_vectorized(impl, A_in, W, b, SIGMOID, keras_forward([(W, b, SIGMOID)], A_in))


@graded(DENSE_VECTORIZED, points=1)
@settings(max_examples=15)
@given(m=st.integers(1, 6), n_in=st.integers(1, 5), n_units=st.integers(1, 5),
       activation=st.sampled_from(sorted(ACTIVATIONS)), seed=st.integers(0, 2**16))
def test_dense_vectorized_gives_one_row_per_example(impl, m, n_in, n_units, activation, seed):
    g = ACTIVATIONS[activation]
    W, b = random_layer(n_in, n_units, seed)
    A_in = random_inputs((m, n_in), seed)
    check_dense_vectorized(impl, A_in, W, b[None, :], g, keras_forward([(W, b, g)], A_in))


@graded(DENSE_VECTORIZED, points=1)
def test_dense_vectorized_reproduces_the_course(impl):
    # C2_W1_Assignment's quick check of my_dense_v prints this (4, 3) array (8 decimals).
    check_dense_vectorized(impl, COURSE_X_BATCH.copy(), COURSE_W.copy(), COURSE_B.reshape(1, 3), SIGMOID,
                           COURSE_DENSE_V, rtol=0, atol=5e-9)


@mutant(DENSE_VECTORIZED, "the deep learning courses' column layout, g(W.T @ A_in.T + B.T), one example per column")
def dense_vectorized_columns(ref):
    def dense_vectorized(A_in, W, B, g):
        return g(np.matmul(np.asarray(W).T, np.asarray(A_in).T) + np.asarray(B).T)
    return dense_vectorized


@mutant(DENSE_VECTORIZED, "the biases broadcast as a column (n_units, 1): bias j added to example j instead of unit j")
def dense_vectorized_bias_column(ref):
    def dense_vectorized(A_in, W, B, g):
        return g(np.matmul(A_in, W) + np.reshape(B, (-1, 1)))
    return dense_vectorized


@mutant(DENSE_VECTORIZED, "a vectorized dense layer that never applies the activation g (returns Z)")
def dense_vectorized_no_activation(ref):
    def dense_vectorized(A_in, W, B, g):
        return np.matmul(A_in, W) + B
    return dense_vectorized


@mutant(DENSE_VECTORIZED, "a vectorized dense layer without the bias B")
def dense_vectorized_no_bias(ref):
    def dense_vectorized(A_in, W, B, g):
        return g(np.matmul(A_in, W))
    return dense_vectorized
