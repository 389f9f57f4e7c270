"""The graded tests of c2w2_optimization.update_parameters_with_adam, and the mutants they must catch.

Oracles: v and s are exponentially weighted averages of the gradients and of their squares, and
v_corrected and s_corrected their bias-corrected forms (pandas, ``ewm(adjust=False)`` after
v_0 = 0 and ``ewm(adjust=True)``, see ``oracles.ewm_oracle``); the parameters come from
``keras.optimizers.Adam``.

Where Keras differs from the course: Keras folds the bias correction into the learning rate,
alpha_t = alpha·sqrt(1 - beta2^t)/(1 - beta1^t), and takes W -= alpha_t·v/(sqrt(s) + eps_keras).
Expanding, that is W -= alpha·v_corrected/(sqrt(s_corrected) + eps_keras/sqrt(1 - beta2^t)): the
course's step with epsilon = eps_keras/sqrt(1 - beta2^t). So the two agree exactly when, before
step t, Keras' epsilon is set to epsilon·sqrt(1 - beta2^t) (Keras reads ``optimizer.epsilon`` at
every step), which the trajectory test does; with one fixed epsilon they would agree only for
epsilon = 0. The epsilon here (0.1, with gradients of about 1) is large enough for its placement
to show.
"""

from __future__ import annotations

import keras
import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w2_optimization.oracles import (
    TASK, BOWL_START, bowl_cost, bowl_grads, check_dict, check_dict_close, course_case, ewm_of_dicts,
    fail_if_arguments_changed, gradient_descent_steps_on_bowl, in_place_mistakes, keras_trajectory, random_grads,
    random_network, steps_to_reach, zeros_state)

FUNCTION = TASK + "update_parameters_with_adam"
NAMES = ("parameters", "v", "s", "v_corrected", "s_corrected")


def _step(impl, args, kwargs, call):
    parameters = args[0]
    result = checks.unpack(impl.update_parameters_with_adam(*args, **kwargs), NAMES, call=call)
    return [check_dict(result[0], parameters, call, "parameters")] + [
        check_dict(state, parameters, call, name, prefix="d") for name, state in zip(NAMES[1:], result[1:])]


def _mistakes(args, kwargs, index, prefix=""):
    return lambda key: checks.known_mistakes(FUNCTION, *args, pick=lambda out: out[index][prefix + key], **kwargs)


def _without_d(state):
    return {key[1:]: value for key, value in state.items()}


@graded(FUNCTION, points=3)
def test_update_parameters_with_adam_matches_keras_adam(impl):
    alpha, beta1, beta2, epsilon, steps = 0.01, 0.9, 0.99, 0.1, 5
    start = random_network(0, (3, 4, 2))
    grads = random_grads(start, seed=1, steps=steps)

    def course_epsilon(optimizer, t):
        optimizer.epsilon = epsilon * np.sqrt(1 - beta2 ** t)

    optimizer = keras.optimizers.Adam(learning_rate=alpha, beta_1=beta1, beta_2=beta2)
    expected_parameters = keras_trajectory(optimizer, start, grads, before_step=course_epsilon)
    expected_states = [ewm_of_dicts(grads, beta1), ewm_of_dicts(grads, beta2, square=True),
                       ewm_of_dicts(grads, beta1, bias_correction=True),
                       ewm_of_dicts(grads, beta2, bias_correction=True, square=True)]
    parameters, v, s = start, zeros_state(start), zeros_state(start)
    for t in range(1, steps + 1):
        # Each step starts from the oracle's state after the previous one, with t = 1, 2, ...
        kwargs = {"learning_rate": alpha, "beta1": beta1, "beta2": beta2, "epsilon": epsilon}
        call = checks.call("update_parameters_with_adam", parameters=parameters, grads=grads[t - 1], v=v, s=s,
                           t=t, **kwargs) + f" (step {t} from v = s = 0)"
        args = (parameters, grads[t - 1], v, s, t)
        got = _step(impl, args, kwargs, call)
        for index, name in enumerate(NAMES[1:], start=1):
            check_dict_close(got[index], _without_d(expected_states[index - 1][t - 1]), call, name, prefix="d",
                             mistakes=_mistakes(args, kwargs, index, "d"))
        # rtol 1e-6: Keras keeps its learning rate in a float32 variable (a relative error of about 1e-7).
        check_dict_close(got[0], expected_parameters[t - 1], call, "parameters", rtol=1e-6,
                         mistakes=_mistakes(args, kwargs, 0))
        parameters, v, s = expected_parameters[t - 1], expected_states[0][t - 1], expected_states[1][t - 1]


