"""The graded tests of c2w2_optimization.initialize_adam, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant
from tests.c2w2_optimization.oracles import TASK, check_state_zeros, course_case, random_network

FUNCTION = TASK + "initialize_adam"


def _check(impl, parameters, call):
    v, s = checks.unpack(impl.initialize_adam(parameters), ("v", "s"), call=call)
    check_state_zeros(v, parameters, call, "v", checks.known_mistakes(FUNCTION, parameters, pick=lambda out: out[0]))
    check_state_zeros(s, parameters, call, "s", checks.known_mistakes(FUNCTION, parameters, pick=lambda out: out[1]))


@graded(FUNCTION, points=2)
def test_initialize_adam_gives_two_dicts_of_zeros_shaped_like_each_parameter(impl):
    parameters = random_network(0, (3, 4, 2, 1))
    _check(impl, parameters, checks.call("initialize_adam", parameters=parameters) + " for layer sizes (3, 4, 2, 1)")


@graded(FUNCTION, points=1)
def test_initialize_adam_reproduces_the_course(impl):
    parameters, _ = course_case()  # W1 (2, 3), b1 (2, 1), W2 (3, 2), b2 (3, 1)
    _check(impl, parameters, checks.call("initialize_adam", parameters=parameters) + " (the course's test case)")


@mutant(FUNCTION, "the parameters' keys W1, b1, ... instead of the course's dW1, db1, ...")
def adam_state_parameter_keys(ref):
    def initialize_adam(parameters):
        return ({key: np.zeros(np.shape(value)) for key, value in parameters.items()},
                {key: np.zeros(np.shape(value)) for key, value in parameters.items()})
    return initialize_adam


@mutant(FUNCTION, "a loop over range(1, L) that misses the last layer")
def adam_state_misses_last_layer(ref):
    correct = ref.initialize_adam

    def initialize_adam(parameters):
        L = len(parameters) // 2
        return tuple({key: value for key, value in state.items() if not key.endswith(str(L))}
                     for state in correct(parameters))
    return initialize_adam


@mutant(FUNCTION, "s of ones (as if the squared gradients started at 1)")
def adam_state_s_ones(ref):
    correct = ref.initialize_adam

    def initialize_adam(parameters):
        v, s = correct(parameters)
        return v, {key: np.ones_like(value) for key, value in s.items()}
    return initialize_adam
