"""The graded tests of c2w3_softmax.softmax_backward, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
import scipy.special
import tensorflow as tf
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant
from tests.c2w3_softmax.oracles import random_logits, one_hot_columns, cce, TASK


def _tape_dZ(Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """m * dJ/dZ for the mean cross-entropy J: the per-example dZ = dL/dz of each column."""
    Zv = tf.Variable(Z, dtype=tf.float64)
    with tf.GradientTape() as tape:
        J = cce(Y, Zv, from_logits=True)
    return Z.shape[1] * tape.gradient(J, Zv).numpy()


def _check_backward(impl, Z: np.ndarray, Y: np.ndarray) -> None:
    A = scipy.special.softmax(Z, axis=0)  # an input; the oracle is the tape (student code runs first)
    dZ = impl.softmax_backward(A, Y)
    call = checks.call("softmax_backward", A=A, Y=Y)
    checks.check_close(dZ, _tape_dZ(Z, Y), call=call, name="dZ",
                       mistakes=checks.known_mistakes(TASK + "softmax_backward", A, Y))


@graded(TASK + "softmax_backward", points=2)
def test_softmax_backward_matches_gradient_tape(impl):
    _check_backward(impl, random_logits(4, 6, seed=3), one_hot_columns(np.array([2, 0, 3, 3, 1, 0]), 4))


@graded(TASK + "softmax_backward", points=1)
@settings(max_examples=20)
@given(C=st.integers(2, 5), m=st.integers(2, 8), seed=st.integers(0, 2**16))
def test_softmax_backward_matches_gradient_tape_for_soft_labels(impl, C, m, seed):
    rng = np.random.default_rng(seed)
    Y = rng.dirichlet(np.ones(C), size=m).T  # each column a distribution over the C classes
    _check_backward(impl, 2.0 * rng.normal(size=(C, m)), Y)


@mutant(TASK + "softmax_backward", "Y - A (the sign flipped)")
def backward_wrong_sign(ref):
    return lambda A, Y: Y - A


@mutant(TASK + "softmax_backward", "dividing dZ by m (dZ is per example, dZ = A - Y; the 1/m belongs to dW and db)")
def backward_divided_by_m(ref):
    return lambda A, Y: (A - Y) / Y.shape[1]


@mutant(TASK + "softmax_backward", "multiplying by A*(1 - A), the sigmoid's derivative")
def backward_sigmoid_derivative(ref):
    return lambda A, Y: (A - Y) * A * (1 - A)
