"""The graded tests of c2w1_gradient_checking.vector_to_dictionary, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c2w1_gradient_checking.oracles import (
    TO_DICTIONARY, canonical_order, course_test_case, random_parameters, scrambled, stacked)


def _check(impl: Any, parameters: dict[str, np.ndarray], shapes: dict[str, tuple[int, ...]], what: str) -> None:
    """theta in the course's layout (W1, b1, ... row by row) must come back as exactly ``parameters``."""
    theta, _ = stacked(parameters, canonical_order(len(parameters) // 2))
    call = checks.call("vector_to_dictionary", theta=theta, shapes=shapes) + f" ({what})"
    result = impl.vector_to_dictionary(theta, shapes)
    if not isinstance(result, dict) or sorted(map(str, result)) != sorted(parameters):
        got = sorted(map(str, result)) if isinstance(result, dict) else type(result).__name__
        checks.fail(f"{call} should return a dict with the keys {sorted(parameters)}, got {got}")
    for key in canonical_order(len(parameters) // 2):
        checks.check_close(result[key], parameters[key], call=call, name=key, rtol=0.0, atol=0.0,
                           mistakes=checks.known_mistakes(TO_DICTIONARY, theta, shapes, pick=lambda out, k=key: out[k]))


@graded(TO_DICTIONARY, points=1)
def test_vector_to_dictionary_unstacks_the_course_network(impl):
    parameters = course_test_case()[2]
    _check(impl, parameters, {key: value.shape for key, value in parameters.items()},
           "the course's network: theta[:20] is W1 (5, 4) row by row, theta[20:25] is b1, ...")


@graded(TO_DICTIONARY, points=2)
@settings(max_examples=15)
@given(layer_dims=st.lists(st.integers(1, 4), min_size=2, max_size=5), seed=st.integers(0, 2**16))
def test_vector_to_dictionary_inverts_the_stacking_for_any_network(impl, layer_dims, seed):
    parameters = random_parameters(np.random.default_rng(seed), layer_dims)
    shapes = scrambled({key: value.shape for key, value in parameters.items()}, seed)
    _check(impl, parameters, shapes, f"layer sizes {layer_dims}, shapes listed in the order {list(shapes)}")


@mutant(TO_DICTIONARY, "reading each block column by column (Fortran order) instead of row by row")
def to_dictionary_fortran(ref):
    return rewrite(ref, "vector_to_dictionary", "theta[start:start + size].reshape(shapes[key])",
                   "theta[start:start + size].reshape(shapes[key], order='F')")


@mutant(TO_DICTIONARY, "reading each layer's b before its W")
def to_dictionary_b_first(ref):
    return rewrite(ref, "vector_to_dictionary", 'for key in (f"W{l}", f"b{l}"):', 'for key in (f"b{l}", f"W{l}"):')


@mutant(TO_DICTIONARY, "following the order in which shapes lists the parameters instead of W1, b1, W2, ...")
def to_dictionary_shapes_order(ref):
    def vector_to_dictionary(theta, shapes):
        theta = np.reshape(theta, (-1, 1))
        out, start = {}, 0
        for key, shape in shapes.items():
            size = int(np.prod(shape))
            out[key] = theta[start:start + size].reshape(shape)
            start += size
        return out
    return vector_to_dictionary


@mutant(TO_DICTIONARY, "the course's fixed slices for W1 (5, 4), b1 (5, 1), ..., b3 (1, 1), whatever the shapes")
def to_dictionary_fixed_course_shapes(ref):
    def vector_to_dictionary(theta, shapes):
        sizes = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
        out, start = {}, 0
        for key, shape in sizes.items():
            size = int(np.prod(shape))
            out[key] = theta[start:start + size].reshape(shape)
            start += size
        return out
    return vector_to_dictionary
