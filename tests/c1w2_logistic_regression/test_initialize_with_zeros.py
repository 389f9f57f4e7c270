"""The graded tests of c1w2_logistic_regression.initialize_with_zeros, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant
from tests.c1w2_logistic_regression.oracles import TASK


def _check_initialization(impl, dim: int, call: str) -> None:
    mistakes = checks.known_mistakes(TASK + "initialize_with_zeros", dim)
    w, b = checks.unpack(impl.initialize_with_zeros(dim), ("w", "b"), call=call)
    if getattr(w, "dtype", np.dtype(float)).kind != "f":
        checks.fail(f"{call}: w has dtype {w.dtype}, expected floats (np.zeros gives float64 unless told otherwise)")
    checks.check_close(w, np.zeros((dim, 1)), call=call, name="w",
                       mistakes=checks.known_mistakes(TASK + "initialize_with_zeros", dim, pick=lambda out: out[0]))
    checks.check_close(b, 0.0, call=call, name="b",
                       mistakes=checks.known_mistakes(TASK + "initialize_with_zeros", dim, pick=lambda out: out[1]))
    if not isinstance(b, float):
        named = mistakes.named(lambda out: type(out[1]) is type(b))
        checks.fail(f"{call}: b should be the Python float 0.0, got {type(b).__name__} {b!r}{named}")


@graded(TASK + "initialize_with_zeros", points=2)
def test_initialize_with_zeros_gives_a_zero_column_and_a_float_bias(impl):
    for dim in (1, 3, 7):
        _check_initialization(impl, dim, checks.call("initialize_with_zeros", dim=dim))


@graded(TASK + "initialize_with_zeros", points=1)
def test_initialize_with_zeros_reproduces_the_course(impl):
    _check_initialization(impl, 2, checks.call("initialize_with_zeros", dim=2) + " (the course's example)")


@mutant(TASK + "initialize_with_zeros", "w of shape (dim,), a 1-D array instead of the column (dim, 1)")
def zeros_flat_w(ref):
    return lambda dim: (np.zeros(dim), 0.0)


@mutant(TASK + "initialize_with_zeros", "b = 0, the int instead of the float 0.0")
def zeros_int_bias(ref):
    return lambda dim: (np.zeros((dim, 1)), 0)


@mutant(TASK + "initialize_with_zeros", "b = np.zeros((1, 1)), a (1, 1) array instead of a number")
def zeros_array_bias(ref):
    return lambda dim: (np.zeros((dim, 1)), np.zeros((1, 1)))
