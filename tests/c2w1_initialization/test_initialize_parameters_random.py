"""The graded tests of c2w1_initialization.initialize_parameters_random, and the mutants they must catch."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from grader import graded, mutant, rewrite
from tests.c2w1_initialization.oracles import (COURSE_RANDOM_3_2_1, RANDOM, check_centred_gaussian,
                                               check_course_values, check_seed_handling, check_variance,
                                               check_zero_biases, initialize)

NAME = "initialize_parameters_random"
FORMULA = "100"


def variance(n_prev: int, n: int) -> float:
    return 100.0  # (randn * 10)² has expectation 100, whatever the layer


@graded(RANDOM, points=1)
def test_initialize_parameters_random_reproduces_the_course(impl):
    check_course_values(impl, RANDOM, [3, 2, 1], COURSE_RANDOM_3_2_1,
                        " (the course's expected output for its seed 3)")


@graded(RANDOM, points=1)
@settings(max_examples=10)
@given(layers_dims=st.lists(st.integers(1, 7), min_size=2, max_size=5), seed=st.integers(0, 2**16))
def test_initialize_parameters_random_has_the_course_shapes_and_zero_biases(impl, layers_dims, seed):
    arrays, call = initialize(impl, RANDOM, layers_dims, seed=seed)
    check_zero_biases(arrays, call)


@graded(RANDOM, points=2)
def test_initialize_parameters_random_has_variance_100(impl):
    check_variance(impl, RANDOM, variance, FORMULA)


@graded(RANDOM, points=1)
def test_initialize_parameters_random_draws_centred_normal_weights(impl):
    check_centred_gaussian(impl, RANDOM)


@graded(RANDOM, points=1)
def test_initialize_parameters_random_is_reproducible_from_a_local_seed(impl):
    check_seed_handling(impl, RANDOM)


@mutant(RANDOM, "randn without the × 10")
def random_without_ten(ref):
    return rewrite(ref, NAME, "rng.randn(layers_dims[l], layers_dims[l - 1]) * 10",
                   "rng.randn(layers_dims[l], layers_dims[l - 1])")


@mutant(RANDOM, "randn × 0.01 (Course 1's small weights) instead of × 10")
def random_times_a_hundredth(ref):
    return rewrite(ref, NAME, "layers_dims[l - 1]) * 10", "layers_dims[l - 1]) * 0.01")


@mutant(RANDOM, "uniform draws (rng.rand, in [0, 1)) × 10 instead of normal ones")
def random_uniform(ref):
    return rewrite(ref, NAME, "rng.randn(", "rng.rand(")


@mutant(RANDOM, "biases drawn like the weights (rng.randn(n[l], 1) * 10)")
def random_biases(ref):
    return rewrite(ref, NAME, "np.zeros((layers_dims[l], 1))", "rng.randn(layers_dims[l], 1) * 10")


@mutant(RANDOM, "NumPy's global random state (np.random.seed(seed), then np.random.randn)")
def random_global_state(ref):
    return rewrite(ref, NAME, "rng = np.random.RandomState(seed)", "np.random.seed(seed); rng = np.random")


@mutant(RANDOM, "a RandomState(3) that ignores the seed")
def random_fixed_seed(ref):
    return rewrite(ref, NAME, "np.random.RandomState(seed)", "np.random.RandomState(3)")


@mutant(RANDOM, "a new RandomState(seed) for every layer (each W[l] starts from the same draws)")
def random_reseeds_every_layer(ref):
    return rewrite(ref, NAME, "rng.randn(", "np.random.RandomState(seed).randn(")


@mutant(RANDOM, "W[l] of shape (n[l-1], n[l]) (transposed)")
def random_transposed(ref):
    return rewrite(ref, NAME, "rng.randn(layers_dims[l], layers_dims[l - 1])",
                   "rng.randn(layers_dims[l - 1], layers_dims[l])")


@mutant(RANDOM, "a loop that stops one layer early (range(1, len(layers_dims) - 1))")
def random_skips_last_layer(ref):
    return rewrite(ref, NAME, "range(1, len(layers_dims))", "range(1, len(layers_dims) - 1)")
