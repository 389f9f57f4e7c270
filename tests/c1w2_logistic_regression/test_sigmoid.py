"""The graded tests of c1w2_logistic_regression.sigmoid, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant
from tests.c1w2_logistic_regression.oracles import TASK


def _tf_sigmoid(z) -> np.ndarray:
    return tf.math.sigmoid(tf.constant(z, tf.float64)).numpy()


@graded(TASK + "sigmoid", points=2)
def test_sigmoid_matches_tf_math_sigmoid(impl):
    z = 4.0 * np.random.default_rng(0).normal(size=(3, 5))
    call = checks.call("sigmoid", z=z)
    checks.check_close(impl.sigmoid(z), _tf_sigmoid(z), call=call,
                       mistakes=checks.known_mistakes(TASK + "sigmoid", z))


@graded(TASK + "sigmoid", points=1)
@settings(max_examples=15)
@given(shape=st.sampled_from([(), (1,), (4,), (1, 6), (3, 2), (2, 3, 2)]), seed=st.integers(0, 2**16),
       scale=st.sampled_from([0.5, 3.0, 20.0]))
def test_sigmoid_works_element_wise_on_any_shape(impl, shape, seed, scale):
    z = scale * np.random.default_rng(seed).normal(size=shape)
    z = float(z) if shape == () else z
    call = checks.call("sigmoid", z=z)
    got = checks.check_shape(impl.sigmoid(z), shape, call=call)
    if not ((got >= 0) & (got <= 1)).all():
        checks.fail(f"{call}: sigmoid's values lie between 0 and 1, got {got.ravel()[:4]}"
                    + checks.known_mistakes(TASK + "sigmoid", z).equal_to(got))
    checks.check_close(got, _tf_sigmoid(z), call=call, mistakes=checks.known_mistakes(TASK + "sigmoid", z))


@graded(TASK + "sigmoid", points=1)
def test_sigmoid_reproduces_the_course(impl):
    z = np.array([0, 2])
    checks.check_close(impl.sigmoid(z), [0.5, 0.88079708], call=checks.call("sigmoid", z=z) + " (the course's example)",
                       rtol=1e-7, mistakes=checks.known_mistakes(TASK + "sigmoid", z))


@mutant(TASK + "sigmoid", "1 / (1 + exp(z)), the sign of the exponent lost (that is sigmoid(-z) = 1 - sigmoid(z))")
def sigmoid_wrong_sign(ref):
    return lambda z: 1 / (1 + np.exp(z))


@mutant(TASK + "sigmoid", "1 / 1 + exp(-z) without the parentheses (that is 1 + e^(-z))")
def sigmoid_no_parentheses(ref):
    return lambda z: 1 / 1 + np.exp(-z)


@mutant(TASK + "sigmoid", "tanh(z), the other S-shaped activation (its values lie in (-1, 1))")
def sigmoid_tanh(ref):
    return np.tanh
