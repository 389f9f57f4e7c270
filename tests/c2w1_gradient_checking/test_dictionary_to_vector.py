"""The graded tests of c2w1_gradient_checking.dictionary_to_vector, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c2w1_gradient_checking.oracles import (
    TO_VECTOR, canonical_order, check_keys, course_test_case, random_parameters, scrambled, stacked)


def _check(impl: Any, parameters: dict[str, np.ndarray], what: str) -> None:
    L = len(parameters) // 2
    call = checks.call("dictionary_to_vector", parameters=parameters) + f" ({what})"
    theta, keys = checks.unpack(impl.dictionary_to_vector(parameters), ("theta", "keys"), call=call)
    expected, names = stacked(parameters, canonical_order(L))
    checks.check_close(theta, expected, call=call, name="theta", rtol=0.0, atol=0.0,
                       mistakes=checks.known_mistakes(TO_VECTOR, parameters, pick=lambda out: out[0]))
    check_keys(keys, names, call=call, layout=" + ".join(f"[{k!r}] * {parameters[k].size}" for k in canonical_order(L)),
               mistakes=checks.known_mistakes(TO_VECTOR, parameters, pick=lambda out: out[1]))


@graded(TO_VECTOR, points=1)
def test_dictionary_to_vector_stacks_the_course_network(impl):
    _check(impl, course_test_case()[2], "the course's network: W1 (5, 4), b1 (5, 1), ..., b3 (1, 1)")


@graded(TO_VECTOR, points=2)
@settings(max_examples=15)
@given(layer_dims=st.lists(st.integers(1, 4), min_size=2, max_size=5), seed=st.integers(0, 2**16))
def test_dictionary_to_vector_orders_W1_b1_W2_b2_whatever_the_dict_order(impl, layer_dims, seed):
    parameters = scrambled(random_parameters(np.random.default_rng(seed), layer_dims), seed)
    _check(impl, parameters, f"layer sizes {layer_dims}, the dict filled in the order {list(parameters)}")


@mutant(TO_VECTOR, "stacking each layer's b before its W")
def to_vector_b_first(ref):
    def dictionary_to_vector(parameters):
        L = len(parameters) // 2
        order = [f"{kind}{l}" for l in range(1, L + 1) for kind in "bW"]
        return (np.concatenate([parameters[k].reshape(-1, 1) for k in order]),
                [k for k in order for _ in range(parameters[k].size)])
    return dictionary_to_vector


@mutant(TO_VECTOR, "flattening column by column (Fortran order) instead of row by row")
def to_vector_fortran(ref):
    return rewrite(ref, "dictionary_to_vector", "np.reshape(parameters[key], (-1, 1))",
                           "np.reshape(parameters[key], (-1, 1), order='F')")


@mutant(TO_VECTOR, "following the dict's own order instead of W1, b1, W2, b2, ...")
def to_vector_dict_order(ref):
    def dictionary_to_vector(parameters):
        return (np.concatenate([value.reshape(-1, 1) for value in parameters.values()]),
                [key for key, value in parameters.items() for _ in range(value.size)])
    return dictionary_to_vector


@mutant(TO_VECTOR, "one key per parameter instead of one per entry of theta")
def to_vector_one_key_per_array(ref):
    return rewrite(ref, "dictionary_to_vector", "keys += [key] * vector.shape[0]", "keys += [key]")


@mutant(TO_VECTOR, "a flat vector of shape (n,) instead of a column (n, 1)")
def to_vector_flat(ref):
    correct = ref.dictionary_to_vector
    return lambda parameters: (lambda theta, keys: (theta.ravel(), keys))(*correct(parameters))

