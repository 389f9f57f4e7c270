"""The graded tests of c1w2_logistic_regression.model, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c1w2_logistic_regression.oracles import (TASK, check_dict, check_number, digits_zero_or_not,
                                                    gradient_descent, predictions, random_problem,
                                                    separable_problem)

KEYS = ("costs", "Y_prediction_test", "Y_prediction_train", "w", "b", "learning_rate", "num_iterations")


def _run(impl, X_train, Y_train, X_test, Y_test, num_iterations: int, learning_rate: float, note: str = ""):
    """(the dict model returned, the call as text, the known mistakes for a pick)."""
    call = checks.call("model", X_train=X_train, Y_train=Y_train, X_test=X_test, Y_test=Y_test,
                       num_iterations=num_iterations, learning_rate=learning_rate) + note
    d = impl.model(X_train, Y_train, X_test, Y_test, num_iterations, learning_rate)

    def mistakes(pick=None):
        return checks.known_mistakes(TASK + "model", X_train, Y_train, X_test, Y_test, num_iterations,
                                     learning_rate, pick=pick)
    return check_dict(d, KEYS, call=call, name="the result", mistakes=mistakes()), call, mistakes


@graded(TASK + "model", points=3)
def test_model_trains_from_zeros_by_gradient_descent(impl):
    _, _, X_train, Y_train = random_problem(3, 20, seed=7)
    _, _, X_test, Y_test = random_problem(3, 7, seed=8)
    iterations, lr = 150, 0.05
    d, call, mistakes = _run(impl, X_train, Y_train, X_test, Y_test, iterations, lr,
                             " (expected: Keras SGD from w = 0, b = 0 on the mean binary cross-entropy)")
    states, costs = gradient_descent(np.zeros((3, 1)), 0.0, X_train, Y_train, iterations, lr)
    w, b = states[-1]["w"], states[-1]["b"]
    checks.check_close(d["w"], w, call=call, name='d["w"]', mistakes=mistakes(lambda out: out["w"]))
    check_number(d["b"], b, call=call, name='d["b"]', mistakes=mistakes(lambda out: out["b"]))
    checks.check_close(d["costs"], costs, call=call, name='d["costs"] (iterations 0 and 100)',
                       mistakes=mistakes(lambda out: out["costs"]))
    for key, X in (("Y_prediction_train", X_train), ("Y_prediction_test", X_test)):
        checks.check_close(d[key], predictions(w, b, X), call=call, name=f'd["{key}"]',
                           mistakes=mistakes(lambda out, key=key: out[key]))
    for key, value in (("learning_rate", lr), ("num_iterations", iterations)):
        checks.check_equal(d[key], value, call=call, name=f'd["{key}"]', mistakes=mistakes(lambda out, key=key: out[key]))


@graded(TASK + "model", points=1)
def test_model_separates_two_clusters(impl):
    X_train, Y_train = separable_problem(40, seed=3)
    X_test, Y_test = separable_problem(10, seed=9)
    d, call, _ = _run(impl, X_train, Y_train, X_test, Y_test, 300, 0.5, " on two well-separated clusters")
    for key, Y in (("Y_prediction_train", Y_train), ("Y_prediction_test", Y_test)):
        got = checks.check_shape(d[key], Y.shape, call=call, name=f'd["{key}"]')
        if not np.array_equal(got, Y):
            checks.fail(f'{call}: d["{key}"] gets {int(np.sum(got != Y))} of {Y.shape[1]} examples wrong, '
                        "expected none: the two clusters are a line apart")


@graded(TASK + "model", points=2)
def test_model_reaches_97_percent_on_digits(impl):
    # "Is it a 0?" on scikit-learn's digits: predicting "not a 0" everywhere scores 90%, the
    # reference scores 99.6% (448 of 450) with the defaults; the bound leaves 11 more mistakes.
    X_train, Y_train, X_test, Y_test = digits_zero_or_not()
    call = checks.call("model", X_train=X_train, Y_train=Y_train, X_test=X_test, Y_test=Y_test) \
        + " on the digits, 'is it a 0?' (pixels / 16), with the defaults num_iterations=2000, learning_rate=0.5"
    d = check_dict(impl.model(X_train, Y_train, X_test, Y_test), KEYS, call=call, name="the result")
    got = checks.check_shape(d["Y_prediction_test"], Y_test.shape, call=call, name='d["Y_prediction_test"]')
    accuracy = float(np.mean(got == Y_test))
    if not accuracy >= 0.97:
        checks.fail(f"{call}: test accuracy {accuracy:.1%}, expected at least 97% (always answering "
                    "'not a 0' scores 90%)")
    costs = checks.check_shape(d["costs"], (20,), call=call, name='d["costs"] (one per 100 iterations)')
    if not costs[-1] < costs[0]:
        checks.fail(f"{call}: the cost went from {costs[0]:.4g} to {costs[-1]:.4g}, expected it to fall")


@graded(TASK + "model", points=1)
def test_model_prints_only_when_asked(impl):
    X_train, Y_train = separable_problem(40, seed=3)
    X_test, Y_test = separable_problem(10, seed=9)
    call = checks.call("model", X_train=X_train, Y_train=Y_train, X_test=X_test, Y_test=Y_test,
                       num_iterations=200, learning_rate=0.5)
    with observe() as quiet:
        impl.model(X_train, Y_train, X_test, Y_test, 200, 0.5)
    if quiet.printed:
        checks.fail(f"{call} printed {quiet.printed[:80]!r} with print_cost=False: print only when asked")
    with observe() as loud:
        impl.model(X_train, Y_train, X_test, Y_test, 200, 0.5, print_cost=True)
    with observe() as training:  # what gradient descent from zeros prints, by the student's own optimize
        impl.optimize(np.zeros((2, 1)), 0.0, X_train, Y_train, 200, 0.5, print_cost=True)
    # Its first line, the cost at w = 0, b = 0, is log 2 whatever the learning rate: compare that
    # line and the number of lines, so that another mistake of model's does not fail this test.
    lines = training.printed.splitlines()
    if not loud.printed or (lines and (lines[0] not in loud.printed
                                       or len(loud.printed.splitlines()) < len(lines))):
        call = checks.call("model", X_train=X_train, Y_train=Y_train, X_test=X_test, Y_test=Y_test,
                           num_iterations=200, learning_rate=0.5, print_cost=True)
        checks.fail(f"{call} printed {loud.printed[:160]!r}, expected the costs that optimize prints with "
                    f"print_cost=True, here {training.printed[:120]!r}: pass print_cost on to optimize")


@mutant(TASK + "model", "calling optimize without learning_rate (its default 0.009 instead of the one given)")
def model_ignores_learning_rate(ref):
    return rewrite(ref, "model", "num_iterations, learning_rate, print_cost)", "num_iterations, print_cost=print_cost)")


@mutant(TASK + "model", "calling optimize without num_iterations (its default 100 instead of the number given)")
def model_ignores_num_iterations(ref):
    return rewrite(ref, "model", "num_iterations, learning_rate, print_cost)",
                   "learning_rate=learning_rate, print_cost=print_cost)")


@mutant(TASK + "model", "calling optimize without print_cost (never printing)")
def model_drops_print_cost(ref):
    return rewrite(ref, "model", "num_iterations, learning_rate, print_cost)", "num_iterations, learning_rate)")


@mutant(TASK + "model", "Y_prediction_train and Y_prediction_test swapped")
def model_swapped_predictions(ref):
    return rewrite(ref, "model", '"Y_prediction_test": Y_prediction_test,\n            "Y_prediction_train": Y_prediction_train,',
                   '"Y_prediction_test": Y_prediction_train,\n            "Y_prediction_train": Y_prediction_test,')


@mutant(TASK + "model", "a dict without the keys learning_rate and num_iterations")
def model_missing_keys(ref):
    return rewrite(ref, "model", '"b": b,\n            "learning_rate": learning_rate,\n            "num_iterations": num_iterations}',
                   '"b": b}')
