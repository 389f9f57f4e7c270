"""The graded tests of c1w3_shallow_network.layer_sizes, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c1w3_shallow_network.oracles import LAYER_SIZES, course_layer_sizes_case


def check_sizes(impl, X: np.ndarray, Y: np.ndarray, expected: tuple[int, int, int], note: str = "") -> None:
    call = checks.call("layer_sizes", X=X, Y=Y) + note
    sizes = checks.unpack(impl.layer_sizes(X, Y), ("n_x", "n_h", "n_y"), call=call)
    for name, value in zip(("n_x", "n_h", "n_y"), sizes):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            checks.fail(f"{call}: {name} should be an integer, got {type(value).__name__} {value!r:.40}")
    checks.check_equal(tuple(int(v) for v in sizes), expected, call=call, name="(n_x, n_h, n_y)",
                       mistakes=checks.known_mistakes(LAYER_SIZES, X, Y, pick=lambda out: tuple(int(v) for v in out)))


@graded(LAYER_SIZES, points=1)
def test_layer_sizes_reproduces_the_course(impl):
    X, Y = course_layer_sizes_case()
    check_sizes(impl, X, Y, (5, 4, 2), " (the course's layer_sizes_test_case)")


@graded(LAYER_SIZES, points=2)
@settings(max_examples=15)
@given(n_x=st.integers(1, 9), n_y=st.integers(1, 4), m=st.integers(1, 12))
def test_layer_sizes_reads_the_rows_of_X_and_Y(impl, n_x, n_y, m):
    # one example per column: the sizes are the numbers of rows; the hidden layer has 4 units
    X, Y = np.zeros((n_x, m)), np.ones((n_y, m))
    check_sizes(impl, X, Y, (n_x, 4, n_y), " (one example per column)")


@mutant(LAYER_SIZES, "n_h = X.shape[0] (the input size instead of the course's 4 hidden units)")
def sizes_hidden_from_x(ref):
    return rewrite(ref, "layer_sizes", "n_h = 4", "n_h = X.shape[0]")


@mutant(LAYER_SIZES, "n_x and n_y swapped (Y's rows as the input size)")
def sizes_swapped(ref):
    return rewrite(ref, "layer_sizes", "return int(n_x), n_h, int(n_y)", "return int(n_y), n_h, int(n_x)")


@mutant(LAYER_SIZES, "n_x = X.shape[1] (the number of examples instead of the number of features)")
def sizes_examples(ref):
    return rewrite(ref, "layer_sizes", "n_x = X.shape[0]", "n_x = X.shape[1]")
