"""The graded tests of c2w2_optimization.initialize_velocity, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant
from tests.c2w2_optimization.oracles import TASK, check_state_zeros, random_network

FUNCTION = TASK + "initialize_velocity"


@graded(FUNCTION, points=2)
def test_initialize_velocity_gives_zeros_shaped_like_each_parameter(impl):
    parameters = random_network(0, (3, 4, 2, 1))
    call = checks.call("initialize_velocity", parameters=parameters) + " for layer sizes (3, 4, 2, 1)"
    check_state_zeros(impl.initialize_velocity(parameters), parameters, call, "v",
                      checks.known_mistakes(FUNCTION, parameters))


@graded(FUNCTION, points=1)
def test_initialize_velocity_reproduces_the_course(impl):
    # The course's initialize_velocity_test_case: W1 (3, 2), b1 (3, 1), W2 (3, 3), b2 (3, 1).
    rng = np.random.RandomState(1)
    parameters = {"W1": rng.randn(3, 2), "b1": rng.randn(3, 1), "W2": rng.randn(3, 3), "b2": rng.randn(3, 1)}
    call = checks.call("initialize_velocity", parameters=parameters) + " (the course's test case)"
    check_state_zeros(impl.initialize_velocity(parameters), parameters, call, "v",
                      checks.known_mistakes(FUNCTION, parameters))


@mutant(FUNCTION, "the parameters' keys W1, b1, ... instead of the course's dW1, db1, ...")
def velocity_parameter_keys(ref):
    def initialize_velocity(parameters):
        return {key: np.zeros(np.shape(value)) for key, value in parameters.items()}
    return initialize_velocity


@mutant(FUNCTION, "a loop over range(1, L) that misses the last layer")
def velocity_misses_last_layer(ref):
    def initialize_velocity(parameters):
        L = len(parameters) // 2
        v = {}
        for l in range(1, L):
            v[f"dW{l}"] = np.zeros(np.shape(parameters[f"W{l}"]))
            v[f"db{l}"] = np.zeros(np.shape(parameters[f"b{l}"]))
        return v
    return initialize_velocity


@mutant(FUNCTION, "zeros of the transposed shape (n[l-1], n[l]) for dW")
def velocity_transposed(ref):
    correct = ref.initialize_velocity

    def initialize_velocity(parameters):
        return {key: (value.T if key.startswith("dW") else value) for key, value in correct(parameters).items()}
    return initialize_velocity
