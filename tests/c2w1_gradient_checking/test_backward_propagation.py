"""The graded tests of c2w1_gradient_checking.backward_propagation, and the mutants they must catch."""

from __future__ import annotations

import tensorflow as tf
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant
from tests.c2w1_gradient_checking.oracles import BACKWARD_1D

REALS = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)


def _check(impl, x: float, theta: float) -> None:
    call = checks.call("backward_propagation", x=x, theta=theta)
    theta_t = tf.constant(theta, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(theta_t)
        J = theta_t * tf.constant(x, tf.float64)
    expected = float(tape.gradient(J, theta_t))
    checks.check_scalar(impl.backward_propagation(x, theta), expected, call=call, name="dtheta",
                        python_float=False, mistakes=checks.known_mistakes(BACKWARD_1D, x, theta))


@graded(BACKWARD_1D, points=1)
def test_backward_propagation_reproduces_the_course(impl):
    _check(impl, 3, 4)  # the course prints dtheta = 3
    _check(impl, 2, 4)


@graded(BACKWARD_1D, points=1)
@settings(max_examples=15)
@given(x=REALS, theta=REALS)
def test_backward_propagation_matches_gradient_tape(impl, x, theta):
    _check(impl, x, theta)


@mutant(BACKWARD_1D, "θ (the derivative with respect to x) instead of x")
def backward_returns_theta(ref):
    return lambda x, theta: theta


@mutant(BACKWARD_1D, "the cost θ·x instead of its derivative x")
def backward_returns_cost(ref):
    return lambda x, theta: theta * x
