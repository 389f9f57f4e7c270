"""The graded tests of c1w3_shallow_network.initialize_parameters, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st
from scipy import stats

from grader import checks, graded, mutant, observe, rewrite
from tests.c1w3_shallow_network.oracles import COURSE_INIT_3_5_2, COURSE_W1, COURSE_W2, INIT, PRINTED, check_arrays


def initialize(impl, n_x: int, n_h: int, n_y: int, note: str = "", **seed: int):
    call = checks.call("initialize_parameters", n_x=n_x, n_h=n_h, n_y=n_y, **seed) + note
    return impl.initialize_parameters(n_x, n_h, n_y, **seed), call


def check_shapes_and_zero_biases(parameters, n_x: int, n_h: int, n_y: int, call: str, mistakes=None) -> None:
    shapes = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}
    if not isinstance(parameters, dict) or not shapes.keys() <= parameters.keys():
        got = sorted(parameters) if isinstance(parameters, dict) else type(parameters).__name__
        checks.fail(f"{call} should return a dict with the keys {list(shapes)}, got {got}")
    for key, shape in shapes.items():
        array = checks.check_shape(parameters[key], shape, call=call, name=f'parameters["{key}"]')
        if key[0] == "b" and np.any(array != 0):
            named = mistakes(key) if mistakes is not None else ""
            checks.fail(f"{call}: {key} should start at zero (the random W already breaks the symmetry), "
                        f"got {array.ravel()[:4]}{named}")


@graded(INIT, points=1)
def test_initialize_parameters_reproduces_the_course(impl):
    parameters, call = initialize(impl, 2, 4, 1, " (the course's default seed 2)")
    expected = {"W1": np.array(COURSE_W1), "b1": np.zeros((4, 1)), "W2": np.array(COURSE_W2), "b2": np.zeros((1, 1))}
    check_arrays(parameters, expected, call=call, what="parameters", **PRINTED,
                 mistakes=lambda key: checks.known_mistakes(INIT, 2, 4, 1, pick=lambda out: out[key]))
    parameters, call = initialize(impl, 3, 5, 2, " (the course's public test, seed 2)", seed=2)
    expected = {"W1": np.array(COURSE_INIT_3_5_2["W1"]), "W2": np.array(COURSE_INIT_3_5_2["W2"])}
    check_arrays(parameters, expected, call=call, what="parameters", **PRINTED,
                 mistakes=lambda key: checks.known_mistakes(INIT, 3, 5, 2, seed=2, pick=lambda out: out[key]))


@graded(INIT, points=1)
@settings(max_examples=12)
@given(n_x=st.integers(1, 6), n_h=st.integers(1, 7), n_y=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_initialize_parameters_has_the_course_shapes_and_zero_biases(impl, n_x, n_h, n_y, seed):
    parameters, call = initialize(impl, n_x, n_h, n_y, seed=seed)
    check_shapes_and_zero_biases(parameters, n_x, n_h, n_y, call, mistakes=lambda key: checks.known_mistakes(
        INIT, n_x, n_h, n_y, seed=seed, pick=lambda out: out[key]).named(lambda value: np.any(value != 0)))


@graded(INIT, points=2)
def test_initialize_parameters_draws_weights_of_standard_deviation_0_01(impl):
    # W1 (60, 50) and W2 (40, 60): k = 5400 independent N(0, 0.01²) draws, so sum(w²) / 0.01² is
    # chi-square with k degrees of freedom. A correct initialisation leaves the two-sided interval
    # between its 2.5e-7 and 1 - 2.5e-7 quantiles with probability 5e-7 <= 1e-6; there the sample
    # standard deviation lies within about ±5 % of 0.01 (0.00952 to 0.01049), far from 1 (no × 0.01).
    n_x, n_h, n_y = 50, 60, 40
    parameters, call = initialize(impl, n_x, n_h, n_y, seed=0)
    check_shapes_and_zero_biases(parameters, n_x, n_h, n_y, call)
    weights = np.concatenate([np.asarray(parameters[key], dtype=float).ravel() for key in ("W1", "W2")])
    k = weights.size
    low, high = stats.chi2.ppf(2.5e-7, k), stats.chi2.isf(2.5e-7, k)
    statistic = float(np.sum(weights ** 2) / 0.01 ** 2)
    if not low <= statistic <= high:
        named = checks.known_mistakes(INIT, n_x, n_h, n_y, seed=0, pick=lambda out: out["W1"]).equal_to(
            parameters["W1"])
        checks.fail(f"{call}: the weights have a standard deviation of {np.sqrt(np.mean(weights ** 2)):.4g}, "
                    f"expected 0.01 (randn × 0.01: small, so that tanh starts where its slope is largest); "
                    f"a correct draw lies in [{0.01 * np.sqrt(low / k):.4g}, {0.01 * np.sqrt(high / k):.4g}]{named}")


@graded(INIT, points=1)
def test_initialize_parameters_is_reproducible_from_a_local_seed(impl):
    with observe() as seen:
        first, call = initialize(impl, 3, 5, 2, seed=7)
        again, _ = initialize(impl, 3, 5, 2, seed=7)
        other, other_call = initialize(impl, 3, 5, 2, seed=8)
        default, default_call = initialize(impl, 3, 5, 2)
        two, two_call = initialize(impl, 3, 5, 2, seed=2)
    if seen.numpy_global_random:
        checks.fail(f"{call} used NumPy's global random state (np.random.seed, np.random.randn, ...): that "
                    "changes every other program's random numbers. Draw from a generator of your own, "
                    "rng = np.random.RandomState(seed), then rng.randn(...): the same numbers as the course's")
    for key in ("W1", "W2"):
        if not checks.same(first[key], again[key], rtol=0, atol=0):
            checks.fail(f"{call} twice gave two different {key}: the result must depend on the seed alone")
        if not checks.same(default[key], two[key], rtol=0, atol=0):
            checks.fail(f"{default_call} and {two_call} gave different {key}: the default seed is 2, the "
                        "course's (keep the signature initialize_parameters(n_x, n_h, n_y, seed=2))")
    if checks.same(first["W1"], other["W1"]):
        named = checks.known_mistakes(INIT, 3, 5, 2, seed=8, pick=lambda out: out["W1"]).equal_to(other["W1"])
        checks.fail(f"{call} and {other_call} gave the same W1: the seed is ignored (create the generator "
                    f"with np.random.RandomState(seed), not a fixed number){named}")


@mutant(INIT, "randn × 1 instead of randn × 0.01 (large weights that saturate tanh)")
def init_no_scale(ref):
    return rewrite(ref, "initialize_parameters", "W1 = rng.randn(n_h, n_x) * 0.01", "W1 = rng.randn(n_h, n_x)")


@mutant(INIT, "biases drawn like the weights (randn × 0.01) instead of zeros")
def init_random_biases(ref):
    return rewrite(ref, "initialize_parameters", "b1 = np.zeros((n_h, 1))", "b1 = rng.randn(n_h, 1) * 0.01")


@mutant(INIT, "NumPy's global random state (np.random.seed(seed), then np.random.randn)")
def init_global_state(ref):
    return rewrite(ref, "initialize_parameters", "rng = np.random.RandomState(seed)",
                   "np.random.seed(seed); rng = np.random")


@mutant(INIT, "W2 drawn before W1 (the course draws W1 first)")
def init_w2_first(ref):
    def initialize_parameters(n_x, n_h, n_y, seed=2):
        rng = np.random.RandomState(seed)
        W2 = rng.randn(n_y, n_h) * 0.01
        W1 = rng.randn(n_h, n_x) * 0.01
        return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}
    return initialize_parameters


@mutant(INIT, "a fixed seed 2 whatever the seed argument")
def init_fixed_seed(ref):
    return rewrite(ref, "initialize_parameters", "rng = np.random.RandomState(seed)", "rng = np.random.RandomState(2)")
