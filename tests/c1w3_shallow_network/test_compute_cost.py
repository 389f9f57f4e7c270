"""The graded tests of c1w3_shallow_network.compute_cost, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st
from sklearn.metrics import log_loss

from grader import checks, graded, mutant, rewrite
from tests.c1w3_shallow_network.oracles import COST, COURSE_COST, COURSE_COST_5, course_cost_case


def check_cost(impl, A2, Y, expected: float, note: str = "", **tolerance: float) -> None:
    call = checks.call("compute_cost", A2=A2, Y=Y) + note
    cost, mistakes = impl.compute_cost(A2, Y), checks.known_mistakes(COST, A2, Y)
    if not isinstance(cost, float) and cost is not None:
        named = mistakes.named(lambda value: not isinstance(value, float) and np.shape(value) == np.shape(cost))
        checks.fail(f"{call}: the cost should be a Python float, got {type(cost).__name__} of shape "
                    f"{np.shape(cost)} (the course's cost is float(...) of the sum){named}")
    checks.check_scalar(cost, expected, call=call, name="the cost", mistakes=mistakes, **tolerance)


def sklearn_cost(A2: np.ndarray, Y: np.ndarray) -> float:
    """scikit-learn's mean log loss: the cross-entropy averaged over the m examples."""
    return float(log_loss(np.asarray(Y, dtype=float).ravel(), A2.ravel(), labels=[0, 1]))


def random_case(m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0.05, 0.95, size=(1, m)), (rng.random((1, m)) < 0.5).astype(float)


@graded(COST, points=2)
def test_compute_cost_matches_sklearn_log_loss(impl):
    A2, Y = random_case(9, seed=3)
    check_cost(impl, A2, Y, sklearn_cost(A2, Y))


@graded(COST, points=1)
@settings(max_examples=15)
@given(m=st.integers(1, 20), seed=st.integers(0, 2**16))
def test_compute_cost_averages_over_the_examples_with_boolean_labels(impl, m, seed):
    # the course's labels are booleans (randn(1, m) > 0): 1 - Y must still mean "the other class"
    A2, Y = random_case(m, seed)
    check_cost(impl, A2, Y > 0.5, sklearn_cost(A2, Y), " (Y holds booleans)")


@graded(COST, points=1)
def test_compute_cost_reproduces_the_course(impl):
    A2, Y = course_cost_case()
    check_cost(impl, A2, Y, COURSE_COST, " (the course's compute_cost_test_case)", rtol=1e-12)
    A2, Y = course_cost_case(five=True)
    check_cost(impl, A2, Y, COURSE_COST_5, " (the course's public test)", rtol=1e-12)


@mutant(COST, "the cost without the 1/m (a sum, not a mean, over the examples)")
def cost_no_mean(ref):
    return rewrite(ref, "compute_cost", "cost = -np.sum(logprobs) / m", "cost = -np.sum(logprobs)")


@mutant(COST, "the logarithm of the labels Y instead of the predictions A2")
def cost_log_of_y(ref):
    return rewrite(ref, "compute_cost", "np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)",
                   "np.multiply(np.log(Y), A2) + np.multiply(np.log(1 - Y), 1 - A2)")


@mutant(COST, "the cost without its minus sign (a negative cost)")
def cost_no_minus(ref):
    return rewrite(ref, "compute_cost", "cost = -np.sum(logprobs) / m", "cost = np.sum(logprobs) / m")


@mutant(COST, "only the y·log(a2) term (the cost of the examples labelled 1)")
def cost_positive_term_only(ref):
    return rewrite(ref, "compute_cost", " + np.multiply(np.log(1 - A2), 1 - Y)", "")


@mutant(COST, "a (1, 1) NumPy array instead of a Python float")
def cost_array(ref):
    return rewrite(ref, "compute_cost", "return float(cost)", "return np.array([[cost]])")
