"""The graded tests of c1w3_shallow_network.predict, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant, rewrite
from tests.c1w3_shallow_network.oracles import (COURSE_PREDICTIONS, PREDICT, course_predict_case, random_problem,
                                                tf_forward)


def check_predict(impl, parameters, X, expected: np.ndarray, note: str = "") -> None:
    call = checks.call("predict", parameters=parameters, X=X) + note
    predictions = impl.predict(parameters, X)
    checks.check_close(predictions, expected, call=call, name="the predictions", rtol=0.0, atol=0.0,
                       mistakes=checks.known_mistakes(PREDICT, parameters, X))
    dtype = np.asarray(predictions).dtype
    if dtype != np.bool_:
        named = checks.known_mistakes(PREDICT, parameters, X).named(  # the same values and the same dtype
            lambda value: np.asarray(value).dtype == dtype and checks.same(value, predictions, rtol=0.0, atol=0.0))
        checks.fail(f"{call}: the predictions have the right values but dtype {dtype}, expected booleans "
                    f"(the array A2 > 0.5 itself, True for blue){named}")


@graded(PREDICT, points=2)
def test_predict_is_a2_above_one_half(impl):
    # the oracle: A2 of tf.tanh / tf.sigmoid on the same parameters, compared with 0.5
    X, _, parameters = random_problem(n_x=3, n_h=5, m=40, seed=12, scale=3.0)
    check_predict(impl, parameters, X, tf_forward(X, parameters)["A2"] > 0.5)


@graded(PREDICT, points=1)
def test_predict_says_false_at_exactly_one_half(impl):
    # W2 = 0 and b2 = 0 make Z2 = 0 and A2 = sigmoid(0) = 0.5 exactly: not above 0.5, so False
    X, _, parameters = random_problem(n_x=2, n_h=3, m=5, seed=13)
    parameters = {**parameters, "W2": np.zeros((1, 3)), "b2": np.zeros((1, 1))}
    check_predict(impl, parameters, X, np.zeros((1, 5), dtype=bool), " (A2 = 0.5 for every example)")


@graded(PREDICT, points=1)
def test_predict_reproduces_the_course(impl):
    parameters, X = course_predict_case()
    check_predict(impl, parameters, X, np.array(COURSE_PREDICTIONS), " (the course's predict_test_case: mean 2/3)")


@mutant(PREDICT, "the probabilities A2 instead of the booleans A2 > 0.5")
def predict_probabilities(ref):
    return rewrite(ref, "predict", "predictions = A2 > 0.5", "predictions = A2")


@mutant(PREDICT, "A2 >= 0.5 (True at exactly 0.5)")
def predict_greater_equal(ref):
    return rewrite(ref, "predict", "predictions = A2 > 0.5", "predictions = A2 >= 0.5")


@mutant(PREDICT, "0./1. floats instead of booleans")
def predict_floats(ref):
    return rewrite(ref, "predict", "predictions = A2 > 0.5", "predictions = (A2 > 0.5).astype(float)")


@mutant(PREDICT, "Z2 > 0.5 (the logits compared with 0.5 instead of the probabilities)")
def predict_logits(ref):
    return rewrite(ref, "predict", "A2, _ = forward_propagation(X, parameters)\n    predictions = A2 > 0.5",
                   "A2, cache = forward_propagation(X, parameters)\n    predictions = cache['Z2'] > 0.5")
