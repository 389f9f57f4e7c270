"""The graded tests of mls_model_evaluation.eval_mse, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant, rewrite
from tests.mls_model_evaluation.oracles import TASK, half_mse

FUNCTION = TASK + "eval_mse"

# The course's public tests of eval_mse (C2_W3_Assignment), called as the course calls it.
COURSE_CASES = (
    ([2.4, 4.2], [2.3, 4.1], 0.005),
    ([3.0] * 10, [3.0] * 10, 0.0),
    ([3.0], [0.0], 4.5),
    ([3.0] * 5, [2.0] * 5, 0.5),
)


@graded(FUNCTION, points=1)
def test_eval_mse_reproduces_the_course(impl):
    for y_hat, y_tmp, expected in COURSE_CASES:
        y_hat, y_tmp = np.array(y_hat), np.array(y_tmp)
        call = checks.call("eval_mse", y=y_hat, yhat=y_tmp) + f" (the course's test: y={y_hat.tolist()}, yhat={y_tmp.tolist()})"
        checks.check_scalar(impl.eval_mse(y_hat, y_tmp), expected, call=call, name="the error", atol=1e-9,
                            mistakes=checks.known_mistakes(FUNCTION, y_hat, y_tmp))


@graded(FUNCTION, points=2)
def test_eval_mse_is_half_of_sklearn_mean_squared_error(impl):
    rng = np.random.default_rng(3)
    for shape in ((7,), (12, 1)):
        y = rng.normal(size=shape) * 4.0
        yhat = y + rng.normal(size=shape) * 3.0
        call = checks.call("eval_mse", y=y, yhat=yhat)
        checks.check_scalar(impl.eval_mse(y, yhat), half_mse(y, yhat), call=call, name="the error",
                            mistakes=checks.known_mistakes(FUNCTION, y, yhat))


@mutant(FUNCTION, "the mean squared error with 1/m instead of 1/(2m)")
def mse_without_the_half(ref):
    return rewrite(ref, "eval_mse", "/ (2 * m)", "/ m")


@mutant(FUNCTION, "the absolute error |yhat - y| instead of its square")
def mse_without_the_square(ref):
    return rewrite(ref, "eval_mse", "np.sum((yhat - y) ** 2)", "np.sum(np.abs(yhat - y))")
