"""The graded tests of c2w3_softmax.softmax_cross_entropy_cost, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
import scipy.special
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant
from tests.c2w3_softmax.oracles import random_logits, one_hot_columns, cce, TASK, tf_softmax


@graded(TASK + "softmax_cross_entropy_cost", points=2)
def test_softmax_cross_entropy_cost_matches_keras(impl):
    C, m = 4, 6
    Z = random_logits(C, m, seed=2, scale=1.5)
    A = tf_softmax(Z)
    Y = one_hot_columns(np.array([0, 3, 1, 1, 2, 0]), C)
    call = checks.call("softmax_cross_entropy_cost", A=A, Y=Y)
    cost = impl.softmax_cross_entropy_cost(A, Y)
    expected = float(cce(Y, A, from_logits=False))
    if not np.all(np.isfinite(checks.to_array(cost, call=call, name="the cost"))):
        checks.fail(f"{call}: the cost is {cost}, expected {expected:.6g}. Y holds zeros, so "
                    "log(Y) is -inf: the cross-entropy is -sum(Y * log(A)), the log of the "
                    "predictions A")
    checks.check_scalar(cost, expected, call=call, name="the cost",
                        mistakes=checks.known_mistakes(TASK + "softmax_cross_entropy_cost", A, Y))


@graded(TASK + "softmax_cross_entropy_cost", points=1)
@settings(max_examples=20)
@given(C=st.integers(2, 6), m=st.integers(1, 9), seed=st.integers(0, 2**16))
def test_softmax_cross_entropy_cost_equals_cross_entropy_of_logits(impl, C, m, seed):
    rng = np.random.default_rng(seed)
    Z = 2.0 * rng.normal(size=(C, m))
    Y = np.eye(C)[:, rng.integers(0, C, size=m)]
    A = scipy.special.softmax(Z, axis=0)  # an input; the oracle is Keras (student code runs first)
    cost = impl.softmax_cross_entropy_cost(A, Y)
    call = checks.call("softmax_cross_entropy_cost", A=A, Y=Y)
    checks.check_scalar(cost, float(cce(Y, Z, from_logits=True)), call=call, name="the cost")


@mutant(TASK + "softmax_cross_entropy_cost", "summing over the examples instead of averaging (a missing 1/m)")
def cost_summed(ref):
    return lambda A, Y: float(-np.sum(Y * np.log(A)))


@mutant(TASK + "softmax_cross_entropy_cost", "the log of the labels Y instead of the predictions A")
def cost_log_of_labels(ref):
    def softmax_cross_entropy_cost(A, Y):
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(-np.sum(A * np.log(Y)) / Y.shape[1])
    return softmax_cross_entropy_cost


@mutant(TASK + "softmax_cross_entropy_cost", "averaging over all C*m entries instead of over the m examples")
def cost_mean_over_entries(ref):
    return lambda A, Y: float(-np.mean(Y * np.log(A)))


@mutant(TASK + "softmax_cross_entropy_cost", "a missing minus sign")
def cost_no_minus(ref):
    return lambda A, Y: float(np.sum(Y * np.log(A)) / Y.shape[1])


@mutant(TASK + "softmax_cross_entropy_cost", "np.squeeze(cost), a 0-d array instead of a Python float")
def cost_numpy_scalar(ref):
    return lambda A, Y: np.squeeze(-np.sum(Y * np.log(A), keepdims=True) / Y.shape[1])


@mutant(TASK + "softmax_cross_entropy_cost", "the binary cross-entropy formula (for sigmoid outputs, not softmax)")
def cost_binary(ref):
    return lambda A, Y: float(-np.mean(np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=0)))
