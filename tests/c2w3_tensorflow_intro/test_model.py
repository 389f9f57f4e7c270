"""The graded tests of c2w3_tensorflow_intro.model, and the mutants they must catch."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant, rewrite
from tests.c2w3_tensorflow_intro.oracles import blobs, checked_parameters, keras_cce, numpy_forward, TASK, watched


# The calls of `model` that the tests share: name -> (training set, test set, hyperparameters)
_MODEL_CALLS: dict[str, tuple[tuple[int, int], tuple[int, int], dict[str, Any]]] = {
    # 270 examples sorted by class: unshuffled, every epoch ends on 15 mini-batches of class 2
    "sorted": ((90, 1), (30, 2), dict(learning_rate=0.03, num_epochs=1, minibatch_size=6, seed=0)),
    # 30 examples in mini-batches of 8, 8, 8 and 6
    "small": ((10, 5), (4, 6), dict(learning_rate=0.01, num_epochs=2, minibatch_size=8, seed=5)),
    # 39 examples in one mini-batch: no step, then exactly one
    "untrained": ((13, 3), (5, 4), dict(learning_rate=0.01, num_epochs=0, minibatch_size=64, seed=4)),
    "one_step": ((13, 3), (5, 4), dict(learning_rate=0.01, num_epochs=1, minibatch_size=64, seed=4)),
}
_RUNS: dict[tuple[ModuleType, str], tuple[Any, str, list[str]]] = {}


def _model_arguments(name: str) -> tuple[dict[str, Any], str]:
    """The keyword arguments of the named call of ``model``, and the call described for messages."""
    (per_class, train_seed), (per_class_test, test_seed), hyperparameters = _MODEL_CALLS[name]
    arguments = dict(zip(("X_train", "Y_train"), blobs(per_class, train_seed)))
    arguments |= dict(zip(("X_test", "Y_test"), blobs(per_class_test, test_seed)))
    arguments |= hyperparameters
    settings = ", ".join(f"{key}={value}" for key, value in hyperparameters.items())
    order = " sorted by class" if name == "sorted" else ""
    description = (f"model(X_train, Y_train, X_test, Y_test, {settings}) on {3 * per_class} training "
                   f"examples of 3 classes{order}, X_train of shape {arguments['X_train'].shape}")
    return arguments, description


def _run_model(impl: ModuleType, name: str, *, again: bool = False) -> tuple[tuple, dict[str, Any], str, str, list[str]]:
    """``impl.model`` on the named call: run once per implementation and shared by its tests
    (``again=True`` runs it afresh).

    Returns the 4-tuple it returned, its arguments, the call described, what it printed and the
    global state it changed.
    """
    arguments, description = _model_arguments(name)
    if again or (impl, name) not in _RUNS:
        result, problems, printed = watched(impl.model, **arguments)
        if again:
            return _checked_result(result, description), arguments, description, printed, problems
        _RUNS[impl, name] = (result, printed, problems)
    result, printed, problems = _RUNS[impl, name]
    return _checked_result(result, description), arguments, description, printed, problems


def _checked_result(result: Any, description: str) -> tuple:
    if not (isinstance(result, (tuple, list)) and len(result) == 4):
        length = f" of length {len(result)}" if hasattr(result, "__len__") else ""
        checks.fail(f"{description} should return (parameters, costs, train_acc, test_acc), got "
                    f"{type(result).__name__}{length}")
    return tuple(result)


def _model_parameters(parameters: Any, arguments: dict[str, Any], description: str) -> dict[str, np.ndarray]:
    n_x, n_y = arguments["X_train"].shape[0], arguments["Y_train"].shape[0]
    return checked_parameters(parameters, [n_x, 25, 12, n_y], description)


@graded(TASK + "model", points=2)
def test_model_returns_parameters_and_a_decreasing_cost_per_epoch(impl):
    (parameters, costs, train_acc, test_acc), arguments, description, printed, _ = _run_model(impl, "small")
    arrays = _model_parameters(parameters, arguments, description)
    epochs = arguments["num_epochs"]
    for name, values in (("costs", costs), ("train_acc", train_acc), ("test_acc", test_acc)):
        if not (isinstance(values, (list, tuple)) and len(values) == epochs):
            length = f" of length {len(values)}" if hasattr(values, "__len__") else ""
            checks.fail(f"{description}: {name} should be a list with one entry per epoch ({epochs}), "
                        f"got {type(values).__name__}{length}")
    for epoch, cost in enumerate(costs):
        if not isinstance(cost, float):
            checks.fail(f"{description}: costs[{epoch}] should be a Python float, got "
                        f"{type(cost).__name__} (use float(...) on a tensor)")
    if not costs[1] < costs[0]:
        checks.fail(f"{description}: costs = {list(costs)}; the cost should decrease from epoch to epoch")
    for name, values in (("train_acc", train_acc), ("test_acc", test_acc)):
        array = checks.to_array(values, call=description, name=name)
        if not np.all((array >= 0) & (array <= 1)):
            checks.fail(f"{description}: {name} = {array.tolist()}, expected fractions in [0, 1]")
    X_test, Y_test = arguments["X_test"], arguments["Y_test"]
    expected = float(np.mean(numpy_forward(X_test, arrays).argmax(axis=0) == Y_test.argmax(axis=0)))
    checks.check_scalar(float(test_acc[-1]), expected, call=description,
                        name="test_acc[-1] (the accuracy on the test set of the returned parameters)",
                        atol=1.5 / X_test.shape[1])
    if printed:
        checks.fail(f"{description} printed {printed[:200]!r}: print only when print_cost=True")


@graded(TASK + "model", points=2)
def test_model_learns_from_class_sorted_data(impl):
    (_, _, _, test_acc), _, description, _, _ = _run_model(impl, "sorted")
    test_acc = checks.to_array(test_acc, call=description, name="test_acc")
    if not (test_acc.shape == (1,) and test_acc[-1] >= 0.85):
        checks.fail(f"{description}: test_acc = {test_acc.tolist()}, expected one accuracy of at least "
                    "0.85 (a correct model reaches 0.93). Shuffle the whole training set every epoch "
                    "(Dataset.shuffle with a buffer of m and the seed): unshuffled, each epoch ends on "
                    "mini-batches of the last class only, and the network learns to predict it everywhere.")


@graded(TASK + "model", points=2)
def test_model_epoch_cost_is_total_loss_over_m(impl):
    (initial, costs0, *_), arguments, description, _, _ = _run_model(impl, "untrained")
    initial = _model_parameters(initial, arguments, description)
    if len(costs0) != 0:
        checks.fail(f"{description}: with num_epochs=0 costs should be empty, got {costs0!r}")
    (_, costs, *_), arguments, description, _, _ = _run_model(impl, "one_step")
    if len(costs) != 1:
        checks.fail(f"{description}: costs should hold one value, got {costs!r}")
    X, Y = arguments["X_train"], arguments["Y_train"]
    mean = keras_cce(Y, numpy_forward(X, initial), from_logits=True, reduction="sum_over_batch_size")
    checks.check_scalar(costs[0], mean, call=description,
                        name="costs[0] (the epoch's summed loss / m, at the parameters of num_epochs=0)",
                        rtol=1e-4, atol=1e-5,
                        mistakes=checks.known_mistakes(TASK + "model", **arguments, pick=lambda out: out[1][0]))


def _tf_forward(X: np.ndarray, parameters: dict[str, tf.Variable]) -> tf.Tensor:
    """The test's own LINEAR -> RELU -> LINEAR -> RELU -> LINEAR, in TensorFlow for a tape."""
    A = tf.constant(X)
    for l in (1, 2, 3):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        A = tf.nn.relu(Z) if l < 3 else Z
    return A


