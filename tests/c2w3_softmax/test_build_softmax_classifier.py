"""The graded tests of c2w3_softmax.build_softmax_classifier, and the mutants they must catch."""

from __future__ import annotations

import keras
import numpy as np

from grader import checks, graded, mutant
from tests.c2w3_softmax.oracles import random_batch, digits, output, TASK


def _build(impl, n_features: int, n_classes: int, **kwargs) -> tuple[keras.Model, str]:
    call = checks.call("build_softmax_classifier", n_features=n_features, n_classes=n_classes, **kwargs)
    keras.utils.set_random_seed(0)
    model = impl.build_softmax_classifier(n_features, n_classes, **kwargs)
    if not isinstance(model, keras.Model):
        checks.fail(f"{call} should return a compiled keras.Model, got {type(model).__name__}")
    if model.optimizer is None or not getattr(model, "compiled", True):
        checks.fail(f"{call} returned a model that is not compiled: call model.compile(...)")
    return model, call


SPARSE_ADVICE = ("The labels here are class indices of shape (batch,), not one-hot rows: the loss is "
                 "keras.losses.SparseCategoricalCrossentropy(from_logits=True)")


@graded(TASK + "build_softmax_classifier", points=2)
def test_build_softmax_classifier_outputs_logits_from_a_linear_last_layer(impl):
    model, call = _build(impl, 6, 4)
    x, _ = random_batch(6, 4)
    logits = output(model, x, 4, call, "the logits")
    activation = getattr(model.layers[-1], "activation", None)
    name = getattr(activation, "__name__", str(activation))
    if activation is not None and activation is not keras.activations.linear:
        checks.fail(f"{call}: the last layer applies activation={name!r}. With "
                    "SparseCategoricalCrossentropy(from_logits=True) the last layer must be linear "
                    "(Dense(n_classes) with no activation): the model outputs logits")
    if (logits >= 0).all() and np.allclose(logits.sum(axis=1), 1.0, atol=1e-5):
        checks.fail(f"{call}: every row of model(x) is a probability distribution (sums to 1): the "
                    "model applies a softmax. It must output logits from a linear last layer; the "
                    "loss (from_logits=True) and predict_proba apply the softmax")


@graded(TASK + "build_softmax_classifier", points=2)
def test_build_softmax_classifier_loss_is_sparse_cross_entropy_from_logits(impl):
    model, call = _build(impl, 6, 4)
    x, y = random_batch(6, 4)
    logits = model(x, training=False)
    loss = checks.attempt(lambda: model.compute_loss(x=x, y=y, y_pred=logits, training=False), call=call,
                          what=f"its compiled loss on integer labels y of shape {y.shape}", advice=SPARSE_ADVICE)
    expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, logits))
    checks.check_scalar(checks.to_array(loss, call=call), expected, python_float=False, rtol=1e-5,
                        call=call + f", its compiled loss on integer labels y of shape {y.shape}",
                        name="the loss", mistakes=checks.known_mistakes(
                            TASK + "build_softmax_classifier", 6, 4,
                            pick=lambda mistake: mistake.compute_loss(x=x, y=y, y_pred=logits, training=False)))


@graded(TASK + "build_softmax_classifier", points=1)
def test_build_softmax_classifier_uses_adam_with_the_learning_rate(impl):
    model, call = _build(impl, 6, 4, learning_rate=0.02)
    optimizer = model.optimizer
    if not isinstance(optimizer, keras.optimizers.Adam):
        checks.fail(f"{call}: the optimizer is {type(optimizer).__name__}, expected keras.optimizers.Adam")
    checks.check_scalar(checks.to_array(optimizer.learning_rate, call=call), 0.02, python_float=False,
                        call=call, name="Adam's learning rate", rtol=1e-6, mistakes=checks.known_mistakes(
                            TASK + "build_softmax_classifier", 6, 4, learning_rate=0.02,
                            pick=lambda mistake: mistake.optimizer.learning_rate))


@graded(TASK + "build_softmax_classifier", points=1)
def test_build_softmax_classifier_reports_accuracy(impl):
    model, call = _build(impl, 6, 4)
    x, y = random_batch(6, 4)
    expected = float(np.mean(np.argmax(model(x, training=False).numpy(), axis=1) == y))
    results = checks.attempt(lambda: model.evaluate(x, y, batch_size=len(x), verbose=0, return_dict=True),
                             call=call, what=f"model.evaluate(x, y) on integer labels y of shape {y.shape}",
                             advice=SPARSE_ADVICE)
    found = {k: v for k, v in results.items() if "acc" in k}
    if not found:
        checks.fail(f"{call}: model.evaluate reports {sorted(results)} but no accuracy: compile "
                    "with metrics=['accuracy']")
    key, value = next(iter(found.items()))
    checks.check_scalar(checks.to_array(value, call=call), expected, python_float=False, rtol=1e-6,
                        call=call, name=f"the {key!r} metric on a batch where argmax(logits) hits "
                        f"{expected:.0%} of the labels")


