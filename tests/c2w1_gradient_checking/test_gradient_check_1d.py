"""The graded tests of c2w1_gradient_checking.gradient_check_1d, and the mutants they must catch.

J(θ) = θ·x is linear, so the one-sided and two-sided quotients agree in exact arithmetic: what
tells them apart is their float64 rounding, which is the same for every straightforward route
(θ ± ε, then ·x, then (J⁺ - J⁻) / (2ε)). The expected values are computed here from the test's
inputs by the two-sided formula; the inputs are ones where a one-sided quotient rounds otherwise.
gradient_check_1d may use the module's forward_propagation and backward_propagation (as the
course's does): a check that is right on top of a wrong one of those still passes here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w1_gradient_checking.oracles import (
    CHECK_1D, COURSE_1D_DIFFERENCE, FINE_MESSAGE, MISTAKE_MESSAGE, as_difference, check_difference, printed_verdict,
    relative_difference)


def _two_sided(x: float, theta: float, epsilon: float) -> float:
    J_plus, J_minus = (theta + epsilon) * x, (theta - epsilon) * x
    return relative_difference(np.float64(x), (J_plus - J_minus) / (2 * epsilon))


def _with_your_functions(impl: Any, x: float, theta: float, epsilon: float) -> float | None:
    """What a correct check gives on the student's own forward_propagation and backward_propagation."""
    try:
        J_plus = float(impl.forward_propagation(x, theta + epsilon))
        J_minus = float(impl.forward_propagation(x, theta - epsilon))
        return relative_difference(np.float64(impl.backward_propagation(x, theta)), (J_plus - J_minus) / (2 * epsilon))
    except Exception:  # noqa: BLE001 - no alternative expectation when they fail
        return None


def _check(impl: Any, x: float, theta: float, epsilon: float | None, expected: float | None = None) -> None:
    kwargs = {} if epsilon is None else {"epsilon": epsilon}
    eps = 1e-7 if epsilon is None else epsilon
    call = checks.call("gradient_check_1d", x=x, theta=theta, **kwargs)
    check_difference(
        impl.gradient_check_1d(x, theta, **kwargs), _two_sided(x, theta, eps) if expected is None else expected,
        call=call, rtol=1e-6, what=f" (the two-sided quotient (J(θ + ε) - J(θ - ε)) / (2ε) with ε = {eps:g})",
        mistakes=checks.known_mistakes(CHECK_1D, x, theta, **kwargs),
        alternative=lambda: _with_your_functions(impl, x, theta, eps))


@graded(CHECK_1D, points=1)
def test_gradient_check_1d_reproduces_the_course(impl):
    _check(impl, 2, 4, None, expected=COURSE_1D_DIFFERENCE)


@graded(CHECK_1D, points=2)
def test_gradient_check_1d_is_two_sided(impl):
    for x, theta, epsilon in ((2.0, 4.0, 1e-7), (-1.5, 0.3, 1e-7), (0.7, -2.5, 1e-5)):
        _check(impl, x, theta, epsilon)


@graded(CHECK_1D, points=1)
def test_gradient_check_1d_uses_epsilon(impl):
    for epsilon in (1e-3, 1e-4):
        _check(impl, 2.0, 4.0, epsilon)


@graded(CHECK_1D, points=1)
def test_gradient_check_1d_prints_only_when_asked(impl):
    with observe() as seen:
        impl.gradient_check_1d(2, 4)
    if seen.printed:
        checks.fail(f"gradient_check_1d(x=2, theta=4) printed {seen.printed[:200]!r}; with print_msg=False "
                    "(the default) it must print nothing")
    # theta = 1e6: epsilon = 1e-7 is close to the rounding step of θ (1.2e-10), so even a correct check
    # reports about 4e-6, above the course's 2e-7 threshold: a false alarm, and the other message.
    # The verdict must match the returned difference.
    for x, theta in ((3, 4), (2.0, 1e6)):
        call = checks.call("gradient_check_1d", x=x, theta=theta, print_msg=True)
        with observe() as seen:
            got = impl.gradient_check_1d(x, theta, print_msg=True)
        message = MISTAKE_MESSAGE if as_difference(got, call) > 2e-7 else FINE_MESSAGE
        if message.lower() not in printed_verdict(seen.printed):
            checks.fail(f"{call} printed {seen.printed[:200]!r}; expected the course's message "
                        f"{message + '! difference = ...'!r} for the difference {got:.3g} it returned "
                        "(above 2e-7 there is a mistake)")


@mutant(CHECK_1D, "a one-sided difference (J(θ + ε) - J(θ)) / ε")
def check_1d_one_sided(ref):
    return rewrite(ref, "gradient_check_1d", "gradapprox = (J_plus - J_minus) / (2 * epsilon)",
                   "gradapprox = (J_plus - forward_propagation(x, theta)) / epsilon")


@mutant(CHECK_1D, "dividing by ε instead of 2ε")
def check_1d_divides_by_epsilon(ref):
    return rewrite(ref, "gradient_check_1d", "(J_plus - J_minus) / (2 * epsilon)", "(J_plus - J_minus) / epsilon")


@mutant(CHECK_1D, "the numerator |dθ - dθ_approx| alone, without dividing by |dθ| + |dθ_approx|")
def check_1d_no_denominator(ref):
    return rewrite(ref, "gradient_check_1d",
                   "np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))",
                   "np.linalg.norm(grad - gradapprox)")


@mutant(CHECK_1D, "signed differences (np.sum) instead of norms")
def check_1d_signed(ref):
    return rewrite(ref, "gradient_check_1d",
                   "np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))",
                   "np.sum(grad - gradapprox) / (np.sum(grad) + np.sum(gradapprox))")


@mutant(CHECK_1D, "a hard-coded ε = 1e-7 instead of the epsilon argument")
def check_1d_ignores_epsilon(ref):
    return rewrite(ref, "gradient_check_1d", "J_plus = forward_propagation(x, theta + epsilon)",
                   "epsilon = 1e-7\n    J_plus = forward_propagation(x, theta + epsilon)")


@mutant(CHECK_1D, "printing the verdict even when print_msg is False")
def check_1d_always_prints(ref):
    return rewrite(ref, "gradient_check_1d", "if print_msg:", "if True:")
