"""The graded tests of c2w2_optimization.update_parameters_with_momentum, and the mutants they must catch.

Oracles: the velocity v is the exponentially weighted average of the gradients (pandas, see
``oracles.ewm_oracle``); the parameters come from ``keras.optimizers.SGD(momentum=beta)``.

Where Keras differs from the course: Keras keeps u = beta·u - lr·g and takes W := W + u, with no
(1 - beta) factor; the course keeps v = beta·v + (1 - beta)·g and takes W := W - alpha·v. The two
are the same method with rescaled constants: with lr = alpha·(1 - beta), Keras' u_t equals
-alpha·v_t at every step (both start at 0 and obey the same recursion), so Keras' parameters are
exactly the course's. Keras with lr = alpha would instead be the (1 - beta)-free variant
v = beta·v + g, which the course does not use.
"""

from __future__ import annotations

import keras

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w2_optimization.oracles import (
    TASK, BOWL_START, bowl_cost, bowl_grads, check_dict, check_dict_close, course_case, ewm_of_dicts,
    fail_if_arguments_changed, gradient_descent_steps_on_bowl, in_place_mistakes, keras_trajectory, random_grads,
    random_network, steps_to_reach, zeros_state)

FUNCTION = TASK + "update_parameters_with_momentum"


def _step(impl, parameters, grads, v, beta, learning_rate, call):
    result = checks.unpack(impl.update_parameters_with_momentum(parameters, grads, v, beta, learning_rate),
                           ("parameters", "v"), call=call)
    return (check_dict(result[0], parameters, call, "parameters"),
            check_dict(result[1], parameters, call, "v", prefix="d"))


def _mistakes(args, index, prefix=""):
    return lambda key: checks.known_mistakes(FUNCTION, *args, pick=lambda out: out[index][prefix + key])


@graded(FUNCTION, points=3)
def test_update_parameters_with_momentum_matches_keras_sgd_with_momentum(impl):
    beta, alpha, steps = 0.9, 0.05, 4
    start = random_network(0, (3, 4, 2))
    grads = random_grads(start, seed=1, steps=steps)
    expected_parameters = keras_trajectory(keras.optimizers.SGD(learning_rate=alpha * (1 - beta), momentum=beta),
                                           start, grads)
    expected_v = ewm_of_dicts(grads, beta)
    parameters, v = start, zeros_state(start)
    for t in range(steps):
        # Each step starts from the oracle's state after the previous one, so that every step is
        # judged on its own (and a mistake is named on the very inputs it went wrong on).
        call = checks.call("update_parameters_with_momentum", parameters=parameters, grads=grads[t], v=v,
                           beta=beta, learning_rate=alpha) + f" (step {t + 1} from v = 0)"
        args = (parameters, grads[t], v, beta, alpha)
        got_parameters, got_v = _step(impl, *args, call)
        check_dict_close(got_v, {k[1:]: x for k, x in expected_v[t].items()}, call, "v", prefix="d",
                         mistakes=_mistakes(args, 1, "d"))
        check_dict_close(got_parameters, expected_parameters[t], call, "parameters", mistakes=_mistakes(args, 0))
        parameters, v = expected_parameters[t], expected_v[t]


@graded(FUNCTION, points=2)
def test_update_parameters_with_momentum_reproduces_the_course(impl):
    parameters, grads = course_case()
    v = zeros_state(parameters)
    call = checks.call("update_parameters_with_momentum", parameters=parameters, grads=grads, v=v, beta=0.9,
                       learning_rate=0.01) + " (the course's test case)"
    args = (parameters, grads, v, 0.9, 0.01)
    got_parameters, got_v = _step(impl, *args, call)
    expected_v = {"W1": [[-0.08778584, 0.00422137, 0.05828152], [-0.11006192, 0.11447237, 0.09015907]],
                  "b1": [[0.05024943], [0.09008559]],
                  "W2": [[-0.06837279, -0.01228902], [-0.09357694, -0.02678881], [0.05303555, -0.06916608]],
                  "b2": [[-0.03967535], [-0.06871727], [-0.08452056]]}
    expected_parameters = {"W1": [[1.62522322, -0.61179863, -0.52875457], [-1.071868, 0.86426291, -2.30244029]],
                           "b1": [[1.74430927], [-0.76210776]],
                           "W2": [[0.31972282, -0.24924749], [1.46304371, -2.05987282], [-0.32294756, -0.38336269]],
                           "b2": [[1.1341662], [-1.09920409], [-0.171583]]}
    check_dict_close(got_v, expected_v, call, "v", prefix="d", rtol=1e-6, atol=1e-8, mistakes=_mistakes(args, 1, "d"))
    check_dict_close(got_parameters, expected_parameters, call, "parameters", rtol=1e-6, atol=1e-8,
                     mistakes=_mistakes(args, 0))