@graded(TASK + "build_softmax_classifier", points=1)
def test_build_softmax_classifier_stacks_nonlinear_hidden_layers(impl):
    for hidden, expected in (((), 6 * 4 + 4), ((8, 5), (6 * 8 + 8) + (8 * 5 + 5) + (5 * 4 + 4))):
        model, call = _build(impl, 6, 4, hidden_units=hidden)
        if model.count_params() != expected:
            checks.fail(f"{call}: the model has {model.count_params()} parameters, expected {expected} "
                        f"(one Dense layer per entry of hidden_units={hidden}, then Dense(4))")
    # model is the one with hidden layers: an affine model has f(x1) + f(x2) = f(x1 + x2) + f(0).
    x1, _ = random_batch(6, 4, seed=6)
    x2, _ = random_batch(6, 4, seed=7)
    f1, f2, f12, f0 = (output(model, x, 4, call, "the logits") for x in (x1, x2, x1 + x2, 0 * x1))
    gap = np.max(np.abs(f1 + f2 - f12 - f0))
    if gap < 1e-3:
        checks.fail(f"{call}: model(x) is an affine function of x: the hidden layers have no "
                    "activation. Give each hidden Dense layer activation='relu'")


@graded(TASK + "build_softmax_classifier", points=2)
def test_build_softmax_classifier_reaches_95_percent_on_digits(impl):
    X_train, X_test, y_train, y_test = digits()
    model, call = _build(impl, 64, 10, hidden_units=(64,), learning_rate=0.01)
    checks.attempt(lambda: model.fit(X_train, y_train, epochs=5, batch_size=32, verbose=0), call=call,
                   what="model.fit(X_train, y_train, epochs=5, batch_size=32) on the digits", advice=SPARSE_ADVICE)
    accuracy = float(np.mean(np.argmax(output(model, X_test, 10, call, "logits"), axis=1) == y_test))
    if not accuracy >= 0.95:
        checks.fail(f"{call}, trained with model.fit(X_train, y_train, epochs=5, batch_size=32) on "
                    f"the digits (pixels / 16): test accuracy {accuracy:.1%}, expected at least 95%")


def _classifier(n_features, n_classes, hidden_units=(), learning_rate=1e-3, *, activation=None,
                loss=None, optimizer=None, metrics=("accuracy",), hidden_activation="relu"):
    """A builder for the mutants: the reference's architecture with one thing changed."""
    layers = [keras.layers.Dense(u, activation=hidden_activation) for u in hidden_units]
    model = keras.Sequential([keras.Input(shape=(n_features,)), *layers,
                              keras.layers.Dense(n_classes, activation=activation)])
    model.compile(optimizer=optimizer or keras.optimizers.Adam(learning_rate),
                  loss=loss or keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=list(metrics))
    return model


@mutant(TASK + "build_softmax_classifier", "a softmax last layer with from_logits=True (softmax twice)")
def classifier_softmax_twice(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, activation="softmax")


@mutant(TASK + "build_softmax_classifier", "a softmax last layer with from_logits=False (not the stable form)")
def classifier_softmax_probabilities(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, activation="softmax",
        loss=keras.losses.SparseCategoricalCrossentropy())


@mutant(TASK + "build_softmax_classifier", "loss='sparse_categorical_crossentropy' without from_logits=True (it takes the logits for probabilities)")
def classifier_logits_as_probabilities(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, loss="sparse_categorical_crossentropy")


@mutant(TASK + "build_softmax_classifier", "CategoricalCrossentropy (one-hot labels) for integer labels")
def classifier_one_hot_loss(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate,
        loss=keras.losses.CategoricalCrossentropy(from_logits=True))


@mutant(TASK + "build_softmax_classifier", "hidden Dense layers without an activation")
def classifier_linear_hidden_layers(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, hidden_activation=None)


@mutant(TASK + "build_softmax_classifier", "ignoring hidden_units")
def classifier_ignores_hidden_units(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, (), learning_rate)


@mutant(TASK + "build_softmax_classifier", "Adam() with its default learning rate, ignoring learning_rate")
def classifier_default_learning_rate(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, optimizer=keras.optimizers.Adam())


@mutant(TASK + "build_softmax_classifier", "SGD instead of Adam")
def classifier_sgd(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate,
        optimizer=keras.optimizers.SGD(learning_rate))


@mutant(TASK + "build_softmax_classifier", "compiling without the accuracy metric")
def classifier_no_metric(ref):
    return lambda n_features, n_classes, hidden_units=(), learning_rate=1e-3: _classifier(
        n_features, n_classes, hidden_units, learning_rate, metrics=())
