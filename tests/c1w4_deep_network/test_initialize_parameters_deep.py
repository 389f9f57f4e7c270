"""The graded tests of c1w4_deep_network.initialize_parameters_deep, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, observe, rewrite
from tests.c1w4_deep_network.oracles import (COURSE_INIT_5_4_3, INIT, PRINTED, check_arrays, check_keys, describe, effect_mistakes,
                                             parameter_keys, variance_bounds)

NAME = "initialize_parameters_deep"


def structure(parameters):
    return {key: np.shape(value) for key, value in parameters.items()}


def initialize(impl, layer_dims, **kwargs):
    """The student's parameters, once their keys and every shape are the course's; and the call."""
    layer_dims = list(layer_dims)
    call = checks.call(NAME, layer_dims=layer_dims, **kwargs)
    result = impl.initialize_parameters_deep(layer_dims, **kwargs)
    mistakes = checks.known_mistakes(INIT, layer_dims, pick=structure, **kwargs)
    L = len(layer_dims) - 1
    check_keys(result, parameter_keys(L), call, "the dict", mistakes,
               advice=f" One W and one b per layer l = 1, ..., {L} (for l in range(1, len(layer_dims))).")
    shapes = {f"W{l}": np.zeros((layer_dims[l], layer_dims[l - 1])) for l in range(1, L + 1)}
    for key, zeros in shapes.items():
        checks.check_shape(result[key], zeros.shape, call=call, name=describe(key, layer_dims),
                           mistakes=checks.known_mistakes(INIT, layer_dims, pick=lambda p, k=key: p[k], **kwargs))
        checks.check_close(result["b" + key[1:]], np.zeros((layer_dims[int(key[1:])], 1)), call=call,
                           name=describe("b" + key[1:], layer_dims) + " (the biases start at zero)", rtol=0, atol=0,
                           mistakes=checks.known_mistakes(INIT, layer_dims, pick=lambda p, k=key: p["b" + k[1:]],
                                                          **kwargs))
    return {key: checks.to_array(value, call=call) for key, value in result.items()}, call


@graded(INIT, points=1)
def test_initialize_parameters_deep_reproduces_the_course(impl):
    layer_dims = [5, 4, 3]
    parameters, call = initialize(impl, layer_dims)
    call += (" (the course's expected output for its seed 3: rng = np.random.RandomState(seed), then "
             "rng.randn(n[l], n[l-1]) * 0.01 for l = 1, 2 in order)")
    check_arrays(parameters, COURSE_INIT_5_4_3, layer_dims, call, "parameters", **PRINTED,
                 mistakes=lambda key: checks.known_mistakes(INIT, layer_dims, pick=lambda p: p[key]))


@graded(INIT, points=2)
@settings(max_examples=12)
@given(layer_dims=st.lists(st.integers(1, 7), min_size=2, max_size=6), seed=st.integers(0, 2**16))
def test_initialize_parameters_deep_has_the_course_shapes_and_zero_biases(impl, layer_dims, seed):
    initialize(impl, layer_dims, seed=seed)


@graded(INIT, points=2)
def test_initialize_parameters_deep_draws_normal_weights_times_0_01(impl):
    # The bound: with W[l] of N entries drawn N(0, 0.01²), sum(W²)/0.01² is chi-square with N
    # degrees of freedom; with k = 2 layers each ratio mean(W²)/1e-4 must lie in its
    # (ALPHA/k)-interval: [0.955, 1.047] for N = 20 000 and [0.873, 1.140] for N = 2 000 (a correct
    # initializer fails with probability <= 1e-6). randn without the 0.01 gives a ratio of 10 000,
    # 1/sqrt(n[l-1]) gives 10 000/n[l-1] = 50 and 100, rand gives 1/3 (E[u²] = 1/3).
    layer_dims = [200, 100, 20]
    parameters, call = initialize(impl, layer_dims, seed=0)
    for l in (1, 2):
        W = parameters[f"W{l}"]
        low, high = variance_bounds(W.size, 2)
        ratio = float(np.mean(W**2)) / 1e-4
        mean_t = float(np.mean(W) / (0.01 / np.sqrt(W.size)))  # N(0, 1) for correct draws
        if not low <= ratio <= high or abs(mean_t) > 5.45:  # P(|N(0,1)| > 5.45) = 5e-8
            named = checks.known_mistakes(INIT, layer_dims, seed=0, pick=lambda p, k=f"W{l}": np.mean(p[k]**2) / 1e-4
                                          ).equal_to(ratio, rtol=0.2)
            checks.fail(f"{call}: W{l} ({W.size} entries) has mean(W{l}²) = {ratio * 1e-4:.3g} and mean {W.mean():.3g}; "
                        f"the course draws np.random.randn(n[l], n[l-1]) * 0.01, entries of mean 0 and variance "
                        f"1e-4 (the ratio mean(W²)/1e-4 = {ratio:.4g} should lie in [{low:.3f}, {high:.3f}], where "
                        f"such draws land with probability 1 - {5e-7:.0e}){named}")


@graded(INIT, points=1)
def test_initialize_parameters_deep_is_reproducible_from_a_local_seed(impl):
    layer_dims = [3, 5, 4, 1]
    with observe() as seen:
        first, call = initialize(impl, layer_dims, seed=3)
        default, default_call = initialize(impl, layer_dims)
        other, other_call = initialize(impl, layer_dims, seed=4)
    if seen.numpy_global_random:
        checks.fail(f"{call} used NumPy's global random state (np.random.seed, np.random.randn, ...), which changes "
                    "everyone else's random numbers: draw from rng = np.random.RandomState(seed), rng.randn(...), "
                    "the same numbers as the course's"
                    + effect_mistakes(INIT, layer_dims, seed=3).named(lambda effects: effects["numpy_global_random"]))
    if not checks.same(first, default, rtol=0, atol=0):
        checks.fail(f"{default_call} and {call} differ: the default seed is the course's, 3 "
                    "(keep the signature initialize_parameters_deep(layer_dims, seed=3))")
    if checks.same(first["W1"], other["W1"], rtol=0, atol=0):
        checks.fail(f"{call} and {other_call} gave the same W1: the seed is ignored")


@mutant(INIT, "randn without the factor 0.01 (weights of variance 1)")
def init_times_one(ref):
    return rewrite(ref, NAME, " * 0.01", "")


@mutant(INIT, "the application notebook's scale, randn / sqrt(n[l-1]), instead of randn × 0.01")
def init_sqrt_fan_in(ref):
    return rewrite(ref, NAME, " * 0.01", " / np.sqrt(layer_dims[l - 1])")


@mutant(INIT, "W[l] of shape (n[l-1], n[l]) (transposed)")
def init_transposed(ref):
    return rewrite(ref, NAME, "rng.randn(layer_dims[l], layer_dims[l - 1])", "rng.randn(layer_dims[l - 1], layer_dims[l])")


@mutant(INIT, "a loop that stops one layer early (range(1, len(layer_dims) - 1))")
def init_skips_last_layer(ref):
    return rewrite(ref, NAME, "range(1, len(layer_dims))", "range(1, len(layer_dims) - 1)")


@mutant(INIT, "NumPy's global random state (np.random.seed(seed), then np.random.randn)")
def init_global_state(ref):
    return rewrite(ref, NAME, "rng = np.random.RandomState(seed)", "np.random.seed(seed); rng = np.random")


@mutant(INIT, "uniform draws (rng.rand) × 0.01 instead of normal ones")
def init_uniform(ref):
    return rewrite(ref, NAME, "rng.randn(", "rng.rand(")
