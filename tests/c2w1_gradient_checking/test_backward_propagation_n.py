"""The graded tests of c2w1_gradient_checking.backward_propagation_n, and the mutants they must catch.

The cache is built here (TensorFlow's forward pass in the course's layout), so the backward pass
is graded on its own, whatever the student's forward_propagation_n does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grader import checks, graded, mutant, rewrite
from tests.c2w1_gradient_checking.oracles import (
    BACKWARD_N, GRADIENT_KEYS, course_test_case, random_network, tape_gradients, tf_forward)

ADVICE = {
    "dW2": " The course's notebook plants a bug here: dW2 = 1/m·dZ2·A1ᵀ, without the factor 2.",
    "db1": " The course's notebook plants a bug here: db1 = 1/m·Σ dZ1 over the examples, not 4/m.",
}


def _check(impl: Any, X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray], what: str) -> None:
    _, cache = tf_forward(X, Y, parameters)
    call = checks.call("backward_propagation_n", X=X, Y=Y, cache=cache) + (
        f" (Z1, A1, W1, b1, ..., W3, b3, from the forward pass; {what})")
    gradients = impl.backward_propagation_n(X, Y, cache)
    if not isinstance(gradients, dict):
        checks.fail(f"{call} should return a dict of gradients, got {type(gradients).__name__}")
    missing = [key for key in GRADIENT_KEYS if key not in gradients]
    if missing:
        checks.fail(f"{call}: the gradients lack {missing}; expected the course's keys {list(GRADIENT_KEYS)}")
    expected = tape_gradients(X, Y, parameters)
    # dW and db first: they are what the gradient check compares; dZ and dA are per example (m·∂J/∂Z).
    for key in sorted(GRADIENT_KEYS, key=lambda k: (k[1] not in "Wb", -int(k[2]), k)):
        per_example = " (per example, as the course keeps it: m·∂J/∂" + key[1:] + ")" if key[1] in "ZA" else ""
        try:
            checks.check_close(gradients[key], expected[key], call=call, name=key + per_example, rtol=1e-7, atol=1e-12,
                               mistakes=checks.known_mistakes(BACKWARD_N, X, Y, cache, pick=lambda out, k=key: out[k]))
        except pytest.fail.Exception as err:
            if key in ADVICE:
                checks.fail(str(err) + ADVICE[key])
            raise


@graded(BACKWARD_N, points=3)
def test_backward_propagation_n_matches_gradient_tape(impl):
    _check(impl, *random_network(6, n_x=3, n1=4, n2=3, m=6), "a random network")
    _check(impl, *random_network(7, n_x=4, n1=2, n2=5, m=3), "another random network")


@graded(BACKWARD_N, points=1)
def test_backward_propagation_n_on_the_course_test_case(impl):
    _check(impl, *course_test_case(), "the course's gradient_check_n_test_case")


@mutant(BACKWARD_N, "the course's planted bugs (dW2 = 1/m·dZ2·A1ᵀ·2 and db1 = 4/m·Σ dZ1)")
def backward_n_course_bugs(ref):
    correct = ref.backward_propagation_n  # bound now: ref.backward_propagation_n becomes this mutant

    def backward_propagation_n(X, Y, cache):
        gradients = correct(X, Y, cache)
        return {**gradients, "dW2": gradients["dW2"] * 2, "db1": gradients["db1"] * 4}
    return backward_propagation_n


@mutant(BACKWARD_N, "no ReLU derivative in the first layer (dZ1 = dA1)")
def backward_n_no_relu_derivative(ref):
    return rewrite(ref, "backward_propagation_n", "dZ1 = np.multiply(dA1, A1 > 0)", "dZ1 = dA1")


@mutant(BACKWARD_N, "dZ3 = (A3 - Y) / m, dividing by m twice")
def backward_n_dz3_over_m(ref):
    return rewrite(ref, "backward_propagation_n", "dZ3 = A3 - Y", "dZ3 = (A3 - Y) / m")


@mutant(BACKWARD_N, "db summed over every entry (np.sum without axis=1) instead of over the examples")
def backward_n_db_over_everything(ref):
    return rewrite(ref, "backward_propagation_n", "db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)",
                   "db2 = 1.0 / m * np.sum(dZ2, keepdims=True)")
