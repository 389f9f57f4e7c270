"""The graded tests of c2w1_gradient_checking.gradient_check_n, and the mutants they must catch.

gradient_check_n runs the student's own forward_propagation_n (and vectorising helpers), as the
course's does. A check that is right on top of a wrong forward pass or helper still passes here
(the alternative expectation of ``check_difference``): those functions lose their points in their
own tests. Only the test of the course's printed values needs them right, and says so. Every
network here has the course's layer sizes (4, 5, 3, 1), so that a vectorising helper written for
those sizes only (the course's own vector_to_dictionary) still serves; other sizes are graded by
the helpers' tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w1_gradient_checking.oracles import (
    CHECK_N, COURSE_BUGGY_DIFFERENCE, COURSE_CORRECT_DIFFERENCE, FINE_MESSAGE, MISTAKE_MESSAGE, as_difference,
    check_difference, course_buggy_gradients, course_difference_with, course_test_case,
    printed_verdict, random_network, student_cost, tape_gradients, tf_cost, two_sided_difference)


COURSE_SIZES = {"n_x": 4, "n1": 5, "n2": 3}


def _call(parameters: dict, gradients: dict, X: np.ndarray, Y: np.ndarray, **kwargs: Any) -> str:
    return checks.call("gradient_check_n", parameters=parameters, gradients=gradients, X=X, Y=Y, **kwargs)


def _check_against_loop(impl: Any, X: np.ndarray, Y: np.ndarray, parameters: dict, gradients: dict,
                        epsilon: float, what: str) -> None:
    call = _call(parameters, gradients, X, Y, epsilon=epsilon) + f" with {what}"
    got = impl.gradient_check_n(parameters, gradients, X, Y, epsilon=epsilon)
    expected = two_sided_difference(lambda p: tf_cost(X, Y, p), parameters, gradients, epsilon)
    check_difference(
        got, expected, call=call, rtol=1e-6,
        what=f" (the two-sided difference (J(θ + ε) - J(θ - ε)) / (2ε) with ε = {epsilon:g}, entry by entry)",
        mistakes=checks.known_mistakes(CHECK_N, parameters, gradients, X, Y, epsilon=epsilon),
        alternative=lambda: course_difference_with(impl, parameters, gradients, X, Y, epsilon), noise=1e-8)


@graded(CHECK_N, points=3)
def test_gradient_check_n_matches_a_two_sided_loop(impl):
    # epsilon = 1e-2: the difference is then set by the O(ε²) error of the two-sided quotient, not by
    # rounding, so any correct float64 route agrees to 1e-6, while a one-sided quotient (O(ε)) or a
    # division by ε instead of 2ε gives another number.
    X, Y, parameters = random_network(0, **COURSE_SIZES, m=5)
    _check_against_loop(impl, X, Y, parameters, tape_gradients(X, Y, parameters), 1e-2, "correct gradients")
    _check_against_loop(impl, X, Y, parameters, course_buggy_gradients(X, Y, parameters), 1e-2,
                        "the course's buggy gradients (dW2 doubled, db1 quadrupled)")


@graded(CHECK_N, points=2)
def test_gradient_check_n_uses_epsilon(impl):
    X, Y, parameters = random_network(1, **COURSE_SIZES, m=6)
    gradients = tape_gradients(X, Y, parameters)
    for epsilon in (0.1, 0.03):
        _check_against_loop(impl, X, Y, parameters, gradients, epsilon, "correct gradients")


@graded(CHECK_N, points=2)
def test_gradient_check_n_accepts_correct_and_flags_wrong_gradients(impl):
    X, Y, parameters = random_network(2, **COURSE_SIZES, m=7)
    correct = tape_gradients(X, Y, parameters)
    call = _call(parameters, correct, X, Y) + " with correct gradients"
    got = as_difference(impl.gradient_check_n(parameters, correct, X, Y), call)
    if not got < 1e-6:
        # Differences this small are rounding noise, which even the same code reproduces only to a few
        # per cent in another process: compare with the check on the student's own functions loosely.
        other = course_difference_with(impl, parameters, correct, X, Y, 1e-7)
        if other is None or not np.isclose(got, other, rtol=1e-2, atol=0.0):
            checks.fail(f"{call}: the difference is {got:.6g}, expected about 1e-7 or less (below 1e-6) for "
                        "gradients that are right. Is it the two-sided quotient (J(θ + ε) - J(θ - ε)) / (2ε) "
                        "and ‖g - g_approx‖₂ / (‖g‖₂ + ‖g_approx‖₂)?")
    for name, factor in (("dW2", 2.0), ("db1", 4.0), ("db3", -1.0)):
        wrong = {**correct, name: factor * correct[name]}
        call = _call(parameters, wrong, X, Y) + f" with {name} multiplied by {factor:g}"
        got = as_difference(impl.gradient_check_n(parameters, wrong, X, Y), call)
        if not got > 1e-3:
            checks.fail(f"{call}: the difference is {got:.6g}, expected above 1e-3: a check must flag a "
                        f"gradient that is off by a factor of {factor:g} in {name}")


@graded(CHECK_N, points=2)
def test_gradient_check_n_reproduces_the_course(impl):
    X, Y, parameters = course_test_case()
    buggy = course_buggy_gradients(X, Y, parameters)
    call = (_call(parameters, buggy, X, Y, epsilon=1e-7) + " on the course's gradient_check_n_test_case with "
            "the notebook's backward_propagation_n (two planted bugs)")
    got = as_difference(impl.gradient_check_n(parameters, buggy, X, Y, epsilon=1e-7), call)
    if not np.isclose(got, COURSE_BUGGY_DIFFERENCE, rtol=1e-6, atol=0.0):
        cost, expected_cost = student_cost(impl, X, Y, parameters), tf_cost(X, Y, parameters)
        if cost is None or not np.isclose(cost, expected_cost, rtol=1e-9):
            advice = (f"\nYour forward_propagation_n gives the cost {cost} on these inputs, expected "
                      f"{expected_cost:.10g}: gradient_check_n is built on it, so fix it first.")
        else:
            other = course_difference_with(impl, parameters, buggy, X, Y, 1e-7)
            advice = "" if other is None or not np.isclose(got, other, rtol=1e-6) else (
                "\nThat is what a correct check gives on top of your dictionary_to_vector, gradients_to_vector "
                "and vector_to_dictionary: one of them is wrong (see its own tests).")
        mistakes = checks.known_mistakes(CHECK_N, parameters, buggy, X, Y, epsilon=1e-7)
        checks.fail(f"{call}: the difference is {got:.10g}, the course prints {COURSE_BUGGY_DIFFERENCE!r}"
                    f"{advice}{mistakes.equal_to(got, rtol=1e-6, atol=1e-8)}")
    correct = tape_gradients(X, Y, parameters)
    call = _call(parameters, correct, X, Y, epsilon=1e-7) + " on the course's test case with the bugs fixed"
    got = as_difference(impl.gradient_check_n(parameters, correct, X, Y, epsilon=1e-7), call)
    # The course prints 1.1890913024229996e-07: rounding noise of its cost formula (-log(1 - A3) at
    # A3 = 0.9989), which another correct formula changes (the stable one gives about 1e-9). What the
    # course asserts is its verdict: at most 2e-7 is "works perfectly fine".
    if not got <= 2e-7:
        checks.fail(f"{call}: the difference is {got:.6g}, expected at most 2e-7 (the course prints "
                    f"{COURSE_CORRECT_DIFFERENCE!r} and its verdict that the backward pass works)")


@graded(CHECK_N, points=1)
def test_gradient_check_n_prints_only_when_asked(impl):
    X, Y, parameters = random_network(3, **COURSE_SIZES, m=4)
    correct = tape_gradients(X, Y, parameters)
    buggy = course_buggy_gradients(X, Y, parameters)
    with observe() as seen:
        impl.gradient_check_n(parameters, buggy, X, Y)
    if seen.printed:
        checks.fail(f"{_call(parameters, buggy, X, Y)} printed {seen.printed[:200]!r}; with print_msg=False "
                    "(the default) it must print nothing")
    # The verdict must match the returned difference (above 2e-7: a mistake): the buggy gradients and
    # the correct ones give one message each with a correct forward pass.
    for gradients, what in ((buggy, "the course's buggy gradients"), (correct, "correct gradients")):
        with observe() as seen:
            got = impl.gradient_check_n(parameters, gradients, X, Y, 1e-7, True)
        call = _call(parameters, gradients, X, Y, epsilon=1e-7, print_msg=True) + f" with {what}"
        message = MISTAKE_MESSAGE if as_difference(got, call) > 2e-7 else FINE_MESSAGE
        if message.lower() not in printed_verdict(seen.printed):
            checks.fail(f"{call} printed {seen.printed[:200]!r}; expected the course's message "
                        f"{message + '! difference = ...'!r} for the difference {got:.3g} it returned "
                        "(above 2e-7 there is a mistake)")
        if any(seen.changed(value) for value in (*parameters.values(), *gradients.values(), X, Y)):
            checks.fail(f"{call} changed one of its arguments in place: nudge a copy of θ (np.copy), "
                        "never the caller's parameters")


@mutant(CHECK_N, "a one-sided difference (J(θ + ε) - J(θ)) / ε")
def check_n_one_sided(ref):
    return rewrite(ref, "gradient_check_n", "gradapprox[i, 0] = (J_plus - J_minus) / (2 * epsilon)",
                   "gradapprox[i, 0] = (J_plus - forward_propagation_n(X, Y, parameters)[0]) / epsilon")


@mutant(CHECK_N, "dividing by ε instead of 2ε")
def check_n_divides_by_epsilon(ref):
    return rewrite(ref, "gradient_check_n", "(J_plus - J_minus) / (2 * epsilon)", "(J_plus - J_minus) / epsilon")


@mutant(CHECK_N, "the numerator ‖g - g_approx‖ alone, without dividing by ‖g‖ + ‖g_approx‖")
def check_n_no_denominator(ref):
    return rewrite(ref, "gradient_check_n", "difference = float(numerator / denominator)",
                   "difference = float(numerator)")


@mutant(CHECK_N, "np.sum instead of np.linalg.norm in the difference")
def check_n_sums_instead_of_norms(ref):
    return rewrite(ref, "gradient_check_n",
                   "numerator = np.linalg.norm(grad - gradapprox)\n"
                   "    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)",
                   "numerator = np.sum(grad - gradapprox)\n"
                   "    denominator = np.sum(grad) + np.sum(gradapprox)")


@mutant(CHECK_N, "nudging θ itself instead of a copy (theta_plus = theta), so the nudges pile up")
def check_n_no_copy(ref):
    return rewrite(ref, "gradient_check_n", "theta_plus = np.copy(theta)", "theta_plus = theta")


@mutant(CHECK_N, "a hard-coded ε = 1e-7 instead of the epsilon argument")
def check_n_ignores_epsilon(ref):
    return rewrite(ref, "gradient_check_n", "gradapprox = np.zeros_like(theta)",
                   "gradapprox = np.zeros_like(theta)\n    epsilon = 1e-7")


@mutant(CHECK_N, "printing the verdict even when print_msg is False")
def check_n_always_prints(ref):
    return rewrite(ref, "gradient_check_n", "if print_msg:", "if True:")