@graded(FUNCTION, points=1)
def test_update_parameters_with_adam_first_step_moves_each_weight_by_about_alpha(impl):
    # At t = 1 from v = s = 0 the corrections give v_corrected = dW and s_corrected = dW², so each
    # entry moves by alpha·dW/(|dW| + epsilon), almost exactly alpha against the gradient's sign.
    parameters = random_network(7, (2, 3, 1))
    grads = random_grads(parameters, seed=8, steps=1, scale=5.0)[0]
    args = (parameters, grads, zeros_state(parameters), zeros_state(parameters), 1)
    call = checks.call("update_parameters_with_adam", parameters=parameters, grads=grads, v=args[2], s=args[3], t=1) \
        + (" (the first step, from v = s = 0, with the default hyperparameters: each entry should move by "
           "learning_rate = 0.01 against its gradient's sign)")
    got = _step(impl, args, {}, call)
    expected = {key: value - 0.01 * np.sign(grads["d" + key]) for key, value in parameters.items()}
    check_dict_close(got[0], expected, call, "parameters", rtol=1e-6, atol=1e-8, mistakes=_mistakes(args, {}, 0))


@graded(FUNCTION, points=2)
def test_update_parameters_with_adam_reproduces_the_course(impl):
    # The current notebook's public test: t = 2, learning_rate = 0.02, beta1 = 0.8, beta2 = 0.888,
    # epsilon = 1e-2, from v = s = 0; it checks row 0 of each array with np.allclose. The printed
    # values have 8 decimals (0.00019958 is 0.000199586 cut short), hence atol=5e-8 once scaled by
    # the corrections.
    parameters, grads = course_case()
    kwargs = {"learning_rate": 0.02, "beta1": 0.8, "beta2": 0.888, "epsilon": 1e-2}
    args = (parameters, grads, zeros_state(parameters), zeros_state(parameters), 2)
    call = checks.call("update_parameters_with_adam", parameters=parameters, grads=grads, v=args[2], s=args[3], t=2,
                       **kwargs) + " (the course's test case)"
    got = _step(impl, args, kwargs, call)
    expected_v = {"W1": [-0.17557168, 0.00844275, 0.11656304], "W2": [-0.13674557, -0.02457805],
                  "b1": [0.10049887], "b2": [-0.07935071]}
    expected_s = {"W1": [0.08631117, 0.00019958, 0.03804344], "W2": [0.05235818, 0.00169142],
                  "b1": [0.02828006], "b2": [0.0176303]}
    expected_parameters = {"W1": [1.63937725, -0.62327448, -0.54308727], "W2": [0.33400549, -0.23563857],
                           "b1": [1.72995096], "b2": [1.14852557]}
    c1, c2 = 1 / (1 - 0.8 ** 2), 1 / (1 - 0.888 ** 2)
    rows = [(0, "parameters", "", expected_parameters, 1.0), (1, "v", "d", expected_v, 1.0), (2, "s", "d", expected_s, 1.0),
            (3, "v_corrected", "d", expected_v, c1), (4, "s_corrected", "d", expected_s, c2)]
    for index, name, prefix, expected, factor in rows:
        for key, row in expected.items():
            checks.check_close(got[index][key][0], factor * np.array(row), call=call, name=f'{name}["{prefix}{key}"][0]',
                               rtol=1e-5, atol=5e-8, mistakes=checks.known_mistakes(
                                   FUNCTION, *args, pick=lambda out, i=index, k=prefix + key: out[i][k][0], **kwargs))

    # The earlier notebook: W2 of shape (3, 3), t = 2 and the default hyperparameters.
    parameters, grads = course_case((3, 3))
    args = (parameters, grads, zeros_state(parameters), zeros_state(parameters), 2)
    call = checks.call("update_parameters_with_adam", parameters=parameters, grads=grads, v=args[2], s=args[3], t=2) \
        + " (the earlier notebook's test case)"
    got = _step(impl, args, {}, call)
    expected = {"W1": [[1.63178673, -0.61919778, -0.53561312], [-1.08040999, 0.85796626, -2.29409733]],
                "b1": [[1.75225313], [-0.75376553]],
                "W2": [[0.32648046, -0.25681174, 1.46954931], [-2.05269934, -0.31497584, -0.37661299],
                       [1.14121081, -1.09244991, -0.16498684]],
                "b2": [[-0.88529979], [0.03477238], [0.57537385]]}
    check_dict_close(got[0], expected, call, "parameters", rtol=1e-6, atol=1e-8, mistakes=_mistakes(args, {}, 0))


