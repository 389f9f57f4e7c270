"""The graded tests of c1w2_logistic_regression.predict, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant, rewrite
from tests.c1w2_logistic_regression.oracles import TASK, predictions, random_problem


def _check_predict(impl, w, b, X, expected: np.ndarray, call: str) -> None:
    got = impl.predict(w, b, X)
    mistakes = checks.known_mistakes(TASK + "predict", w, b, X)
    dtype = getattr(got, "dtype", None)
    if dtype is not None and np.dtype(dtype).kind != "f":
        checks.fail(f"{call}: the predictions have dtype {dtype}, expected floats 0. and 1. "
                    "(e.g. (A > 0.5).astype(float))" + mistakes.named(lambda out: out.dtype == dtype))
    checks.check_close(got, expected, call=call, name="Y_prediction", mistakes=mistakes)


@graded(TASK + "predict", points=2)
def test_predict_thresholds_the_sigmoid_at_one_half(impl):
    w, b, X, _ = random_problem(3, 15, seed=6)
    _check_predict(impl, w, b, X, predictions(w, b, X), checks.call("predict", w=w, b=b, X=X))


@graded(TASK + "predict", points=1)
def test_predict_is_0_where_the_probability_is_exactly_one_half(impl):
    # z = x1 - x2 is exactly 0 in the columns where x1 == x2: sigmoid(0) = 0.5 is not > 0.5.
    w, b = np.array([[1.0], [-1.0]]), 0.0
    X = np.array([[0.3, 1.0, -2.0, 0.7, 5.0], [0.3, 0.0, -2.0, 0.9, 5.0]])
    call = checks.call("predict", w=w, b=b, X=X) + " where sigmoid(z) is exactly 0.5 in columns 0, 2 and 4"
    _check_predict(impl, w, b, X, np.array([[0.0, 1.0, 0.0, 0.0, 0.0]]), call + " (1 only where A > 0.5)")


@graded(TASK + "predict", points=1)
def test_predict_reproduces_the_course(impl):
    w, b, X = np.array([[0.1124579], [0.23106775]]), -0.3, np.array([[1., -1.1, -3.2], [1.2, 2., 0.1]])
    _check_predict(impl, w, b, X, np.array([[1.0, 1.0, 0.0]]),
                   checks.call("predict", w=w, b=b, X=X) + " (the course's example)")


@mutant(TASK + "predict", "A >= 0.5, a probability of exactly 0.5 predicted as 1")
def predict_greater_or_equal(ref):
    return rewrite(ref, "predict", "A > 0.5", "A >= 0.5")


@mutant(TASK + "predict", "the booleans A > 0.5 instead of the floats 0. and 1.")
def predict_booleans(ref):
    return rewrite(ref, "predict", "(A > 0.5).astype(np.float64)", "A > 0.5")


@mutant(TASK + "predict", "the probabilities A themselves, never thresholded")
def predict_probabilities(ref):
    return rewrite(ref, "predict", "(A > 0.5).astype(np.float64)", "A")


@mutant(TASK + "predict", "A < 0.5, the two labels swapped")
def predict_flipped(ref):
    return rewrite(ref, "predict", "A > 0.5", "A < 0.5")