@graded(TASK + "model", points=2)
def test_model_takes_an_adam_step_per_minibatch(impl):
    (initial, *_), arguments, description, _, _ = _run_model(impl, "untrained")
    initial = _model_parameters(initial, arguments, description)
    (trained, *_), arguments, description, _, _ = _run_model(impl, "one_step")
    trained = _model_parameters(trained, arguments, description)
    keys = list(initial)
    variables = [tf.Variable(initial[key].astype(np.float32)) for key in keys]
    with tf.GradientTape() as tape:
        logits = _tf_forward(arguments["X_train"], dict(zip(keys, variables)))
        loss = keras.losses.CategoricalCrossentropy(from_logits=True, reduction="sum")(
            arguments["Y_train"].T, tf.transpose(logits))
    gradients = tape.gradient(loss, variables)
    keras.optimizers.Adam(learning_rate=arguments["learning_rate"]).apply_gradients(zip(gradients, variables))
    for key, gradient, variable in zip(keys, gradients, variables):
        checks.check_close(trained[key], variable.numpy(), call=description,
                           name=f"{key} after one step (the parameters of num_epochs=0, then one "
                                "keras.optimizers.Adam(learning_rate=0.01) step on the summed loss)",
                           rtol=1e-3, atol=1e-5,
                           mistakes=checks.known_mistakes(TASK + "model", **arguments,
                                                          pick=lambda out, key=key: out[0][key]))


