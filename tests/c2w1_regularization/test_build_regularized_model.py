"""The graded tests of c2w1_regularization.build_regularized_model, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from grader import checks, graded, mutant
from tests.c2w1_regularization.oracles import (BUILD, COURSE_Y, accuracy, course_dropout_forward_case, cross_entropy,
                                               dense_layers, fixed_initialisation, flat_layers, keras_l2_cost,
                                               overfitting_data, tf_plain_forward, train_full_batch)


def _build(impl, n_features: int, hidden_units=(64, 32), l2: float = 1e-3, keep_prob: float = 0.8
           ) -> tuple[keras.Model, str]:
    call = checks.call("build_regularized_model", n_features=n_features, hidden_units=hidden_units, l2=l2,
                       keep_prob=keep_prob)
    keras.utils.set_random_seed(0)
    model = impl.build_regularized_model(n_features, hidden_units, l2, keep_prob)
    if not isinstance(model, keras.Model):
        checks.fail(f"{call} should return a compiled keras.Model, got {type(model).__name__}")
    if model.optimizer is None or not getattr(model, "compiled", True):
        checks.fail(f"{call} returned a model that is not compiled: call model.compile(...)")
    return model, call


def _activation_name(layer: keras.layers.Layer) -> str:
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", str(activation))


@graded(BUILD, points=1)
def test_build_regularized_model_stacks_relu_layers_and_a_sigmoid_unit(impl):
    model, call = _build(impl, 6, (8, 5))
    dense = dense_layers(model)
    units = [layer.units for layer in dense]
    if units != [8, 5, 1]:
        checks.fail(f"{call}: the Dense layers have {units} units, expected [8, 5, 1]: one ReLU layer per "
                    "entry of hidden_units, then one sigmoid unit")
    activations = [_activation_name(layer) for layer in dense]
    if activations != ["relu", "relu", "sigmoid"]:
        checks.fail(f"{call}: the Dense layers' activations are {activations}, expected "
                    "['relu', 'relu', 'sigmoid']")
    x = np.random.default_rng(0).normal(size=(4, 6)).astype("float32")
    out = checks.check_shape(model(x, training=False), (4, 1), call=call, name="model(x) for x of shape (4, 6)")
    if not ((out > 0) & (out < 1)).all():
        checks.fail(f"{call}: model(x) is not a probability in (0, 1): the last layer is Dense(1, "
                    "activation='sigmoid')")


def dropout_rates(model: keras.Model) -> list[float]:
    """The rate of every Dropout layer, in order."""
    return [float(layer.rate) for layer in flat_layers(model) if isinstance(layer, keras.layers.Dropout)]


@graded(BUILD, points=2)
def test_build_regularized_model_drops_1_minus_keep_prob_after_each_hidden_layer(impl):
    model, call = _build(impl, 6, (8, 5, 4), keep_prob=0.7)
    layers = flat_layers(model)
    kinds = ["Dense" if isinstance(layer, keras.layers.Dense) else
             "Dropout" if isinstance(layer, keras.layers.Dropout) else type(layer).__name__ for layer in layers]
    shown = [k for k in kinds if k in ("Dense", "Dropout")]
    if shown != ["Dense", "Dropout"] * 3 + ["Dense"]:
        checks.fail(f"{call}: the layers are {shown}; expected a Dropout layer right after each hidden Dense "
                    "layer and none on the inputs or on the output: Dense, Dropout, Dense, Dropout, Dense, "
                    "Dropout, Dense")
    checks.check_close(dropout_rates(model), [0.3, 0.3, 0.3], call=call, name="the rates of the Dropout layers",
                       rtol=1e-6, mistakes=checks.known_mistakes(BUILD, 6, (8, 5, 4), 1e-3, 0.7, pick=dropout_rates))


@graded(BUILD, points=2)
def test_build_regularized_model_penalises_every_kernel_with_l2(impl):
    l2 = 0.02
    model, call = _build(impl, 6, (8, 5), l2=l2)
    total = 0.0
    for number, layer in enumerate(dense_layers(model), start=1):
        kernel = np.asarray(layer.kernel)
        what = f"Dense layer {number} ({layer.units} unit{'s' if layer.units > 1 else ''})"
        if layer.kernel_regularizer is None:
            checks.fail(f"{call}: {what} has no kernel_regularizer; every Dense layer, the output unit included "
                        f"(the course's penalty sums over every W[l]), takes "
                        f"kernel_regularizer=keras.regularizers.L2(l2)")
        penalty = checks.to_array(layer.kernel_regularizer(layer.kernel), call=call)
        checks.check_scalar(penalty, l2 * float(np.sum(kernel ** 2)), python_float=False, rtol=1e-5, call=call,
                            name=f"the penalty of {what}'s kernel_regularizer (expected l2 * sum(kernel**2))")
        total += l2 * float(np.sum(kernel ** 2))
    losses = [float(checks.to_array(loss, call=call)) for loss in model.losses]
    checks.check_scalar(sum(losses), total, python_float=False, rtol=1e-5, call=call,
                        name="the sum of model.losses (the penalties Keras adds to the loss; the course "
                             "penalises the weights W only, not the biases)")


def course_network(model: keras.Model) -> keras.Model:
    """The model with the weights of the course's dropout test case (W transposed); Keras'
    layout: kernels (n_(l-1), n_l), biases (n_l,)."""
    _, parameters = course_dropout_forward_case()
    model.set_weights([w for l in (1, 2, 3) for w in (parameters[f"W{l}"].T, parameters[f"b{l}"][:, 0])])
    return model


def _loss_on_course_network(model: keras.Model) -> float:
    X, _ = course_dropout_forward_case()
    course_network(model)
    x, y = X.T.astype("float32"), COURSE_Y.T.astype("float32")
    return float(model.compute_loss(x=x, y=y, y_pred=model(x, training=False), training=False))


@graded(BUILD, points=2)
def test_build_regularized_model_loss_is_the_course_cost_with_lambda_2m_l2(impl):
    X, parameters = course_dropout_forward_case()  # X (3, 5) and a (3, 2, 3, 1) network, in columns
    m, lambd = X.shape[1], 0.7
    l2 = lambd / (2 * m)
    model, call = _build(impl, 3, (2, 3), l2=l2, keep_prob=0.5)
    call += " with the weights of the course's network (kernels = W.T)"
    checks.attempt(lambda: course_network(model), call=call,
                   what="model.set_weights(...) for a 3 -> 2 -> 3 -> 1 network")
    A3 = tf_plain_forward(X, parameters)
    checks.check_close(model(X.T.astype("float32"), training=False), A3.T, rtol=1e-5, atol=1e-6,
                       call=call, name="model(X.T, training=False) (no dropout at test time, no rescaling)")
    loss = checks.attempt(lambda: _loss_on_course_network(model), call=call, what="its compiled loss")
    checks.check_scalar(loss, keras_l2_cost(A3, COURSE_Y, parameters, lambd), python_float=False, rtol=1e-5,
                        call=call + f", its compiled loss on the m = {m} examples",
                        name=f"the loss (the course's regularized cost with lambda = 2 * m * l2 = {lambd})",
                        mistakes=checks.known_mistakes(BUILD, 3, (2, 3), l2, 0.5, pick=_loss_on_course_network))


@graded(BUILD, points=3)
def test_build_regularized_model_narrows_the_train_dev_gap(impl):
    X_train, y_train, X_dev, y_dev = overfitting_data()
    results = {}
    for l2, keep_prob in ((0.0, 1.0), (0.05, 0.8)):
        model, call = _build(impl, 20, (64, 32), l2=l2, keep_prob=keep_prob)
        fixed_initialisation(model)
        checks.attempt(lambda: train_full_batch(model, X_train, y_train), call=call,
                       what="150 full-batch Adam steps on its loss")
        results[l2] = (cross_entropy(model, X_dev, y_dev) - cross_entropy(model, X_train, y_train),
                       accuracy(model, X_train, y_train) - accuracy(model, X_dev, y_dev), call)
    (plain, plain_accuracy, plain_call), (regularized, regularized_accuracy, call) = results[0.0], results[0.05]
    setting = (" after the same 150 full-batch Adam steps (learning rate 0.01, the same initial weights) on 80 "
               "noisy training examples of 20 features")
    if plain < 1.0:
        checks.fail(f"{plain_call}{setting}: the dev cross-entropy exceeds the training one by only {plain:.3f}; "
                    "without regularization this network learns its training set by heart (a gap above 1). With "
                    "l2=0 and keep_prob=1 nothing may regularize it: no penalty, and Dropout(rate=1 - keep_prob) "
                    "drops no unit")
    # The stated margin: the regularized gap is at most a third of the unregularized one.
    if not (regularized <= plain / 3 and regularized_accuracy < plain_accuracy):
        checks.fail(f"{call}{setting}: dev minus training cross-entropy {regularized:.3f} (accuracy gap "
                    f"{regularized_accuracy:.1%}), against {plain:.3f} ({plain_accuracy:.1%}) without "
                    "regularization (l2=0, keep_prob=1); expected at most a third of it, and a smaller "
                    "accuracy gap. L2 penalties on the kernels and dropout after the hidden layers narrow it")


def _model(n_features, hidden_units=(64, 32), l2=1e-3, keep_prob=0.8, *, hidden_l2=True, output_l2=True,
           rate=None, bias_l2=False, dropout="after", activation="relu", regularizer: Any = keras.regularizers.L2):
    """A builder for the mutants: the reference's architecture with one thing changed."""
    def reg(on):
        return regularizer(l2) if on else None
    rate = 1 - keep_prob if rate is None else rate
    layers: list[Any] = [keras.Input(shape=(n_features,))]
    for index, units in enumerate(hidden_units):
        if dropout == "before":
            layers.append(keras.layers.Dropout(rate))
        layers.append(keras.layers.Dense(units, activation=activation, kernel_regularizer=reg(hidden_l2),
                                         bias_regularizer=reg(bias_l2)))
        if dropout == "after" or (dropout == "last" and index == len(hidden_units) - 1):
            layers.append(keras.layers.Dropout(rate))
    layers.append(keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=reg(output_l2),
                                     bias_regularizer=reg(bias_l2)))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
    return model


