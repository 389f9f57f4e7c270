"""The graded tests of c2w2_optimization.update_parameters_with_rmsprop, and the mutants they must catch.

Oracles: s is the exponentially weighted average of the squared gradients (pandas, see
``oracles.ewm_oracle``); the parameters come from ``keras.optimizers.RMSprop(rho=beta)``.

Where Keras differs from the course: Keras divides by sqrt(s + epsilon), epsilon *inside* the root
(so does ``tf.raw_ops.ApplyRMSProp``); the course's form, like its Adam, divides by
sqrt(s) + epsilon. With epsilon = 0 on both sides the two are the same formula, so the trajectory
test compares them there. Where epsilon matters (gradients of 1e-6, so sqrt(s) is about 3e-8,
comparable with epsilon = 1e-8) no library computes the course's form, and the test uses the
formula W - alpha·dW / (sqrt(s) + epsilon) on the oracle's s.
"""

from __future__ import annotations

import keras
import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w2_optimization.oracles import (
    TASK, check_dict, check_dict_close, ewm_of_dicts, fail_if_arguments_changed, in_place_mistakes, keras_trajectory,
    random_grads, random_network, zeros_state)

FUNCTION = TASK + "update_parameters_with_rmsprop"


def _step(impl, args, kwargs, call):
    result = checks.unpack(impl.update_parameters_with_rmsprop(*args, **kwargs), ("parameters", "s"), call=call)
    parameters = args[0]
    return (check_dict(result[0], parameters, call, "parameters"),
            check_dict(result[1], parameters, call, "s", prefix="d"))


def _mistakes(args, kwargs, index, prefix=""):
    return lambda key: checks.known_mistakes(FUNCTION, *args, pick=lambda out: out[index][prefix + key], **kwargs)


def _without_d(state):
    return {key[1:]: value for key, value in state.items()}


@graded(FUNCTION, points=3)
def test_update_parameters_with_rmsprop_matches_keras_rmsprop(impl):
    beta, alpha, steps = 0.9, 0.01, 4
    start = random_network(0, (3, 4, 2))
    grads = random_grads(start, seed=1, steps=steps)
    optimizer = keras.optimizers.RMSprop(learning_rate=alpha, rho=beta, momentum=0.0, epsilon=0.0, centered=False)
    expected_parameters = keras_trajectory(optimizer, start, grads)
    expected_s = ewm_of_dicts(grads, beta, square=True)
    parameters, s = start, zeros_state(start)
    for t in range(steps):
        # Each step starts from the oracle's state after the previous one.
        kwargs = {"beta": beta, "learning_rate": alpha, "epsilon": 0.0}
        call = checks.call("update_parameters_with_rmsprop", parameters=parameters, grads=grads[t], s=s,
                           **kwargs) + f" (step {t + 1} from s = 0)"
        args = (parameters, grads[t], s)
        got_parameters, got_s = _step(impl, args, kwargs, call)
        check_dict_close(got_s, _without_d(expected_s[t]), call, "s", prefix="d", mistakes=_mistakes(args, kwargs, 1, "d"))
        check_dict_close(got_parameters, expected_parameters[t], call, "parameters",
                         mistakes=_mistakes(args, kwargs, 0))
        parameters, s = expected_parameters[t], expected_s[t]


@graded(FUNCTION, points=2)
def test_update_parameters_with_rmsprop_adds_epsilon_outside_the_root_with_the_default_hyperparameters(impl):
    parameters = random_network(5, (2, 3, 1))
    grads = random_grads(parameters, seed=6, steps=1, scale=1e-6)[0]
    s = zeros_state(parameters)
    call = checks.call("update_parameters_with_rmsprop", parameters=parameters, grads=grads, s=s) \
        + " with gradients of about 1e-6 (the defaults beta=0.999, learning_rate=0.01, epsilon=1e-8)"
    args = (parameters, grads, s)
    got_parameters, got_s = _step(impl, args, {}, call)
    expected_s = _without_d(ewm_of_dicts([grads], 0.999, square=True)[0])
    check_dict_close(got_s, expected_s, call, "s", prefix="d", atol=1e-25, mistakes=_mistakes(args, {}, 1, "d"))
    expected = {key: value - 0.01 * grads["d" + key] / (np.sqrt(expected_s[key]) + 1e-8)
                for key, value in parameters.items()}
    check_dict_close(got_parameters, expected, call, "parameters", mistakes=_mistakes(args, {}, 0))


@graded(FUNCTION, points=1)
def test_update_parameters_with_rmsprop_leaves_its_arguments_unchanged(impl):
    parameters = random_network(2)
    grads = random_grads(parameters, seed=3, steps=1)[0]
    s = {key: value ** 2 for key, value in random_grads(parameters, seed=4, steps=1)[0].items()}
    call = checks.call("update_parameters_with_rmsprop", parameters=parameters, grads=grads, s=s)
    with observe() as seen:
        result = impl.update_parameters_with_rmsprop(parameters, grads, s)
    mistakes = in_place_mistakes(FUNCTION, parameters, grads, s)
    fail_if_arguments_changed(seen, call, result, mistakes, parameters=parameters, grads=grads, s=s)


@mutant(FUNCTION, "RMSprop without squaring the gradient: s = beta·s + (1 - beta)·dW")
def rmsprop_no_square(ref):
    return rewrite(ref, "update_parameters_with_rmsprop", "(1 - beta) * gradient ** 2", "(1 - beta) * gradient")


@mutant(FUNCTION, "epsilon inside the square root: sqrt(s + epsilon)")
def rmsprop_epsilon_inside(ref):
    return rewrite(ref, "update_parameters_with_rmsprop", '(np.sqrt(squares["d" + name]) + epsilon)',
                   'np.sqrt(squares["d" + name] + epsilon)')


@mutant(FUNCTION, "dividing by s instead of sqrt(s)")
def rmsprop_no_root(ref):
    return rewrite(ref, "update_parameters_with_rmsprop", '(np.sqrt(squares["d" + name]) + epsilon)',
                   '(squares["d" + name] + epsilon)')


@mutant(FUNCTION, "beta weighting the new squared gradient: s = (1 - beta)·s + beta·dW²")
def rmsprop_swapped(ref):
    return rewrite(ref, "update_parameters_with_rmsprop", 'beta * s["d" + name] + (1 - beta) * gradient ** 2',
                   '(1 - beta) * s["d" + name] + beta * gradient ** 2')


@mutant(FUNCTION, "in-place updates (s[key] *= beta, parameters[key] -= ...) of the caller's arrays")
def rmsprop_in_place(ref):
    def update_parameters_with_rmsprop(parameters, grads, s, beta=0.999, learning_rate=0.01, epsilon=1e-8):
        for key in parameters:
            s["d" + key] *= beta
            s["d" + key] += (1 - beta) * grads["d" + key] ** 2
            parameters[key] -= learning_rate * grads["d" + key] / (np.sqrt(s["d" + key]) + epsilon)
        return parameters, s
    return update_parameters_with_rmsprop
