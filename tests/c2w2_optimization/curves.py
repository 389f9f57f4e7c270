"""The learning curves of c2w2_optimization's update rules on the lecture's elongated bowl
J(W, b) = (W² + 100·b²)/2 (``course plot``): slow along W for plain gradient descent,
smoothed by momentum, rescaled by RMSprop and Adam."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grader.curves import curve
from tests.c2w2_optimization.oracles import BOWL_START, TASK, bowl_cost, bowl_grads

STEPS = 150


def _descend(step: Callable[[dict[str, Any], dict[str, Any], int], dict[str, Any]]) -> list[float]:
    """The cost after each of STEPS updates from the bowl's start; ``step(parameters, grads, t)``."""
    parameters = {key: value.copy() for key, value in BOWL_START.items()}
    costs = [bowl_cost(parameters)]
    for t in range(1, STEPS + 1):
        parameters = step(parameters, bowl_grads(parameters), t)
        costs.append(bowl_cost(parameters))
    return costs


@curve(TASK + "update_parameters_with_gd", xlabel="step")
def gradient_descent(module):
    return _descend(lambda p, g, t: module.update_parameters_with_gd(p, g, 0.019))


@curve(TASK + "update_parameters_with_momentum", xlabel="step")
def momentum(module):
    state = {"v": module.initialize_velocity(BOWL_START)}

    def step(parameters, grads, t):
        parameters, state["v"] = module.update_parameters_with_momentum(parameters, grads, state["v"], 0.9, 0.019)
        return parameters
    return _descend(step)


@curve(TASK + "update_parameters_with_rmsprop", xlabel="step")
def rmsprop(module):
    state = {"s": module.initialize_rmsprop(BOWL_START)}

    def step(parameters, grads, t):
        parameters, state["s"] = module.update_parameters_with_rmsprop(parameters, grads, state["s"], 0.9, 0.05)
        return parameters
    return _descend(step)


@curve(TASK + "update_parameters_with_adam", xlabel="step")
def adam(module):
    v, s = module.initialize_adam(BOWL_START)
    state = {"v": v, "s": s}

    def step(parameters, grads, t):
        parameters, state["v"], state["s"], *_ = module.update_parameters_with_adam(
            parameters, grads, state["v"], state["s"], t, learning_rate=0.05)
        return parameters
    return _descend(step)