def _variant(**changes):
    return lambda n_features, hidden_units=(64, 32), l2=1e-3, keep_prob=0.8: _model(
        n_features, hidden_units, l2, keep_prob, **changes)


@mutant(BUILD, "Dropout(rate=keep_prob) instead of rate=1 - keep_prob")
def build_rate_is_keep_prob(ref):
    return lambda n_features, hidden_units=(64, 32), l2=1e-3, keep_prob=0.8: _model(
        n_features, hidden_units, l2, keep_prob, rate=keep_prob)


@mutant(BUILD, "an L2 kernel regularizer on the output layer only")
def build_output_l2_only(ref):
    return _variant(hidden_l2=False)


@mutant(BUILD, "no kernel regularizer at all")
def build_no_l2(ref):
    return _variant(hidden_l2=False, output_l2=False)


@mutant(BUILD, "L2 on the hidden layers only (the course's penalty includes W3)")
def build_hidden_l2_only(ref):
    return _variant(output_l2=False)


@mutant(BUILD, "an L2 bias regularizer as well (the course penalises only the weights)")
def build_bias_l2(ref):
    return _variant(bias_l2=True)


@mutant(BUILD, "an L1 kernel regularizer instead of L2")
def build_l1(ref):
    return _variant(regularizer=keras.regularizers.L1)


@mutant(BUILD, "Dropout before each hidden layer (on its inputs) instead of after it")
def build_dropout_before(ref):
    return _variant(dropout="before")


@mutant(BUILD, "one Dropout after the last hidden layer only")
def build_dropout_last_only(ref):
    return _variant(dropout="last")


@mutant(BUILD, "hidden Dense layers without an activation")
def build_linear_hidden(ref):
    return _variant(activation=None)
