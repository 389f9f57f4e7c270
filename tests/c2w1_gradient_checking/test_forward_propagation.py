"""The graded tests of c2w1_gradient_checking.forward_propagation, and the mutants they must catch."""

from __future__ import annotations

import tensorflow as tf
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant
from tests.c2w1_gradient_checking.oracles import FORWARD_1D

REALS = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)


def _check(impl, x: float, theta: float) -> None:
    call = checks.call("forward_propagation", x=x, theta=theta)
    expected = float(tf.multiply(tf.constant(theta, tf.float64), tf.constant(x, tf.float64)))
    checks.check_scalar(impl.forward_propagation(x, theta), expected, call=call, name="J", python_float=False,
                        mistakes=checks.known_mistakes(FORWARD_1D, x, theta))


@graded(FORWARD_1D, points=1)
def test_forward_propagation_reproduces_the_course(impl):
    _check(impl, 2, 4)  # the course prints J = 8


@graded(FORWARD_1D, points=1)
@settings(max_examples=15)
@given(x=REALS, theta=REALS)
def test_forward_propagation_is_theta_times_x(impl, x, theta):
    _check(impl, x, theta)


@mutant(FORWARD_1D, "θ + x instead of θ·x")
def forward_adds(ref):
    return lambda x, theta: theta + x


@mutant(FORWARD_1D, "the derivative x instead of the cost θ·x")
def forward_returns_derivative(ref):
    return lambda x, theta: x
