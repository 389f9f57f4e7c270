"""The graded tests of c2w3_softmax.build_multilabel_classifier, and the mutants they must catch."""

from __future__ import annotations

import keras
import numpy as np

from grader import checks, graded, mutant
from tests.c2w3_softmax.oracles import random_batch, output, TASK


def _build_multilabel(impl, n_features: int, n_labels: int) -> tuple[keras.Model, str]:
    call = checks.call("build_multilabel_classifier", n_features=n_features, n_labels=n_labels)
    keras.utils.set_random_seed(0)
    model = impl.build_multilabel_classifier(n_features, n_labels)
    if not isinstance(model, keras.Model):
        checks.fail(f"{call} should return a compiled keras.Model, got {type(model).__name__}")
    if model.optimizer is None:
        checks.fail(f"{call} returned a model that is not compiled: call model.compile(...)")
    return model, call


@graded(TASK + "build_multilabel_classifier", points=2)
def test_build_multilabel_classifier_outputs_independent_probabilities(impl):
    model, call = _build_multilabel(impl, 6, 3)
    x, _ = random_batch(6, 3)
    probabilities = output(model, x, 3, call, "one probability per label")
    if not ((probabilities >= 0) & (probabilities <= 1)).all():
        checks.fail(f"{call}: model(x) holds values outside [0, 1] (e.g. {probabilities.min():.3g}): "
                    "each output is a probability, so the last layer applies a sigmoid")
    if np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4):
        checks.fail(f"{call}: every row of model(x) sums to 1: a softmax makes the labels compete "
                    "for one unit of probability. Labels are independent yes/no questions: one "
                    "sigmoid per label (Dense(n_labels, activation='sigmoid'))")


@graded(TASK + "build_multilabel_classifier", points=1)
def test_build_multilabel_classifier_loss_is_binary_cross_entropy(impl):
    model, call = _build_multilabel(impl, 6, 3)
    x, _ = random_batch(6, 3)
    y = np.array([[1, 0, 1], [0, 0, 0], [1, 1, 1], [0, 1, 0]] * 3, dtype="float32")  # multi-hot
    probabilities = model(x, training=False)
    loss = checks.attempt(lambda: model.compute_loss(x=x, y=y, y_pred=probabilities, training=False), call=call,
                          what=f"its compiled loss on multi-hot targets of shape {y.shape}")
    expected = float(keras.losses.BinaryCrossentropy()(y, probabilities))
    checks.check_scalar(checks.to_array(loss, call=call), expected, python_float=False, rtol=1e-5,
                        call=call + f", its compiled loss on multi-hot targets of shape {y.shape}",
                        name="the loss", mistakes=checks.known_mistakes(
                            TASK + "build_multilabel_classifier", 6, 3,
                            pick=lambda mistake: mistake.compute_loss(x=x, y=y, y_pred=probabilities,
                                                                      training=False)))


def _multilabel(n_features, n_labels, activation, loss):
    model = keras.Sequential([keras.Input(shape=(n_features,)),
                              keras.layers.Dense(n_labels, activation=activation)])
    model.compile(optimizer=keras.optimizers.Adam(), loss=loss)
    return model


@mutant(TASK + "build_multilabel_classifier", "softmax outputs with categorical cross-entropy (multi-class, not multi-label)")
def multilabel_softmax_categorical(ref):
    return lambda n_features, n_labels: _multilabel(n_features, n_labels, "softmax",
                                                    keras.losses.CategoricalCrossentropy())


@mutant(TASK + "build_multilabel_classifier", "sigmoid outputs with categorical cross-entropy (one class per example: multi-class, not multi-label)")
def multilabel_sigmoid_categorical(ref):
    return lambda n_features, n_labels: _multilabel(n_features, n_labels, "sigmoid",
                                                    keras.losses.CategoricalCrossentropy())


@mutant(TASK + "build_multilabel_classifier", "softmax outputs with binary cross-entropy")
def multilabel_softmax_binary(ref):
    return lambda n_features, n_labels: _multilabel(n_features, n_labels, "softmax",
                                                    keras.losses.BinaryCrossentropy())


@mutant(TASK + "build_multilabel_classifier", "linear outputs (logits where probabilities are promised)")
def multilabel_linear(ref):
    return lambda n_features, n_labels: _multilabel(n_features, n_labels, None,
                                                    keras.losses.BinaryCrossentropy(from_logits=True))
