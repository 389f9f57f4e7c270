"""The graded tests of c2w1_regularization.backward_propagation_with_regularization, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c2w1_regularization.oracles import (BACKWARD_L2, COURSE_DW, PRINTED, check_gradients, course_backward_case,
                                               random_problem, tape_backward)


def _check_backward(impl, X, Y, parameters, lambd, keys=None) -> None:
    cache, expected = tape_backward(X, Y, parameters, lambd)
    call = checks.call("backward_propagation_with_regularization", X=X, Y=Y, cache=cache, lambd=lambd) + \
        " (the cache from the forward pass of the 3-layer network)"
    gradients = impl.backward_propagation_with_regularization(X, Y, cache, lambd)
    check_gradients(gradients, expected, call, BACKWARD_L2, (X, Y, cache, lambd),
                    **({"keys": keys} if keys else {}))


@graded(BACKWARD_L2, points=3)
def test_backward_propagation_with_regularization_matches_gradient_tape(impl):
    # The oracle: tf.GradientTape on BinaryCrossentropy + keras.regularizers.L2(lambd / (2m)).
    X, Y, parameters = random_problem(n_x=4, n1=5, n2=3, m=7, seed=2)
    _check_backward(impl, X, Y, parameters, lambd=0.7)


@graded(BACKWARD_L2, points=1)
@settings(max_examples=12)
@given(n_x=st.integers(1, 5), n1=st.integers(1, 6), n2=st.integers(1, 4), m=st.integers(1, 9),
       lambd=st.sampled_from([0.0, 0.1, 2.0]), seed=st.integers(0, 2**16))
def test_backward_propagation_with_regularization_weight_gradients_for_any_shapes(impl, n_x, n1, n2, m, lambd, seed):
    X, Y, parameters = random_problem(n_x, n1, n2, m, seed)
    _check_backward(impl, X, Y, parameters, lambd, keys=("dW1", "db1", "dW2", "db2", "dW3", "db3"))


@graded(BACKWARD_L2, points=1)
def test_backward_propagation_with_regularization_reproduces_the_course(impl):
    X, Y, cache = course_backward_case()
    call = checks.call("backward_propagation_with_regularization", X=X, Y=Y, cache=cache, lambd=0.7) + \
        " (the course's backward_propagation_with_regularization_test_case)"
    gradients = impl.backward_propagation_with_regularization(X, Y, cache, 0.7)
    check_gradients(gradients, {key: np.array(value) for key, value in COURSE_DW.items()}, call, BACKWARD_L2,
                    (X, Y, cache, 0.7), keys=("dW1", "dW2", "dW3"), **PRINTED)


@mutant(BACKWARD_L2, "dW without the (lambda/m)*W term (the gradient of the unregularized cost)")
def backward_no_weight_decay(ref):
    function = ref.backward_propagation_with_regularization
    return lambda X, Y, cache, lambd: function(X, Y, cache, 0.0)


@mutant(BACKWARD_L2, "dW with lambda*W instead of (lambda/m)*W")
def backward_lambda_w(ref):
    return rewrite(ref, "backward_propagation_with_regularization", "lambd / m * W", "lambd * W")


@mutant(BACKWARD_L2, "dW with (lambda/(2m))*W (the penalty's factor, not its derivative)")
def backward_half(ref):
    return rewrite(ref, "backward_propagation_with_regularization", "lambd / m * W", "lambd / (2 * m) * W")


def _plus_decay(ref, layers: dict[str, int]):
    """The reference with lambda=0, plus (lambda/m) * (cache entry) on each named gradient."""
    function = ref.backward_propagation_with_regularization

    def backward_propagation_with_regularization(X, Y, cache, lambd):
        gradients = function(X, Y, cache, 0.0)
        m = np.asarray(X).shape[1]
        for key, index in layers.items():
            gradients[key] = gradients[key] + lambd / m * np.asarray(cache[index], dtype=float)
        return gradients
    return backward_propagation_with_regularization


@mutant(BACKWARD_L2, "the regularization term added to db as well")
def backward_db_regularized(ref):
    return _plus_decay(ref, {"dW1": 2, "db1": 3, "dW2": 6, "db2": 7, "dW3": 10, "db3": 11})


@mutant(BACKWARD_L2, "the (lambda/m)*W term on dW3 only")
def backward_only_last_layer(ref):
    return _plus_decay(ref, {"dW3": 10})


@mutant(BACKWARD_L2, "dZ2 = dA2 without the ReLU derivative (A2 > 0)")
def backward_no_relu_derivative(ref):
    return rewrite(ref, "backward_propagation_with_regularization", "np.multiply(dA2, np.int64(A2 > 0))", "dA2")
