"""The graded tests of mls_model_evaluation.learning_curve, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import learning_curve as sklearn_learning_curve

from grader import checks, graded, mutant, rewrite
from tests.mls_model_evaluation.oracles import (TASK, Fitter, half_mse, polynomial_regression, regression_data,
                                                sklearn_curve)

FUNCTION = TASK + "learning_curve"
NAMES = ("sizes", "j_train", "j_cv")
SIZES = [4, 8, 15, 30, 60]


def curve_call(X_train, y_train, X_cv, y_cv, sizes, **kwargs) -> str:
    return checks.call("learning_curve", fit="fit", X_train=X_train, y_train=y_train, X_cv=X_cv, y_cv=y_cv,
                       sizes=sizes, **kwargs).replace("fit='fit'", "fit")


def run_curve(impl, estimator, data, sizes, **kwargs):
    """The call, its (sizes, j_train, j_cv) checked for structure, and the Fitter it was given."""
    fit = Fitter(estimator)
    call = curve_call(*data, sizes, **{k: getattr(v, "__name__", v) for k, v in kwargs.items()})
    out = checks.unpack(impl.learning_curve(fit, *data, list(sizes), **kwargs), NAMES, call=call)
    checks.check_equal(list(np.asarray(out[0]).reshape(-1)), list(sizes), call=call, name="the sizes returned")
    return out, call, fit


def mistakes_for(estimator, data, sizes, pick, **kwargs):
    return checks.known_mistakes(FUNCTION, run=lambda module: pick(
        module.learning_curve(Fitter(estimator), *data, list(sizes), **kwargs)))


@graded(FUNCTION, points=3)
def test_learning_curve_matches_sklearn_learning_curve(impl):
    data = regression_data(seed=1)
    for estimator, label in ((LinearRegression(), "a straight line"), (polynomial_regression(4), "a degree-4 polynomial")):
        (_, j_train, j_cv), call, _ = run_curve(impl, estimator, data, SIZES, error=half_mse)
        call += f", fit training {label}"
        expected_train, expected_cv = sklearn_curve(estimator, *data, SIZES)
        for k, (got, expected, name) in enumerate(((j_train, expected_train, "j_train (measured on the m examples it "
                                                    "was trained on)"), (j_cv, expected_cv, "j_cv (on the whole cv set)"))):
            checks.check_close(got, expected, call=call + " (expected: sklearn.model_selection.learning_curve, "
                               "unshuffled, on this one split, its squared errors halved)", name=name,
                               mistakes=mistakes_for(estimator, data, SIZES, lambda out, k=k: out[k + 1], error=half_mse))


@graded(FUNCTION, points=2)
def test_learning_curve_trains_on_the_first_m_examples(impl):
    data = regression_data(seed=2)
    X_train, y_train = data[0], data[1]
    _, call, fit = run_curve(impl, LinearRegression(), data, SIZES, error=half_mse)
    expected = [(X_train[:m], y_train[:m]) for m in SIZES]
    if checks.same(fit.calls, expected, rtol=0, atol=0):
        return

    def calls_of(module):
        recorder = Fitter(LinearRegression())
        module.learning_curve(recorder, *data, list(SIZES), error=half_mse)
        return recorder.calls

    named = checks.known_mistakes(FUNCTION, run=calls_of).equal_to(fit.calls, rtol=0, atol=0)
    if len(fit.calls) != len(SIZES):
        checks.fail(f"{call}: fit was called {len(fit.calls)} times, expected once per size ({len(SIZES)} times), "
                    f"each time on a fresh model{named}")
    k = next(k for k, (got, want) in enumerate(zip(fit.calls, expected)) if not checks.same(got, want, rtol=0, atol=0))
    X, y = fit.calls[k]
    checks.fail(f"{call}: call {k + 1} of fit got X of shape {X.shape} and y of shape {y.shape}, expected the first "
                f"{SIZES[k]} training examples, fit(X_train[:{SIZES[k]}], y_train[:{SIZES[k]}]), in order{named}")


@graded(FUNCTION, points=2)
def test_learning_curve_uses_the_error_function(impl):
    data = regression_data(seed=3)
    estimator = polynomial_regression(2)
    (_, j_train, j_cv), call, _ = run_curve(impl, estimator, data, SIZES, error=mean_absolute_error)
    split = [(np.arange(len(data[0])), np.arange(len(data[0]), len(data[0]) + len(data[2])))]
    _, train, cv = sklearn_learning_curve(estimator, np.concatenate([data[0], data[2]]), np.concatenate([data[1], data[3]]),
                      train_sizes=SIZES, cv=split, scoring="neg_mean_absolute_error", shuffle=False)
    for k, (got, want, name) in enumerate(((j_train, -train[:, 0], "j_train"), (j_cv, -cv[:, 0], "j_cv"))):
        checks.check_close(got, want, call=call + " (the errors must come from error(y, yhat), here the mean "
                           "absolute error; expected: sklearn's learning_curve with that scoring)", name=name,
                           mistakes=mistakes_for(estimator, data, SIZES, lambda out, k=k: out[k + 1],
                                                 error=mean_absolute_error))


@graded(FUNCTION, points=1)
def test_learning_curve_defaults_to_eval_mse(impl):
    data = regression_data(seed=4)
    (_, j_train, j_cv), call, _ = run_curve(impl, LinearRegression(), data, SIZES)
    (_, j_train_mse, j_cv_mse), _, _ = run_curve(impl, LinearRegression(), data, SIZES, error=impl.eval_mse)
    checks.check_close(j_train, j_train_mse, call=call, name="j_train without error= (expected: the same as with "
                       "error=eval_mse, your own eval_mse)")
    checks.check_close(j_cv, j_cv_mse, call=call, name="j_cv without error= (expected: the same as with error=eval_mse)")


@graded(FUNCTION, points=1)
def test_learning_curve_j_train_rises_and_j_cv_falls(impl):
    # A well-specified model (a parabola fitted to a parabola plus noise): the course's picture. The
    # data are fixed (seed 10), so the expected curves are too (they are sklearn's, see the test
    # above); on this data set they are monotone, as the expected curves are on average (noise can
    # make one data set's curves wiggle).
    data = regression_data(seed=10, noise=1.0)
    sizes = [5, 10, 30, 60]
    (_, j_train, j_cv), call, _ = run_curve(impl, polynomial_regression(2), data, sizes, error=half_mse)
    j_train, j_cv = checks.to_array(j_train, call=call), checks.to_array(j_cv, call=call)
    if not (np.all(np.diff(j_train) > 0) and np.all(np.diff(j_cv) < 0) and j_train[-1] < j_cv[-1]):
        checks.fail(f"{call}, fit training a parabola on a parabola plus noise: j_train = {np.round(j_train, 3)} "
                    f"and j_cv = {np.round(j_cv, 3)}; expected j_train to rise with m, j_cv to fall with m, and "
                    "j_train below j_cv" + mistakes_for(polynomial_regression(2), data, sizes,
                                                        lambda out: (out[1], out[2]), error=half_mse).equal_to(
                                                            (j_train, j_cv)))


@mutant(FUNCTION, "j_train measured on the whole training set instead of the m examples trained on")
def curve_j_train_on_everything(ref):
    return rewrite(ref, "learning_curve", "error(y_train[:m], predict(X_train[:m]))", "error(y_train, predict(X_train))")


@mutant(FUNCTION, "j_cv measured on the training examples instead of the cv set")
def curve_j_cv_on_training_data(ref):
    return rewrite(ref, "learning_curve", "error(y_cv, predict(X_cv))", "error(y_train[:m], predict(X_train[:m]))")


@mutant(FUNCTION, "training on a random subset of m examples instead of the first m")
def curve_random_subsets(ref):
    return rewrite(ref, "learning_curve", "    for m in sizes:\n        predict = fit(X_train[:m], y_train[:m])\n"
                   "        j_train.append(float(error(y_train[:m], predict(X_train[:m]))))",
                   "    rng = np.random.default_rng(0)\n    for m in sizes:\n"
                   "        idx = rng.choice(len(X_train), size=m, replace=False)\n"
                   "        predict = fit(X_train[idx], y_train[idx])\n"
                   "        j_train.append(float(error(y_train[idx], predict(X_train[idx]))))")


@mutant(FUNCTION, "ignoring error (always eval_mse)")
def curve_ignores_error(ref):
    return rewrite(ref, "learning_curve", "float(error(", "float(eval_mse(")
