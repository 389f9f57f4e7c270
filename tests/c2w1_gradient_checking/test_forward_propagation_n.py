"""The graded tests of c2w1_gradient_checking.forward_propagation_n, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader import checks, graded, mutant, rewrite
from tests.c2w1_gradient_checking.oracles import (
    CACHE_NAMES, FORWARD_N, course_test_case, random_network, tf_forward)


def _check(impl: Any, X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray], what: str) -> None:
    call = checks.call("forward_propagation_n", X=X, Y=Y, parameters=parameters) + f" ({what})"
    cost, cache = checks.unpack(impl.forward_propagation_n(X, Y, parameters), ("cost", "cache"), call=call)
    expected_cost, expected_cache = tf_forward(X, Y, parameters)
    # rtol 1e-9: the gradient check divides differences of this cost by 2e-7, so it must be float64.
    checks.check_scalar(cost, expected_cost, call=call, name="the cost", rtol=1e-9, mistakes=checks.known_mistakes(
        FORWARD_N, X, Y, parameters, pick=lambda out: out[0]))
    if not isinstance(cache, (tuple, list)) or len(cache) != 12:
        checks.fail(f"{call}: the cache should be the course's tuple ({', '.join(CACHE_NAMES)}), got "
                    f"{type(cache).__name__}" + (f" of length {len(cache)}" if isinstance(cache, (tuple, list)) else ""))
    for i, (name, got, expected) in enumerate(zip(CACHE_NAMES, cache, expected_cache)):
        checks.check_close(got, expected, call=call, name=f"cache[{i}] ({name})", rtol=1e-9, atol=1e-12,
                           mistakes=checks.known_mistakes(FORWARD_N, X, Y, parameters, pick=lambda out, i=i: out[1][i]))


@graded(FORWARD_N, points=2)
def test_forward_propagation_n_matches_tensorflow(impl):
    _check(impl, *random_network(4, n_x=3, n1=4, n2=3, m=6), "a random network")
    _check(impl, *random_network(5, n_x=2, n1=3, n2=5, m=4), "another random network")


@graded(FORWARD_N, points=1)
def test_forward_propagation_n_on_the_course_test_case(impl):
    _check(impl, *course_test_case(), "the course's gradient_check_n_test_case")


@mutant(FORWARD_N, "the cost summed over the examples, without 1/m")
def forward_n_no_mean(ref):
    return rewrite(ref, "forward_propagation_n", "cost = float(1.0 / m * np.sum(log_probs))",
                   "cost = float(np.sum(log_probs))")


@mutant(FORWARD_N, "the cost without its minus sign")
def forward_n_no_minus(ref):
    return rewrite(ref, "forward_propagation_n", "cost = float(1.0 / m * np.sum(log_probs))",
                   "cost = float(-1.0 / m * np.sum(log_probs))")


@mutant(FORWARD_N, "no ReLU on the second layer (A2 = Z2)")
def forward_n_no_second_relu(ref):
    return rewrite(ref, "forward_propagation_n", "A2 = _relu(Z2)", "A2 = Z2")
