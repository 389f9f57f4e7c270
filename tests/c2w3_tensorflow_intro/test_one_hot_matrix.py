"""The graded tests of c2w3_tensorflow_intro.one_hot_matrix, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant
from tests.c2w3_tensorflow_intro.oracles import TASK, watched


def _check_float(got: Any, call: str) -> None:
    dtype = getattr(got, "dtype", None)
    if dtype is None or not tf.as_dtype(dtype).is_floating:
        checks.fail(f"{call} returned {type(got).__name__} of dtype {dtype}; expected float32, "
                    "tf.one_hot's default, which the loss needs")


@graded(TASK + "one_hot_matrix", points=1)
def test_one_hot_matrix_single_label_is_a_vector_of_length_depth(impl):
    for label, depth in [(0, 4), (1, 4), (2, 4), (3, 4), (7, 10), (0, 1)]:
        call = f"one_hot_matrix({label}, depth={depth})"
        got, _, _ = watched(impl.one_hot_matrix, label, depth)
        _check_float(got, call)
        checks.check_close(got, np.eye(depth)[label], call=call, name="the one-hot vector")


@graded(TASK + "one_hot_matrix", points=1)
def test_one_hot_matrix_labels_become_columns(impl):
    for labels, depth in [(np.array([2, 0, 1, 2, 3, 0]), 4), (np.array([1, 0, 3]), 7)]:
        call = f"one_hot_matrix({labels.tolist()}, depth={depth})"
        got, _, _ = watched(impl.one_hot_matrix, labels, depth)
        _check_float(got, call)
        checks.check_close(got, np.eye(depth)[labels].T, call=call,
                           name="Y (depth, m), column j encoding label j")


@mutant(TASK + "one_hot_matrix", "tf.one_hot's default axis=-1 (one row per example)")
def one_hot_rows(ref):
    return lambda label, depth: tf.one_hot(label, depth)


@mutant(TASK + "one_hot_matrix", "depth hard-coded to 6 (the course's SIGNS classes)")
def one_hot_depth_six(ref):
    return lambda label, depth: tf.one_hot(label, 6, axis=0)


@mutant(TASK + "one_hot_matrix", "depth taken from the labels (max(label) + 1)")
def one_hot_depth_from_labels(ref):
    return lambda label, depth: tf.one_hot(label, int(np.max(label)) + 1, axis=0)
