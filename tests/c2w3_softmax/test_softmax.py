"""The graded tests of c2w3_softmax.softmax, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant
from tests.c2w3_softmax.oracles import random_logits, fail_if_not_finite, TASK, tf_softmax


MAX_SHIFT_ADVICE = ("np.exp overflows to inf above about 709 and inf/inf is nan; subtract each "
                    "column's own max before exponentiating: softmax(z) = softmax(z - max(z)).")


@graded(TASK + "softmax", points=2)
def test_softmax_matches_tf_nn_softmax(impl):
    Z = random_logits(4, 7, seed=0)
    call = checks.call("softmax", Z=Z)
    checks.check_close(impl.softmax(Z), tf_softmax(Z), call=call,
                       mistakes=checks.known_mistakes(TASK + "softmax", Z))


@graded(TASK + "softmax", points=2)
def test_softmax_stays_finite_for_large_logits(impl):
    # Column 2 lives near -1000 while column 0 reaches +1000: only a per-column max is safe.
    Z = np.array([[1000.0, 0.0, -1000.0, 10.0],
                  [999.0, -1000.0, -1001.0, 1000.0],
                  [-1000.0, 1000.0, -1003.0, -1000.0]])
    call = checks.call("softmax", Z=Z) + " holding logits of ±1000"
    A = checks.check_shape(impl.softmax(Z), Z.shape, call=call)
    fail_if_not_finite(A, call, MAX_SHIFT_ADVICE + " One max over the whole array is not enough: "
                        "a column of logits near -1000 then underflows to 0/0.")
    checks.check_close(A, tf_softmax(Z), call=call)


@graded(TASK + "softmax", points=1)
@settings(max_examples=25)
@given(C=st.integers(1, 5), m=st.integers(1, 6), seed=st.integers(0, 2**16),
       scale=st.sampled_from([0.1, 5.0, 60.0]))
def test_softmax_columns_are_probability_distributions(impl, C, m, seed, scale):
    Z = random_logits(C, m, seed, scale)
    call = checks.call("softmax", Z=Z)
    A = checks.check_shape(impl.softmax(Z), (C, m), call=call)
    fail_if_not_finite(A, call, MAX_SHIFT_ADVICE)
    sums = A.sum(axis=0)
    if not np.allclose(sums, 1.0, atol=1e-9):
        j = int(np.argmax(np.abs(sums - 1.0)))
        checks.fail(f"{call}: column {j} sums to {sums[j]:.6g}, expected 1 (softmax normalises each "
                    "column, the classes of one example, over axis 0)")
    checks.check_close(A, tf_softmax(Z), call=call)


@mutant(TASK + "softmax", "softmax over axis 1 (each row instead of each column)")
def softmax_wrong_axis(ref):
    def softmax(Z):
        T = np.exp(Z - Z.max(axis=1, keepdims=True))
        return T / T.sum(axis=1, keepdims=True)
    return softmax


@mutant(TASK + "softmax", "softmax without the max shift (np.exp overflows to inf above about 709, and inf/inf is nan)")
def softmax_no_max_shift(ref):
    def softmax(Z):
        T = np.exp(Z)
        return T / T.sum(axis=0, keepdims=True)
    return softmax


@mutant(TASK + "softmax", "subtracting the max of the whole array instead of each column's own max")
def softmax_global_max(ref):
    def softmax(Z):
        T = np.exp(Z - Z.max())
        return T / T.sum(axis=0, keepdims=True)
    return softmax


@mutant(TASK + "softmax", "dividing by the sum over the whole array instead of each column's sum")
def softmax_sum_over_everything(ref):
    def softmax(Z):
        T = np.exp(Z - Z.max(axis=0, keepdims=True))
        return T / T.sum()
    return softmax


@mutant(TASK + "softmax", "exp(Z) alone, without dividing by each column's sum")
def softmax_not_normalised(ref):
    return np.exp