@graded(TASK + "model", points=1)
def test_model_is_reproducible_and_leaves_global_state_alone(impl):
    (_, first, *_), _, description, _, problems = _run_model(impl, "small", again=True)
    (_, second, *_), _, _, _, problems_again = _run_model(impl, "small", again=True)
    description += ", called twice"
    if problems or problems_again:
        checks.fail(f"{description}: " + "; ".join(problems or problems_again))
    first, second = (checks.to_array(costs, call=description, name="costs") for costs in (first, second))
    if not (first.shape == second.shape and np.allclose(first, second, rtol=1e-6, atol=1e-9)):
        checks.fail(f"{description}: the costs were {first.tolist()} and then {second.tolist()}; the "
                    "same seed should give the same run (Dataset.shuffle(m, seed=seed), and the seed "
                    "for the initial parameters)")


@mutant(TASK + "model", "a gradient-descent step (keras.optimizers.SGD) instead of Adam's")
def model_sgd(ref):
    return rewrite(ref, "model", "keras.optimizers.Adam(", "keras.optimizers.SGD(")


@mutant(TASK + "model", "the epoch's summed loss not divided by m")
def model_cost_not_over_m(ref):
    return rewrite(ref, "model", "costs.append(epoch_total_loss / m)", "costs.append(epoch_total_loss)")


@mutant(TASK + "model", "the epoch's summed loss divided by minibatch_size instead of m")
def model_cost_over_minibatch_size(ref):
    return rewrite(ref, "model", "costs.append(epoch_total_loss / m)", "costs.append(epoch_total_loss / minibatch_size)")


@mutant(TASK + "model", "computing the gradients but never applying them")
def model_no_update(ref):
    return rewrite(ref, "model", "optimizer.apply_gradients(zip(gradients, variables))", "pass")


@mutant(TASK + "model", "no shuffle (the mini-batches keep the order of the data)")
def model_no_shuffle(ref):
    return rewrite(ref, "model", ".shuffle(m, seed=seed, reshuffle_each_iteration=True)", "")


@mutant(TASK + "model", "a shuffle without the seed (every run differs)")
def model_unseeded_shuffle(ref):
    return rewrite(ref, "model", "seed=seed, reshuffle_each_iteration", "reshuffle_each_iteration")


@mutant(TASK + "model", "tf.random.set_seed(seed) (global state) instead of seeding the shuffle")
def model_global_seed(ref):
    return rewrite(ref, "model", "seed=seed, reshuffle_each_iteration",
                   "seed=tf.random.set_seed(seed), reshuffle_each_iteration")
