"""The graded tests of c2w3_softmax.hardmax, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant
from tests.c2w3_softmax.oracles import random_logits, TASK


def _check_one_hot_of_max(H, Z: np.ndarray, call: str) -> None:
    C, m = Z.shape
    H = checks.to_array(H, call=call)
    if H.shape in ((m,), (1, m)):
        checks.fail(f"{call}: the result has shape {H.shape}: these look like the argmax indices. "
                    f"hardmax returns the one-hot matrix of shape {(C, m)}: a 1 at the largest "
                    "entry of each column, 0 elsewhere")
    H = checks.check_shape(H, (C, m), call=call)
    if not np.isin(H, (0.0, 1.0)).all():
        checks.fail(f"{call}: the result should hold only 0s and 1s, got values such as "
                    f"{H[~np.isin(H, (0.0, 1.0))][0]:.6g}")
    ones = H.sum(axis=0)
    for j in range(m):
        if ones[j] != 1:
            tied = np.sum(Z[:, j] == Z[:, j].max()) > 1
            advice = ("on a tie hardmax still puts a single 1, at the first largest entry (as "
                      "np.argmax does); comparing Z with its max marks every tied entry" if tied else
                      "hardmax puts one 1 in each column, over the class axis 0")
            checks.fail(f"{call}: column {j} holds {int(ones[j])} ones, expected exactly 1. "
                        f"Z[:, {j}] = {np.round(Z[:, j], 4).tolist()}: {advice}")
        row = int(np.argmax(H[:, j]))
        if Z[row, j] != Z[:, j].max():
            checks.fail(f"{call}: column {j} has its 1 in row {row}, but the largest entry of "
                        f"Z[:, {j}] = {np.round(Z[:, j], 4).tolist()} is in row {int(np.argmax(Z[:, j]))} "
                        "(hardmax works on each column, over the class axis 0)")


@graded(TASK + "hardmax", points=1)
def test_hardmax_is_one_hot_of_each_columns_argmax(impl):
    Z = random_logits(5, 6, seed=1)
    call = checks.call("hardmax", Z=Z)
    H = impl.hardmax(Z)
    _check_one_hot_of_max(H, Z, call)
    checks.check_close(H, tf.one_hot(tf.argmax(Z, axis=0), 5, axis=0).numpy(), call=call)


@graded(TASK + "hardmax", points=1)
def test_hardmax_puts_one_one_per_column_on_ties(impl):
    Z = np.array([[2.0, 0.0, 1.0, -3.0],
                  [2.0, 1.0, 1.0, -3.0],
                  [0.0, 1.0, 1.0, -3.0]])
    _check_one_hot_of_max(impl.hardmax(Z), Z, checks.call("hardmax", Z=Z) + " with tied maxima")


@mutant(TASK + "hardmax", "returns the argmax indices instead of their one-hot matrix")
def hardmax_indices(ref):
    return lambda Z: np.argmax(Z, axis=0)


@mutant(TASK + "hardmax", "Z == max(Z): ties get several ones in one column")
def hardmax_ties_all_ones(ref):
    return lambda Z: (Z == Z.max(axis=0, keepdims=True)).astype(float)


@mutant(TASK + "hardmax", "argmax over axis 1 (rows) instead of the class axis 0")
def hardmax_wrong_axis(ref):
    def hardmax(Z):
        H = np.zeros_like(Z)
        H[np.arange(Z.shape[0]), np.argmax(Z, axis=1)] = 1.0
        return H
    return hardmax