@graded(FUNCTION, points=2)
def test_update_parameters_with_momentum_beats_gradient_descent_on_an_elongated_bowl(impl):
    # J(W, b) = (W² + 100·b²)/2, condition number 100, from (W, b) = (-2, 1). Plain gradient descent
    # at its best learning rate 2/101 needs 116 steps to bring J to 1% of its start; momentum with
    # beta = 0.9 damps the oscillations along b, which lets it use alpha = 0.1 (where gradient
    # descent diverges, 0.1 > 2/100) and get there in 27. It must take at most half of GD's steps.
    target = 0.01 * bowl_cost(BOWL_START)
    gd_steps = gradient_descent_steps_on_bowl(target)
    call = ("update_parameters_with_momentum(parameters, grads, v, beta=0.9, learning_rate=0.1) on "
            "J(W, b) = (W² + 100·b²)/2 from W = -2, b = 1")
    state = {"v": zeros_state(BOWL_START)}

    def step(parameters, t):
        result = checks.unpack(impl.update_parameters_with_momentum(parameters, bowl_grads(parameters), state["v"],
                                                                    0.9, 0.1), ("parameters", "v"), call=call)
        state["v"] = result[1]
        return result[0]

    steps = steps_to_reach(step, target, gd_steps // 2, call)
    if steps is None:
        checks.fail(f"{call}: the cost is still above {target:.3g} (1% of its start) after {gd_steps // 2} steps; "
                    f"gradient descent at its best learning rate needs {gd_steps}, momentum should need at most half")


@graded(FUNCTION, points=1)
def test_update_parameters_with_momentum_leaves_its_arguments_unchanged(impl):
    parameters = random_network(2)
    grads = random_grads(parameters, seed=3, steps=1)[0]
    v = {key: 0.1 * value for key, value in random_grads(parameters, seed=4, steps=1)[0].items()}
    call = checks.call("update_parameters_with_momentum", parameters=parameters, grads=grads, v=v, beta=0.9,
                       learning_rate=0.1)
    with observe() as seen:
        result = impl.update_parameters_with_momentum(parameters, grads, v, 0.9, 0.1)
    mistakes = in_place_mistakes(FUNCTION, parameters, grads, v, 0.9, 0.1)
    fail_if_arguments_changed(seen, call, result, mistakes, parameters=parameters, grads=grads, v=v)


@mutant(FUNCTION, "momentum without the (1 - beta) factor: v = beta·v + dW")
def momentum_without_one_minus_beta(ref):
    return rewrite(ref, "update_parameters_with_momentum", '+ (1 - beta) * grads["d" + name]', '+ grads["d" + name]')


@mutant(FUNCTION, "beta and 1 - beta swapped: v = (1 - beta)·v + beta·dW")
def momentum_swapped(ref):
    return rewrite(ref, "update_parameters_with_momentum", 'beta * v["d" + name] + (1 - beta) * grads["d" + name]',
                   '(1 - beta) * v["d" + name] + beta * grads["d" + name]')


@mutant(FUNCTION, "updating v but the parameters with the raw gradient (W - alpha·dW)")
def momentum_raw_gradient(ref):
    return rewrite(ref, "update_parameters_with_momentum", 'learning_rate * velocity["d" + name]',
                   'learning_rate * grads["d" + name]')


@mutant(FUNCTION, "returning the velocity it was given instead of the updated one")
def momentum_stale_velocity(ref):
    return rewrite(ref, "update_parameters_with_momentum", "return updated, velocity", "return updated, v")


@mutant(FUNCTION, "in-place updates (v[key] *= beta, parameters[key] -= ...) of the caller's arrays")
def momentum_in_place(ref):
    def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
        for key in parameters:
            v["d" + key] *= beta
            v["d" + key] += (1 - beta) * grads["d" + key]
            parameters[key] -= learning_rate * v["d" + key]
        return parameters, v
    return update_parameters_with_momentum
