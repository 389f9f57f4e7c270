"""The default model: the course's MLP softmax classifier on scikit-learn's bundled digits.

1,797 images of 8x8 pixels (features scaled to [0, 1]), 10 classes; a fixed stratified split
keeps 20 % for validation. The network is

    X (m, 64) -> Dense(hidden_units) -> [BatchNorm] -> ReLU -> Dropout(1 - keep_prob)
              -> Dense(10) -> softmax

trained with Adam (β = β1) or gradient descent with momentum (β = momentum). Every knob the
course tunes is a hyperparameter; one that the search space leaves out keeps its default:

| name           | default | meaning                                                     |
|----------------|---------|-------------------------------------------------------------|
| learning_rate  | 1e-3    | α                                                           |
| beta           | 0.9     | Adam's β1, or the momentum β                                |
| hidden_units   | 64      | units of the hidden layer                                   |
| lambd          | 0       | L2 λ; Keras adds λ·ΣW² to the loss (the course's λ/(2m)·ΣW² is λ_keras = λ/(2m)) |
| keep_prob      | 1.0     | dropout keeps each hidden unit with this probability        |
| batch_size     | 64      | mini-batch size                                             |
| batch_norm     | False   | batch normalization before the ReLU                         |
| optimizer      | "adam"  | "adam" or "momentum"                                        |
"""

from __future__ import annotations

from typing import Any

import keras
import keras_tuner

DEFAULTS: dict[str, Any] = {"learning_rate": 1e-3, "beta": 0.9, "hidden_units": 64, "lambd": 0.0,
                            "keep_prob": 1.0, "batch_size": 64, "batch_norm": False, "optimizer": "adam"}
N_FEATURES, N_CLASSES = 64, 10


def load_data(val_fraction: float = 0.2, seed: int = 0) -> dict[str, Any]:
    """Digits as keyword arguments of `model.fit`: x (m, 64) float32 in [0, 1], y (m,) int, validation_data."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(
        (X / 16.0).astype("float32"), y, test_size=val_fraction, random_state=seed, stratify=y)
    return {"x": X_train, "y": y_train, "validation_data": (X_val, y_val)}


def _value(hp: keras_tuner.HyperParameters, name: str) -> Any:
    return hp.get(name) if name in hp else DEFAULTS[name]


class DigitsMLP(keras_tuner.HyperModel):
    """The course's one-hidden-layer softmax classifier; see the module docstring for its knobs."""

    def build(self, hp: keras_tuner.HyperParameters) -> keras.Model:
        lambd = float(_value(hp, "lambd"))
        regularizer = keras.regularizers.L2(lambd) if lambd > 0 else None
        batch_norm = bool(_value(hp, "batch_norm"))
        keep_prob = float(_value(hp, "keep_prob"))
        layers: list[keras.layers.Layer] = [
            keras.Input((N_FEATURES,)),
            keras.layers.Dense(int(_value(hp, "hidden_units")), use_bias=not batch_norm,
                               kernel_regularizer=regularizer),
        ]
        if batch_norm:
            layers.append(keras.layers.BatchNormalization())
        layers.append(keras.layers.ReLU())
        if keep_prob < 1:
            layers.append(keras.layers.Dropout(1.0 - keep_prob))
        layers.append(keras.layers.Dense(N_CLASSES, activation="softmax", kernel_regularizer=regularizer))
        model = keras.Sequential(layers)
        model.compile(optimizer=make_optimizer(_value(hp, "optimizer"), float(_value(hp, "learning_rate")),
                                               float(_value(hp, "beta"))),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      jit_compile=False)  # XLA compiles longer than these tiny models train
        return model

    def fit(self, hp: keras_tuner.HyperParameters, model: keras.Model, *args: Any, **kwargs: Any) -> Any:
        """`model.fit` with the tuned batch size, when there is one."""
        if "batch_size" in hp or "batch_size" not in kwargs:
            kwargs["batch_size"] = int(_value(hp, "batch_size"))
        return model.fit(*args, **kwargs)


def make_optimizer(name: str, learning_rate: float, beta: float) -> keras.optimizers.Optimizer:
    """Adam with β1 = beta, or SGD with momentum = beta.

    Raises:
        ValueError: an unknown optimizer name.
    """
    if name == "adam":
        return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta)
    if name == "momentum":
        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=beta)
    raise ValueError(f"optimizer must be 'adam' or 'momentum'. Received: optimizer={name!r}")

