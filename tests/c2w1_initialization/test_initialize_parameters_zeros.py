"""The graded tests of c2w1_initialization.initialize_parameters_zeros, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c2w1_initialization.oracles import (ZEROS, check_zero_biases, hidden_units, initialize,
                                               symmetric_training, units_identical)

NAME = "initialize_parameters_zeros"


@graded(ZEROS, points=2)
@settings(max_examples=15)
@given(layers_dims=st.lists(st.integers(1, 7), min_size=2, max_size=5))
def test_initialize_parameters_zeros_gives_zero_arrays_of_the_course_shapes(impl, layers_dims):
    arrays, call = initialize(impl, ZEROS, layers_dims)
    for key, value in arrays.items():
        if key.startswith("W"):
            checks.check_close(value, np.zeros(value.shape), call=call, name=f'parameters["{key}"]', atol=0,
                               mistakes=checks.known_mistakes(ZEROS, layers_dims, pick=lambda p, k=key: p[k]))
    check_zero_biases(arrays, call, why="")


@graded(ZEROS, points=2)
def test_initialize_parameters_zeros_leaves_hidden_units_identical_after_training(impl):
    # LINEAR -> ReLU (the course's) or sigmoid -> LINEAR -> SIGMOID, 25 steps of batch gradient
    # descent from the student's zeros: every hidden unit must stay a copy of unit 0 (with ReLU
    # they stay 0 as no gradient passes relu'(0) = 0; with a sigmoid they move, all alike).
    layers_dims = [3, 6, 1]
    for name, activation in (("relu", tf.nn.relu), ("sigmoid", tf.sigmoid)):
        arrays, call = initialize(impl, ZEROS, layers_dims)
        trained = symmetric_training(arrays, activation)
        if not units_identical(trained):
            units = hidden_units(trained)
            j = int(np.argmax(np.abs(units - units[0:1]).max(axis=1)))
            checks.fail(f"{call}, then 25 gradient-descent steps of LINEAR -> {name.upper()} -> LINEAR -> "
                        f"SIGMOID on 40 examples: hidden unit {j} (W1[{j}], b1[{j}], W2[0, {j}]) = "
                        f"{np.round(units[j], 4).tolist()} differs from unit 0 = {np.round(units[0], 4).tolist()}. "
                        "Starting from all zeros every hidden unit computes the same thing and gets the same "
                        "gradient, so they should stay identical: were the initial parameters all zero?")
        # The oracle can break symmetry: from random parameters the same training gives distinct units.
        rng = np.random.default_rng(1)
        random_start = {key: 0.5 * rng.normal(size=np.shape(value)) for key, value in arrays.items()}
        assert not units_identical(symmetric_training(random_start, activation))
        if name == "sigmoid":  # ... and from zeros the sigmoid units did learn, all alike
            assert np.abs(trained["W1"]).max() > 1e-6


@mutant(ZEROS, "np.zeros for W but small random biases (np.random.randn(n[l], 1) * 0.01)")
def zeros_random_biases(ref):
    return rewrite(ref, NAME, "np.zeros((layers_dims[l], 1))", "np.random.randn(layers_dims[l], 1) * 0.01")


@mutant(ZEROS, "Course 1's small random weights (np.random.randn(n[l], n[l-1]) * 0.01) instead of zeros")
def zeros_small_random_weights(ref):
    return rewrite(ref, NAME, "np.zeros((layers_dims[l], layers_dims[l - 1]))",
                   "np.random.randn(layers_dims[l], layers_dims[l - 1]) * 0.01")


@mutant(ZEROS, "W[l] of shape (n[l-1], n[l]) (transposed)")
def zeros_transposed(ref):
    return rewrite(ref, NAME, "np.zeros((layers_dims[l], layers_dims[l - 1]))",
                   "np.zeros((layers_dims[l - 1], layers_dims[l]))")


@mutant(ZEROS, "b[l] as a 1-D vector of shape (n[l],) instead of (n[l], 1)")
def zeros_flat_biases(ref):
    return rewrite(ref, NAME, "np.zeros((layers_dims[l], 1))", "np.zeros(layers_dims[l])")


@mutant(ZEROS, "a loop that stops one layer early (range(1, len(layers_dims) - 1))")
def zeros_skips_last_layer(ref):
    return rewrite(ref, NAME, "range(1, len(layers_dims))", "range(1, len(layers_dims) - 1)")
