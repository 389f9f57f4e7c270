"""The graded tests of c2w2_optimization.initialize_rmsprop, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant
from tests.c2w2_optimization.oracles import TASK, check_state_zeros, random_network

FUNCTION = TASK + "initialize_rmsprop"


@graded(FUNCTION, points=2)
def test_initialize_rmsprop_gives_zeros_shaped_like_each_parameter(impl):
    for dims in [(3, 4, 2, 1), (5, 2)]:
        parameters = random_network(0, dims)
        call = checks.call("initialize_rmsprop", parameters=parameters) + f" for layer sizes {dims}"
        check_state_zeros(impl.initialize_rmsprop(parameters), parameters, call, "s",
                          checks.known_mistakes(FUNCTION, parameters))


@mutant(FUNCTION, "the parameters' keys W1, b1, ... instead of the course's dW1, db1, ...")
def rmsprop_state_parameter_keys(ref):
    def initialize_rmsprop(parameters):
        return {key: np.zeros(np.shape(value)) for key, value in parameters.items()}
    return initialize_rmsprop


@mutant(FUNCTION, "a loop over range(1, L) that misses the last layer")
def rmsprop_state_misses_last_layer(ref):
    correct = ref.initialize_rmsprop

    def initialize_rmsprop(parameters):
        L = len(parameters) // 2
        return {key: value for key, value in correct(parameters).items() if not key.endswith(str(L))}
    return initialize_rmsprop


@mutant(FUNCTION, "ones instead of zeros")
def rmsprop_state_ones(ref):
    correct = ref.initialize_rmsprop

    def initialize_rmsprop(parameters):
        return {key: np.ones_like(value) for key, value in correct(parameters).items()}
    return initialize_rmsprop
