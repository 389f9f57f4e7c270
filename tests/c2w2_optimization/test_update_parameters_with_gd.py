"""The graded tests of c2w2_optimization.update_parameters_with_gd, and the mutants they must catch.

Oracle: ``keras.optimizers.SGD(learning_rate)`` applied to float64 ``tf.Variable``s, which takes
exactly the course's step W := W - learning_rate·dW.
"""

from __future__ import annotations

import keras

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w2_optimization.oracles import (TASK, check_dict, check_dict_close, course_case,
                                             fail_if_arguments_changed, in_place_mistakes, keras_trajectory,
                                             random_grads, random_network)

FUNCTION = TASK + "update_parameters_with_gd"


@graded(FUNCTION, points=2)
def test_update_parameters_with_gd_matches_keras_sgd(impl):
    parameters = random_network(0, (3, 4, 2, 1))  # three layers: every layer must be updated
    grads = random_grads(parameters, seed=1, steps=1)[0]
    call = checks.call("update_parameters_with_gd", parameters=parameters, grads=grads, learning_rate=0.1) \
        + " for a network of layer sizes (3, 4, 2, 1)"
    expected = keras_trajectory(keras.optimizers.SGD(learning_rate=0.1), parameters, [grads])[0]
    got = check_dict(impl.update_parameters_with_gd(parameters, grads, 0.1), parameters, call, "parameters")
    check_dict_close(got, expected, call, "parameters", mistakes=lambda key: checks.known_mistakes(
        FUNCTION, parameters, grads, 0.1, pick=lambda out: out[key]))


@graded(FUNCTION, points=1)
def test_update_parameters_with_gd_reproduces_the_course(impl):
    parameters, grads = course_case()
    call = checks.call("update_parameters_with_gd", parameters=parameters, grads=grads, learning_rate=0.01) \
        + " (the course's test case)"
    expected = {"W1": [[1.63312395, -0.61217855, -0.5339999], [-1.06196243, 0.85396039, -2.3105546]],
                "b1": [[1.73978682], [-0.77021546]],
                "W2": [[0.32587637, -0.24814147], [1.47146563, -2.05746183], [-0.32772076, -0.37713775]],
                "b2": [[1.13773698], [-1.09301954], [-0.16397615]]}
    got = check_dict(impl.update_parameters_with_gd(parameters, grads, 0.01), parameters, call, "parameters")
    check_dict_close(got, expected, call, "parameters", rtol=1e-6, atol=1e-8,
                     mistakes=lambda key: checks.known_mistakes(FUNCTION, parameters, grads, 0.01,
                                                                pick=lambda out: out[key]))


@graded(FUNCTION, points=1)
def test_update_parameters_with_gd_leaves_its_arguments_unchanged(impl):
    parameters = random_network(2)
    grads = random_grads(parameters, seed=3, steps=1)[0]
    call = checks.call("update_parameters_with_gd", parameters=parameters, grads=grads, learning_rate=0.1)
    with observe() as seen:
        result = impl.update_parameters_with_gd(parameters, grads, 0.1)
    mistakes = in_place_mistakes(FUNCTION, parameters, grads, 0.1)
    fail_if_arguments_changed(seen, call, result, mistakes, parameters=parameters, grads=grads)


@mutant(FUNCTION, "adding the gradient (W + learning_rate·dW) instead of subtracting it")
def gd_ascent(ref):
    old = ('updated[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]\n'
           '        updated[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]')
    return rewrite(ref, "update_parameters_with_gd", old, old.replace(" - learning_rate", " + learning_rate"))


@mutant(FUNCTION, "updating W but not b")
def gd_forgets_b(ref):
    correct = ref.update_parameters_with_gd

    def update_parameters_with_gd(parameters, grads, learning_rate):
        updated = correct(parameters, grads, learning_rate)
        return {key: (value if key.startswith("W") else parameters[key]) for key, value in updated.items()}
    return update_parameters_with_gd


@mutant(FUNCTION, "a loop over range(1, L) that leaves the last layer as it was")
def gd_misses_last_layer(ref):
    def update_parameters_with_gd(parameters, grads, learning_rate):
        L = len(parameters) // 2
        updated = dict(parameters)
        for l in range(1, L):
            updated[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
            updated[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
        return updated
    return update_parameters_with_gd


@mutant(FUNCTION, "an in-place update (parameters[key] -= ...) of the caller's arrays")
def gd_in_place(ref):
    def update_parameters_with_gd(parameters, grads, learning_rate):
        for key in parameters:
            parameters[key] -= learning_rate * grads["d" + key]
        return parameters
    return update_parameters_with_gd