@graded(FUNCTION, points=2)
def test_update_parameters_with_adam_beats_gradient_descent_on_an_elongated_bowl(impl):
    # J(W, b) = (W² + 100·b²)/2, condition number 100, from (W, b) = (-2, 1). Plain gradient descent
    # at its best learning rate 2/101 needs 116 steps to bring J to 1% of its start; Adam with
    # alpha = 0.1 rescales each coordinate by its own gradient size and gets there in 11. It must
    # take at most half of GD's steps.
    target = 0.01 * bowl_cost(BOWL_START)
    gd_steps = gradient_descent_steps_on_bowl(target)
    call = ("update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.1) on "
            "J(W, b) = (W² + 100·b²)/2 from W = -2, b = 1")
    state = {"v": zeros_state(BOWL_START), "s": zeros_state(BOWL_START)}

    def step(parameters, t):
        result = checks.unpack(impl.update_parameters_with_adam(parameters, bowl_grads(parameters), state["v"],
                                                                state["s"], t, 0.1), NAMES, call=call)
        state["v"], state["s"] = result[1], result[2]
        return result[0]

    if steps_to_reach(step, target, gd_steps // 2, call) is None:
        checks.fail(f"{call}: the cost is still above {target:.3g} (1% of its start) after {gd_steps // 2} steps; "
                    f"gradient descent at its best learning rate needs {gd_steps}, Adam should need at most half")


@graded(FUNCTION, points=1)
def test_update_parameters_with_adam_leaves_its_arguments_unchanged(impl):
    parameters = random_network(2)
    grads = random_grads(parameters, seed=3, steps=1)[0]
    v = {key: 0.1 * value for key, value in random_grads(parameters, seed=4, steps=1)[0].items()}
    s = {key: value ** 2 for key, value in random_grads(parameters, seed=5, steps=1)[0].items()}
    call = checks.call("update_parameters_with_adam", parameters=parameters, grads=grads, v=v, s=s, t=3)
    with observe() as seen:
        result = impl.update_parameters_with_adam(parameters, grads, v, s, 3)
    mistakes = in_place_mistakes(FUNCTION, parameters, grads, v, s, 3)
    fail_if_arguments_changed(seen, call, result, mistakes, parameters=parameters, grads=grads, v=v, s=s)


@mutant(FUNCTION, "Adam without bias correction (v and s used as they are)")
def adam_no_bias_correction(ref):
    return rewrite(ref, "update_parameters_with_adam",
        "v_corrected[key] = first[key] / (1 - beta1 ** t)\n            s_corrected[key] = second[key] / (1 - beta2 ** t)",
        "v_corrected[key] = first[key]\n            s_corrected[key] = second[key]")


@mutant(FUNCTION, "bias correction with t + 1: 1 - beta^(t + 1)")
def adam_t_plus_one(ref):
    return rewrite(ref, "update_parameters_with_adam",
                   "(1 - beta1 ** t)\n            s_corrected[key] = second[key] / (1 - beta2 ** t)",
                   "(1 - beta1 ** (t + 1))\n            s_corrected[key] = second[key] / (1 - beta2 ** (t + 1))")


@mutant(FUNCTION, "bias correction with t - 1, as if t counted from 0: 1 - beta^(t - 1)")
def adam_t_minus_one(ref):
    return rewrite(ref, "update_parameters_with_adam",
                   "(1 - beta1 ** t)\n            s_corrected[key] = second[key] / (1 - beta2 ** t)",
                   "(1 - beta1 ** (t - 1))\n            s_corrected[key] = second[key] / (1 - beta2 ** (t - 1))")


@mutant(FUNCTION, "epsilon inside the square root: sqrt(s_corrected + epsilon)")
def adam_epsilon_inside(ref):
    return rewrite(ref, "update_parameters_with_adam", "(np.sqrt(s_corrected[key]) + epsilon)",
                   "np.sqrt(s_corrected[key] + epsilon)")


@mutant(FUNCTION, "s from the raw gradient instead of its square: s = beta2·s + (1 - beta2)·dW")
def adam_no_square(ref):
    return rewrite(ref, "update_parameters_with_adam", "(1 - beta2) * grads[key] ** 2", "(1 - beta2) * grads[key]")


@mutant(FUNCTION, "in-place updates (v[key] *= beta1, parameters[key] -= ...) of the caller's arrays")
def adam_in_place(ref):
    def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                    epsilon=1e-8):
        v_corrected, s_corrected = {}, {}
        for name in parameters:
            key = "d" + name
            v[key] *= beta1
            v[key] += (1 - beta1) * grads[key]
            s[key] *= beta2
            s[key] += (1 - beta2) * grads[key] ** 2
            v_corrected[key] = v[key] / (1 - beta1 ** t)
            s_corrected[key] = s[key] / (1 - beta2 ** t)
            parameters[name] -= learning_rate * v_corrected[key] / (np.sqrt(s_corrected[key]) + epsilon)
        return parameters, v, s, v_corrected, s_corrected
    return update_parameters_with_adam
