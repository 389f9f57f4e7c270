"""The graded tests of c1w3_shallow_network.update_parameters, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant, rewrite
from tests.c1w3_shallow_network.oracles import (COURSE_UPDATE_GRADS, COURSE_UPDATE_PARAMETERS, COURSE_UPDATED, PRINTED,
                                                UPDATE, check_arrays, course_arrays, random_problem, sgd_step)


def random_step(seed: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    _, _, parameters = random_problem(n_x=3, n_h=5, m=2, seed=seed)
    rng = np.random.default_rng(seed + 100)
    return parameters, {f"d{key}": rng.normal(size=value.shape) for key, value in parameters.items()}


def check_update(impl, parameters, grads, expected, note: str = "", **kwargs) -> None:
    tolerance = {key: kwargs.pop(key) for key in ("rtol", "atol") if key in kwargs}
    call = checks.call("update_parameters", parameters=parameters, grads=grads, **kwargs) + note
    updated = impl.update_parameters(parameters, grads, **kwargs)
    check_arrays(updated, expected, call=call, what="parameters", **tolerance, mistakes=lambda key: checks.known_mistakes(
        UPDATE, parameters, grads, pick=lambda out: out[key], **kwargs))


@graded(UPDATE, points=2)
def test_update_parameters_matches_keras_sgd(impl):
    # the oracle: one step of keras.optimizers.SGD(learning_rate=0.5) along the same gradients
    parameters, grads = random_step(seed=6)
    check_update(impl, parameters, grads, sgd_step(parameters, grads, 0.5), learning_rate=0.5)


@graded(UPDATE, points=1)
def test_update_parameters_defaults_to_the_course_learning_rate(impl):
    parameters, grads = random_step(seed=7)
    check_update(impl, parameters, grads, sgd_step(parameters, grads, 1.2), " (the default learning_rate=1.2)")


@graded(UPDATE, points=1)
def test_update_parameters_reproduces_the_course(impl):
    parameters, grads = course_arrays(COURSE_UPDATE_PARAMETERS), course_arrays(COURSE_UPDATE_GRADS)
    check_update(impl, parameters, grads, course_arrays(COURSE_UPDATED), " (the course's update_parameters_test_case)",
                 **PRINTED)


@mutant(UPDATE, "W := W + α·dW (a step up the gradient instead of down)")
def update_plus(ref):
    function = ref.update_parameters
    return lambda parameters, grads, learning_rate=1.2: function(parameters, grads, -learning_rate)


@mutant(UPDATE, "the weights updated but not the biases")
def update_no_biases(ref):
    return rewrite(ref, "update_parameters", 'b1 = p["b1"] - learning_rate * g["db1"]', 'b1 = p["b1"]')


@mutant(UPDATE, "a fixed learning rate of 1.2 whatever learning_rate says")
def update_fixed_rate(ref):
    function = ref.update_parameters
    return lambda parameters, grads, learning_rate=1.2: function(parameters, grads)


@mutant(UPDATE, "W := W - dW (the learning rate forgotten)")
def update_no_rate(ref):
    function = ref.update_parameters
    return lambda parameters, grads, learning_rate=1.2: function(parameters, grads, 1.0)
