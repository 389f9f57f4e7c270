"""The graded tests of mls_model_evaluation.eval_cat_err, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import zero_one_loss

from grader import checks, graded, mutant, rewrite
from tests.mls_model_evaluation.oracles import TASK

FUNCTION = TASK + "eval_cat_err"

# The course's public tests of eval_cat_err (C2_W3_Assignment), called as the course calls it; the
# last one, on (4, 1) arrays, is the notebook's "categorization error 0.250" and must be a scalar.
COURSE_CASES = (
    ([1, 0, 1, 1, 1, 0], [0, 1, 0, 0, 0, 1], 1.0),
    ([1, 2, 0], [1, 2, 3], 1.0 / 3.0),
    ([1, 0, 1, 1, 1, 0], [1, 1, 1, 0, 0, 0], 0.5),
    ([[1], [2], [0], [3]], [[1], [2], [1], [3]], 0.25),
)


@graded(FUNCTION, points=1)
def test_eval_cat_err_reproduces_the_course(impl):
    for y_hat, y_tmp, expected in COURSE_CASES:
        y_hat, y_tmp = np.array(y_hat), np.array(y_tmp)
        call = checks.call("eval_cat_err", y=y_hat, yhat=y_tmp) + f" (the course's test: y={y_hat.tolist()}, yhat={y_tmp.tolist()})"
        checks.check_scalar(impl.eval_cat_err(y_hat, y_tmp), expected, call=call, name="the error", atol=1e-9,
                            mistakes=checks.known_mistakes(FUNCTION, y_hat, y_tmp))


@graded(FUNCTION, points=2)
def test_eval_cat_err_matches_sklearn_zero_one_loss(impl):
    rng = np.random.default_rng(4)
    for shape in ((20,), (15, 1)):
        y = rng.integers(0, 6, size=shape)
        yhat = np.where(rng.random(size=shape) < 0.7, y, rng.integers(0, 6, size=shape))
        call = checks.call("eval_cat_err", y=y, yhat=yhat)
        expected = float(zero_one_loss(y.reshape(-1), yhat.reshape(-1)))
        checks.check_scalar(impl.eval_cat_err(y, yhat), expected, call=call, name="the error",
                            mistakes=checks.known_mistakes(FUNCTION, y, yhat))


@mutant(FUNCTION, "the share of correct predictions (the accuracy) instead of the wrong ones")
def cat_err_counts_the_correct_ones(ref):
    return rewrite(ref, "eval_cat_err", "np.mean(yhat != y)", "np.mean(yhat == y)")


@mutant(FUNCTION, "the number of wrong predictions, not divided by m")
def cat_err_not_divided(ref):
    return rewrite(ref, "eval_cat_err", "np.mean(yhat != y)", "np.sum(yhat != y)")
