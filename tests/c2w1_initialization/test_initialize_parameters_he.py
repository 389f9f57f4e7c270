"""The graded tests of c2w1_initialization.initialize_parameters_he, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import graded, mutant, rewrite
from tests.c2w1_initialization.oracles import (COURSE_HE_2_4_1, COURSE_HE_3_1_2, HE, check_centred_gaussian,
                                               check_course_values, check_second_moment_through_stack,
                                               check_seed_handling, check_variance, check_zero_biases,
                                               initialize)

NAME = "initialize_parameters_he"
FORMULA = "2/n[l-1]"


def variance(n_prev: int, n: int) -> float:
    return 2.0 / n_prev


@graded(HE, points=1)
def test_initialize_parameters_he_reproduces_the_course(impl):
    check_course_values(impl, HE, [2, 4, 1], COURSE_HE_2_4_1, " (the course's expected output for its seed 3)")
    check_course_values(impl, HE, [3, 1, 2], COURSE_HE_3_1_2, " (the course's public test, seed 3)")


@graded(HE, points=1)
@settings(max_examples=10)
@given(layers_dims=st.lists(st.integers(1, 7), min_size=2, max_size=5), seed=st.integers(0, 2**16))
def test_initialize_parameters_he_has_the_course_shapes_and_zero_biases(impl, layers_dims, seed):
    arrays, call = initialize(impl, HE, layers_dims, seed=seed)
    check_zero_biases(arrays, call)


@graded(HE, points=3)
def test_initialize_parameters_he_has_variance_2_over_fan_in(impl):
    check_variance(impl, HE, variance, FORMULA)


@graded(HE, points=1)
def test_initialize_parameters_he_draws_centred_normal_weights(impl):
    check_centred_gaussian(impl, HE)


@graded(HE, points=2)
def test_initialize_parameters_he_keeps_the_second_moment_through_10_relu_layers(impl):
    # Why it is reliable. For a fixed input a, W·a has N(0, σ²·|a|²) entries, and a ReLU keeps
    # half the second moment: with σ² = 2/n the expected factor per layer is exactly 1 (and the
    # first layer maps E[x²] = 1 to E[a1²] = 1). The factor fluctuates by about sqrt(5/n) per
    # layer (the inputs of a deep ReLU stack become aligned, so averaging over m examples helps
    # little). Measured on 600 independent initializations at width 512: log(mean(A[10]²)/mean(X²))
    # has mean -0.03, standard deviation 0.22 and skew +0.28 (earlier layers spread less), so the
    # bounds log(1/4) and log(4) lie more than 6 standard deviations away: a normal tail of about
    # 1e-9, far below 1e-6 (the maximum over the 10 layers of a random walk at most doubles it).
    # With σ² = 1/n (Xavier's, or He with 1/n) each layer halves it instead: 2^-10 ≈ 0.001 after
    # 10 layers, and already 1/8 after 3.
    check_second_moment_through_stack(
        impl, HE, 512, "relu", lambda Z: np.maximum(Z, 0),
        "He initialization's variance 2/n[l-1] compensates for the ReLU zeroing half of each z, so the "
        "second moment stays near 1; with 1/n[l-1] it halves at every layer (about 2^-10 after 10), with "
        "too large a variance it explodes.")


@graded(HE, points=1)
def test_initialize_parameters_he_is_reproducible_from_a_local_seed(impl):
    check_seed_handling(impl, HE)


@mutant(HE, "He with 1/n[l-1] instead of 2/n[l-1] (Xavier's variance)")
def he_one_over_n(ref):
    return rewrite(ref, NAME, "np.sqrt(2 / fan_in)", "np.sqrt(1 / fan_in)")


@mutant(HE, "He with sqrt(2/n[l]): the fan-out instead of the fan-in")
def he_fan_out(ref):
    return rewrite(ref, NAME, "np.sqrt(2 / fan_in)", "np.sqrt(2 / layers_dims[l])")


@mutant(HE, "2/n[l-1] without the square root (a variance of 4/n[l-1]²)")
def he_without_sqrt(ref):
    return rewrite(ref, NAME, "np.sqrt(2 / fan_in)", "(2 / fan_in)")


@mutant(HE, "a normal truncated at two standard deviations (keras.initializers.HeNormal's draws), "
            "rescaled to the variance 2/n[l-1]")
def he_truncated_normal(ref):
    from scipy import stats

    def initialize_parameters_he(layers_dims, seed=3):
        rng = np.random.RandomState(seed)
        parameters = {}
        for l in range(1, len(layers_dims)):
            shape = (layers_dims[l], layers_dims[l - 1])
            draws = stats.truncnorm.rvs(-2, 2, size=shape, random_state=rng) / 0.87962566103423978
            parameters[f"W{l}"] = draws * np.sqrt(2 / layers_dims[l - 1])
            parameters[f"b{l}"] = np.zeros((layers_dims[l], 1))
        return parameters
    return initialize_parameters_he


@mutant(HE, "uniform draws (rng.rand, in [0, 1)) × sqrt(2/n[l-1]) instead of normal ones")
def he_uniform(ref):
    return rewrite(ref, NAME, "rng.randn(", "rng.rand(")


@mutant(HE, "biases drawn like the weights (rng.randn(n[l], 1) × sqrt(2/n[l-1]))")
def he_random_biases(ref):
    return rewrite(ref, NAME, "np.zeros((layers_dims[l], 1))", "rng.randn(layers_dims[l], 1) * np.sqrt(2 / fan_in)")


@mutant(HE, "NumPy's global random state (np.random.seed(seed), then np.random.randn)")
def he_global_state(ref):
    return rewrite(ref, NAME, "rng = np.random.RandomState(seed)", "np.random.seed(seed); rng = np.random")


@mutant(HE, "a new RandomState(seed) for every layer (each W[l] starts from the same draws)")
def he_reseeds_every_layer(ref):
    return rewrite(ref, NAME, "rng.randn(", "np.random.RandomState(seed).randn(")


@mutant(HE, "W[l] of shape (n[l-1], n[l]) (transposed)")
def he_transposed(ref):
    return rewrite(ref, NAME, "rng.randn(layers_dims[l], fan_in)", "rng.randn(fan_in, layers_dims[l])")


@mutant(HE, "a loop that stops one layer early (range(1, len(layers_dims) - 1))")
def he_skips_last_layer(ref):
    return rewrite(ref, NAME, "range(1, len(layers_dims))", "range(1, len(layers_dims) - 1)")
