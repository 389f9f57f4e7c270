"""The graded tests of c1w4_deep_network.L_layer_model, and the mutants they must catch."""

from __future__ import annotations

import math

import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c1w4_deep_network.oracles import (MODEL, check_arrays, check_keys, disc_task, effect_mistakes, keras_gradient_descent,
                                             parameter_keys, tf_forward)

NAME = "L_layer_model"


def train(impl, X, Y, layers_dims, **kwargs):
    """The student's (parameters, costs), once parameters has the course's keys and costs is a list
    of Python floats; and the call's text."""
    call = checks.call(NAME, X=X, Y=Y, layers_dims=list(layers_dims), **kwargs)
    parameters, costs = checks.unpack(impl.L_layer_model(X, Y, list(layers_dims), **kwargs), ("parameters", "costs"),
                                      call=call)
    check_keys(parameters, parameter_keys(len(layers_dims) - 1), call, "parameters")
    if not isinstance(costs, list) or not all(isinstance(cost, float) for cost in costs):
        checks.fail(f"{call}: costs should be a list of Python floats (compute_cost returns one), got "
                    f"{type(costs).__name__} of {[type(c).__name__ for c in costs][:3] if isinstance(costs, (list, tuple)) else '-'}")
    return parameters, costs, call


@graded(MODEL, points=3)
def test_L_layer_model_matches_keras_gradient_descent(impl):
    X, Y = disc_task(m=60, seed=1)
    layers_dims, learning_rate, num_iterations = [2, 8, 1], 0.7, 300
    start = impl.initialize_parameters_deep(layers_dims, seed=5)
    parameters, costs, call = train(impl, X, Y, layers_dims, learning_rate=learning_rate,
                                    num_iterations=num_iterations, seed=5)
    call += (f" (oracle: {num_iterations} steps of keras.optimizers.SGD({learning_rate}) on the mean binary cross-"
             "entropy, from initialize_parameters_deep(layers_dims, seed=5))")
    expected, expected_costs = keras_gradient_descent(X, Y, start, learning_rate, num_iterations)
    args = (X, Y, layers_dims)
    kwargs = {"learning_rate": learning_rate, "num_iterations": num_iterations, "seed": 5}
    checks.check_close(costs, expected_costs, call=call, name="costs (iterations 0, 100, 200)", rtol=1e-6,
                       mistakes=checks.known_mistakes(MODEL, *args, pick=lambda out: out[1], **kwargs))
    check_arrays(parameters, expected, layers_dims, call, "parameters", rtol=1e-6, atol=1e-9,
                 mistakes=lambda key: checks.known_mistakes(MODEL, *args, pick=lambda out: out[0][key], **kwargs))


@graded(MODEL, points=2)
def test_L_layer_model_reduces_the_cost_on_a_small_task(impl):
    # Points inside a disc, 5 % of the labels flipped: the reference goes from cost 0.693 to 0.18
    # and 96 % training accuracy in 1500 steps (every seed tried, 1 to 3, does alike); we ask for
    # half the first cost and 85 %.
    X, Y = disc_task()
    parameters, costs, call = train(impl, X, Y, [2, 8, 1], learning_rate=0.5, num_iterations=1500)
    AL = tf_forward(X, {key: checks.to_array(value, call=call) for key, value in parameters.items()})[0]
    accuracy = float(np.mean((AL > 0.5) == (Y > 0.5)))
    if not costs or not costs[-1] < 0.5 * costs[0] or accuracy < 0.85:
        trajectory = ", ".join(f"{cost:.3f}" for cost in costs[:16])
        checks.fail(f"{call}: the recorded costs are [{trajectory}] and the trained network classifies {accuracy:.0%} "
                    "of the training set correctly; expected the last cost below half the first and at least 85 % "
                    "(the reference: 0.693 down to 0.18, 96 %). Does each iteration run forward, cost, backward and "
                    "update_parameters(parameters, grads, learning_rate), and keep the updated parameters?")


@graded(MODEL, points=1)
def test_L_layer_model_records_the_cost_every_100_iterations(impl):
    X, Y = disc_task(m=30, seed=2)
    for num_iterations in (1, 250):
        _, costs, call = train(impl, X, Y, [2, 3, 1], learning_rate=0.1, num_iterations=num_iterations)
        expected = math.ceil(num_iterations / 100)
        named = checks.known_mistakes(MODEL, X, Y, [2, 3, 1], learning_rate=0.1, num_iterations=num_iterations,
                                      pick=lambda out: len(out[1])).equal_to(len(costs))
        if len(costs) != expected:
            checks.fail(f"{call}: costs has {len(costs)} entries, expected {expected}: the costs of iterations "
                        f"i = 0, 100, 200, ... below num_iterations, where i % 100 == 0{named}")


@graded(MODEL, points=1)
def test_L_layer_model_prints_only_when_asked_and_keeps_numpy_global_state(impl):
    X, Y = disc_task(m=30, seed=3)
    with observe() as quiet:
        _, _, call = train(impl, X, Y, [2, 3, 1], learning_rate=0.1, num_iterations=150)
    effects = effect_mistakes(MODEL, X, Y, [2, 3, 1], learning_rate=0.1, num_iterations=150)
    if quiet.printed:
        checks.fail(f"{call} printed {quiet.printed[:120]!r}: print only with print_cost=True"
                    + effects.named(lambda effect: effect["printed"] != ""))
    if quiet.numpy_global_random:
        checks.fail(f"{call} used NumPy's global random state (np.random.seed?): initialize through "
                    "initialize_parameters_deep(layers_dims, seed), which draws from a RandomState of its own"
                    + effects.named(lambda effect: effect["numpy_global_random"]))
    with observe() as loud:
        _, _, loud_call = train(impl, X, Y, [2, 3, 1], learning_rate=0.1, num_iterations=150, print_cost=True)
    if "0" not in loud.printed or "100" not in loud.printed:
        checks.fail(f"{loud_call} printed {loud.printed[:200]!r}; expected the cost every 100 iterations, "
                    "e.g. 'Cost after iteration 0: 0.6931...' and 'Cost after iteration 100: ...'")


@mutant(MODEL, "training that ignores learning_rate (always the default 0.0075)")
def model_ignores_learning_rate(ref):
    return rewrite(ref, NAME, "update_parameters(parameters, grads, learning_rate)",
                   "update_parameters(parameters, grads, 0.0075)")


@mutant(MODEL, "the cost recorded at every iteration")
def model_records_every_cost(ref):
    return rewrite(ref, NAME, "        if i % 100 == 0:\n            costs.append(cost)", "        costs.append(cost)")


@mutant(MODEL, "the initialization's seed ignored (always seed 1)")
def model_ignores_seed(ref):
    return rewrite(ref, NAME, "initialize_parameters_deep(layers_dims, seed)", "initialize_parameters_deep(layers_dims, 1)")


@mutant(MODEL, "a loop that never keeps the updated parameters")
def model_forgets_update(ref):
    return rewrite(ref, NAME, "parameters = update_parameters(", "_ = update_parameters(")


@mutant(MODEL, "the cost printed every 100 iterations even without print_cost")
def model_always_prints(ref):
    return rewrite(ref, NAME, "if print_cost and (", "if (")


@mutant(MODEL, "np.random.seed(seed) before the initialization (NumPy's global random state)")
def model_global_seed(ref):
    return rewrite(ref, NAME, "    costs = []\n", "    costs = []\n    np.random.seed(seed)\n")
