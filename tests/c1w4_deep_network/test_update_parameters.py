"""The graded tests of c1w4_deep_network.update_parameters, and the mutants they must catch.

Oracle: ``keras.optimizers.SGD(learning_rate)`` on float64 ``tf.Variable``s, which takes exactly
the step W := W - learning_rate·dW.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, observe, rewrite
from tests.c1w4_deep_network.oracles import (COURSE_UPDATED, PRINTED, UPDATE, check_arrays, check_keys,
                                             course_update_case, effect_mistakes, keras_sgd_step, parameter_keys, random_network,
                                             tape_network_gradients)

NAME = "update_parameters"


def check_update(impl, params, grads, learning_rate, layer_dims, expected, note="", **tolerance):
    call = checks.call(NAME, params=params, grads=grads, learning_rate=learning_rate) + note
    result = impl.update_parameters(params, grads, learning_rate)
    check_keys(result, parameter_keys(len(layer_dims) - 1), call, "the result",
               checks.known_mistakes(UPDATE, params, grads, learning_rate))
    check_arrays(result, expected, layer_dims, call, "parameters", **tolerance,
                 mistakes=lambda key: checks.known_mistakes(UPDATE, params, grads, learning_rate,
                                                            pick=lambda out: out[key]))


@graded(UPDATE, points=2)
@settings(max_examples=10)
@given(depth=st.integers(1, 4), widths=st.lists(st.integers(1, 6), min_size=4, max_size=4),
       learning_rate=st.sampled_from([0.01, 0.1, 1.5]), seed=st.integers(0, 2**16))
def test_update_parameters_matches_keras_sgd(impl, depth, widths, learning_rate, seed):
    layer_dims = [*widths[:depth], 1]
    X, Y, params = random_network(layer_dims, 4, seed)
    _, _, grads = tape_network_gradients(X, Y, params)  # with the dA's, as L_model_backward returns them
    check_update(impl, params, grads, learning_rate, layer_dims, keras_sgd_step(params, grads, learning_rate),
                 f" for layer_dims {layer_dims} (oracle: keras.optimizers.SGD)")


@graded(UPDATE, points=1)
def test_update_parameters_reproduces_the_course(impl):
    params, grads = course_update_case()
    expected = {key: np.array(value) for key, value in COURSE_UPDATED.items()}
    check_update(impl, params, grads, 0.1, [4, 3, 1], expected, " (the course's update_parameters_test_case)",
                 **PRINTED)


@graded(UPDATE, points=1)
def test_update_parameters_leaves_params_unchanged(impl):
    X, Y, params = random_network([3, 4, 1], 5, 7)
    _, _, grads = tape_network_gradients(X, Y, params)
    call = checks.call(NAME, params=params, grads=grads, learning_rate=0.1)
    with observe() as seen:
        impl.update_parameters(params, grads, 0.1)
    changed = [key for key, value in params.items() if seen.changed(value)]
    if changed:
        named = effect_mistakes(UPDATE, params, grads, 0.1).named(lambda effects: effects["changed_arguments"])
        checks.fail(f"{call} changed the arrays {changed} of params in place (W -= ...): the course returns new "
                    "arrays, parameters[key] = parameters[key] - learning_rate * grads['d' + key], on a copy of the "
                    "dict, so that the caller's parameters stay as they were" + named)


@mutant(UPDATE, "adding the gradient (W + learning_rate·dW) instead of subtracting it")
def update_plus(ref):
    return rewrite(ref, NAME, "] - learning_rate * grads", "] + learning_rate * grads")


@mutant(UPDATE, "updating W but not b")
def update_forgets_b(ref):
    return rewrite(ref, NAME, 'parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]',
                   'parameters["b" + str(l)]')


@mutant(UPDATE, "a loop over range(1, L) that leaves the last layer as it was")
def update_misses_last_layer(ref):
    return rewrite(ref, NAME, "range(1, L + 1)", "range(1, L)")


@mutant(UPDATE, "an update in place (parameters[key] -= ...), which changes the caller's arrays")
def update_in_place(ref):
    def update_parameters(params, grads, learning_rate):
        for l in range(1, len(params) // 2 + 1):
            params[f"W{l}"] -= learning_rate * grads[f"dW{l}"]
            params[f"b{l}"] -= learning_rate * grads[f"db{l}"]
        return params
    return update_parameters
