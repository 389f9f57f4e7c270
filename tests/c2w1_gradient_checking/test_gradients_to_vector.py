"""The graded tests of c2w1_gradient_checking.gradients_to_vector, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c2w1_gradient_checking.oracles import (
    GRADIENTS_TO_VECTOR, canonical_order, course_test_case, random_parameters, stacked, tape_gradients)


def _check(impl: Any, gradients: dict[str, np.ndarray], L: int, what: str) -> None:
    call = checks.call("gradients_to_vector", gradients=gradients) + f" ({what})"
    expected, _ = stacked(gradients, canonical_order(L, prefix="d"))
    checks.check_close(impl.gradients_to_vector(gradients), expected, call=call, name="the gradient vector",
                       rtol=0.0, atol=0.0, mistakes=checks.known_mistakes(GRADIENTS_TO_VECTOR, gradients))


@graded(GRADIENTS_TO_VECTOR, points=1)
def test_gradients_to_vector_stacks_the_course_gradients(impl):
    # The course's dict from backward_propagation_n: filled dZ3, dW3, db3, dA2, ..., db1, so the
    # order must come from the names, and dZ*, dA* stay out.
    X, Y, parameters = course_test_case()
    _check(impl, tape_gradients(X, Y, parameters), 3,
           "the course's gradient dict, keys dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1: only dW1, db1, "
           "..., db3 go in, in that order")


@graded(GRADIENTS_TO_VECTOR, points=2)
@settings(max_examples=15)
@given(layer_dims=st.lists(st.integers(1, 4), min_size=2, max_size=5), m=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_gradients_to_vector_orders_dW1_db1_dW2_db2_for_any_network(impl, layer_dims, m, seed):
    rng = np.random.default_rng(seed)
    L = len(layer_dims) - 1
    grads = random_parameters(rng, layer_dims, prefix="d")
    gradients = {}
    for l in range(L, 0, -1):  # the order a backward pass fills the dict in
        gradients[f"dZ{l}"] = rng.normal(size=(layer_dims[l], m))
        gradients[f"dW{l}"], gradients[f"db{l}"] = grads[f"dW{l}"], grads[f"db{l}"]
        if l > 1:
            gradients[f"dA{l - 1}"] = rng.normal(size=(layer_dims[l - 1], m))
    _check(impl, gradients, L, f"layer sizes {layer_dims}, the dict filled from the last layer back")


@mutant(GRADIENTS_TO_VECTOR, "following the dict's own order (dW3 first, as the backward pass fills it)")
def gradients_dict_order(ref):
    def gradients_to_vector(gradients):
        return np.concatenate([value.reshape(-1, 1) for key, value in gradients.items()
                               if key.startswith(("dW", "db"))])
    return gradients_to_vector


@mutant(GRADIENTS_TO_VECTOR, "stacking every entry of the dict, dZ and dA included")
def gradients_everything(ref):
    return lambda gradients: np.concatenate([value.reshape(-1, 1) for value in gradients.values()])


@mutant(GRADIENTS_TO_VECTOR, "stacking each layer's db before its dW")
def gradients_b_first(ref):
    return rewrite(ref, "gradients_to_vector", 'for kind in "Wb"', 'for kind in "bW"')


@mutant(GRADIENTS_TO_VECTOR, "flattening column by column (Fortran order) instead of row by row")
def gradients_fortran(ref):
    return rewrite(ref, "gradients_to_vector", 'np.reshape(gradients[f"d{kind}{l}"], (-1, 1))',
                   'np.reshape(gradients[f"d{kind}{l}"], (-1, 1), order="F")')
