"""The graded tests of c2w1_initialization.initialize_parameters_xavier, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import graded, mutant, rewrite
from tests.c2w1_initialization.oracles import (COURSE_HE_2_4_1, COURSE_HE_3_1_2, XAVIER, check_centred_gaussian,
                                               check_course_values, check_second_moment_through_stack,
                                               check_seed_handling, check_variance, check_zero_biases,
                                               initialize)

NAME = "initialize_parameters_xavier"
FORMULA = "1/n[l-1]"


def variance(n_prev: int, n: int) -> float:
    return 1.0 / n_prev


@graded(XAVIER, points=1)
def test_initialize_parameters_xavier_reproduces_the_course(impl):
    # The course prints no Xavier weights, but its He draws the same randn numbers in the same
    # order: Xavier's W[l] is the course's He W[l] times sqrt(1/n[l-1]) / sqrt(2/n[l-1]) = 1/sqrt(2).
    note = " (the course's He output for seed 3 divided by sqrt(2): the same draws)"
    check_course_values(impl, XAVIER, [2, 4, 1], COURSE_HE_2_4_1, note, scale=np.sqrt(0.5))
    check_course_values(impl, XAVIER, [3, 1, 2], COURSE_HE_3_1_2, note, scale=np.sqrt(0.5))


@graded(XAVIER, points=1)
@settings(max_examples=10)
@given(layers_dims=st.lists(st.integers(1, 7), min_size=2, max_size=5), seed=st.integers(0, 2**16))
def test_initialize_parameters_xavier_has_the_course_shapes_and_zero_biases(impl, layers_dims, seed):
    arrays, call = initialize(impl, XAVIER, layers_dims, seed=seed)
    check_zero_biases(arrays, call)


@graded(XAVIER, points=3)
def test_initialize_parameters_xavier_has_variance_1_over_fan_in(impl):
    check_variance(impl, XAVIER, variance, FORMULA)


@graded(XAVIER, points=1)
def test_initialize_parameters_xavier_draws_centred_normal_weights(impl):
    check_centred_gaussian(impl, XAVIER)


@graded(XAVIER, points=2)
def test_initialize_parameters_xavier_keeps_the_second_moment_through_10_linear_layers(impl):
    # Xavier's derivation assumes units that act linearly (tanh near 0): Z[l] = W[l]·Z[l-1] has
    # E[z²] = n·σ²·E[z_prev²], a factor exactly 1 for σ² = 1/n. Through 10 linear layers of
    # width 256 the factor fluctuates little (|W·a|²/|a|² is σ²·chi2(n) per input, and the 32
    # inputs stay spread): over 600 independent initializations log(mean(Z[10]²)/mean(X²)) had
    # mean 0.00 and standard deviation 0.063, so log(4) = 1.39 is 22 standard deviations away.
    # He's 2/n doubles the second moment at each layer: 2^10 ≈ 1000 after 10.
    check_second_moment_through_stack(
        impl, XAVIER, 256, "identity", lambda Z: Z,
        "Xavier's variance 1/n[l-1] keeps the second moment of the pre-activations at 1 through layers that "
        "act linearly (as tanh does near 0); 2/n[l-1] doubles it at every layer (about 2^10 after 10), "
        "1/(2n) halves it.", seed=5)


@graded(XAVIER, points=1)
def test_initialize_parameters_xavier_is_reproducible_from_a_local_seed(impl):
    check_seed_handling(impl, XAVIER)


@mutant(XAVIER, "Xavier with 2/n[l-1] instead of 1/n[l-1] (He's variance)")
def xavier_two_over_n(ref):
    return rewrite(ref, NAME, "np.sqrt(1 / fan_in)", "np.sqrt(2 / fan_in)")


@mutant(XAVIER, "Xavier with sqrt(1/n[l]): the fan-out instead of the fan-in")
def xavier_fan_out(ref):
    return rewrite(ref, NAME, "np.sqrt(1 / fan_in)", "np.sqrt(1 / layers_dims[l])")


@mutant(XAVIER, "Glorot's fan average sqrt(2/(n[l-1] + n[l])) (keras.initializers.GlorotNormal's variance) "
                "instead of the course's sqrt(1/n[l-1])")
def xavier_fan_average(ref):
    return rewrite(ref, NAME, "np.sqrt(1 / fan_in)", "np.sqrt(2 / (fan_in + layers_dims[l]))")


@mutant(XAVIER, "1/n[l-1] without the square root (a variance of 1/n[l-1]²)")
def xavier_without_sqrt(ref):
    return rewrite(ref, NAME, "np.sqrt(1 / fan_in)", "(1 / fan_in)")


@mutant(XAVIER, "uniform draws (rng.rand, in [0, 1)) × sqrt(1/n[l-1]) instead of normal ones")
def xavier_uniform(ref):
    return rewrite(ref, NAME, "rng.randn(", "rng.rand(")


@mutant(XAVIER, "NumPy's global random state (np.random.seed(seed), then np.random.randn)")
def xavier_global_state(ref):
    return rewrite(ref, NAME, "rng = np.random.RandomState(seed)", "np.random.seed(seed); rng = np.random")


@mutant(XAVIER, "biases drawn like the weights (rng.randn(n[l], 1) × sqrt(1/n[l-1]))")
def xavier_random_biases(ref):
    return rewrite(ref, NAME, "np.zeros((layers_dims[l], 1))", "rng.randn(layers_dims[l], 1) * np.sqrt(1 / fan_in)")


@mutant(XAVIER, "W[l] of shape (n[l-1], n[l]) (transposed)")
def xavier_transposed(ref):
    return rewrite(ref, NAME, "rng.randn(layers_dims[l], fan_in)", "rng.randn(fan_in, layers_dims[l])")


@mutant(XAVIER, "a loop that stops one layer early (range(1, len(layers_dims) - 1))")
def xavier_skips_last_layer(ref):
    return rewrite(ref, NAME, "range(1, len(layers_dims))", "range(1, len(layers_dims) - 1)")
