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


def _with_state(state: Any, update: Callable[[dict[str, Any], dict[str, Any], Any, int], tuple[dict[str, Any], Any]]
                ) -> list[float]:
    """:func:`_descend` with an update rule that carries a state: ``update(parameters, grads,
    state, t) -> (parameters, state)``."""
    carried = {"state": state}

    def step(parameters: dict[str, Any], grads: dict[str, Any], t: int) -> dict[str, Any]:
        parameters, carried["state"] = update(parameters, grads, carried["state"], t)
        return parameters
    return _descend(step)


@curve(TASK + "update_parameters_with_momentum", xlabel="step")
def momentum(module):
    return _with_state(module.initialize_velocity(BOWL_START),
                       lambda p, g, v, t: module.update_parameters_with_momentum(p, g, v, 0.9, 0.019))


@curve(TASK + "update_parameters_with_rmsprop", xlabel="step")
def rmsprop(module):
    return _with_state(module.initialize_rmsprop(BOWL_START),
                       lambda p, g, s, t: module.update_parameters_with_rmsprop(p, g, s, 0.9, 0.05))


@curve(TASK + "update_parameters_with_adam", xlabel="step")
def adam(module):
    def update(p, g, state, t):
        p, v, s, *_ = module.update_parameters_with_adam(p, g, *state, t, learning_rate=0.05)
        return p, (v, s)
    return _with_state(module.initialize_adam(BOWL_START), update)
