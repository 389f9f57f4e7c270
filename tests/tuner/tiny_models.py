"""Fast models for the tuner's tests (importable as `tiny_models`: tests/tuner is on the path).

- `Synthetic`: builds a tiny Keras model but "trains" instantly: its objective is a fixed,
  smooth function of the hyperparameters (best at learning_rate = 1e-2, beta = 0.99), so runs
  are exactly reproducible. `TUNER_TEST_SLEEP` (seconds) makes each trial last; when
  `TUNER_TEST_LOG` names a file, every run of a trial appends its values there;
  `TUNER_TEST_LEAK_MB` makes each trial keep that much memory for good, as TensorFlow does.
- `Tiny`: a real softmax classifier trained with SGD at the tuned learning_rate;
- `Poisoned`: a real Keras classifier on tiny data whose loss is NaN when `poison` is true and
  whose build raises when `broken` is true; it records its first layer's name in `LAYER_NAMES`.
"""

from __future__ import annotations

import json
import math
import os
import time
from typing import Any

import keras
import keras_tuner
import numpy as np

LAYER_NAMES: list[str] = []
LEAKED: list[bytes] = []


def score(values: dict[str, Any]) -> float:
    """A val_accuracy-like objective in (0, 1], highest at learning_rate 1e-2 and beta 0.99."""
    distance = (math.log10(values["learning_rate"]) + 2) ** 2 + (math.log10(1 - values["beta"]) + 2) ** 2
    return 1.0 / (1.0 + distance)


def load_tiny() -> dict[str, Any]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int32")
    return {"x": x[:32], "y": y[:32], "validation_data": (x[32:], y[32:]), "batch_size": 16}


def synthetic_argv(directory: str, *settings: str) -> list[str]:
    """`tuner sweep` of `Synthetic` over learning_rate (log) and beta (one_minus_log)."""
    return ["sweep", "--dir", str(directory), "--model", "tiny_models:Synthetic", "--data", "tiny_models:load_tiny",
            "--param", "learning_rate=1e-5:1:log", "--param", "beta=0.9:0.9999:one_minus_log", *settings]


def tiny_model(learning_rate: float = 0.01) -> keras.Model:
    """A real, tiny softmax classifier of 4 features (what `Tiny` trains)."""
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=False)
    return model


class Tiny(keras_tuner.HyperModel):
    def build(self, hp: keras_tuner.HyperParameters) -> keras.Model:
        return tiny_model(hp.get("learning_rate"))


def not_a_model(hp: keras_tuner.HyperParameters) -> str:
    """A build(hp) that returns something else than a model."""
    hp.get("learning_rate")
    return "not a model"


class Synthetic(keras_tuner.HyperModel):
    def build(self, hp: keras_tuner.HyperParameters) -> keras.Model:
        hp.get("learning_rate"), hp.get("beta")
        return tiny_model()

    def fit(self, hp: keras_tuner.HyperParameters, model: keras.Model, *args: Any, **kwargs: Any) -> dict:
        if os.environ.get("TUNER_TEST_LOG"):
            with open(os.environ["TUNER_TEST_LOG"], "a") as log:
                log.write(json.dumps(hp.values, sort_keys=True) + "\n")
        time.sleep(float(os.environ.get("TUNER_TEST_SLEEP", "0")))
        LEAKED.append(b"\x01" * int(float(os.environ.get("TUNER_TEST_LEAK_MB", "0")) * 2**20))  # resident pages
        return {"val_accuracy": score(hp.values)}


class Poisoned(keras_tuner.HyperModel):
    def build(self, hp: keras_tuner.HyperParameters) -> keras.Model:
        if hp.get("broken"):
            raise ValueError("this build is broken on purpose")
        inputs = keras.Input((4,))
        hidden = keras.layers.Dense(3, activation="relu")(inputs)
        LAYER_NAMES.append(hidden._keras_history.operation.name)
        if hp.get("poison"):
            hidden = keras.layers.Lambda(lambda h: h * float("nan"))(hidden)
        outputs = keras.layers.Dense(2, activation="softmax")(hidden)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer=keras.optimizers.SGD(hp.get("learning_rate")),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"], jit_compile=False)
        return model


def reference_sweep(tmp_dir: str, rounds: int, trials_per_round: int, seed: int = 1) -> dict[str, tuple]:
    """What a sweep of `Synthetic` must draw: the oracle driven directly, trial id -> (round, values)."""
    from tuner.config import SweepConfig
    from tuner.oracle import CoarseToFineOracle
    from tuner.space import parse_param

    defaults = SweepConfig()
    oracle = CoarseToFineOracle(objective=keras_tuner.Objective("val_accuracy", "max"),
                                space=[parse_param("learning_rate=1e-5:1:log"),
                                       parse_param("beta=0.9:0.9999:one_minus_log")],
                                rounds=rounds, trials_per_round=trials_per_round, top_k=defaults.top_k,
                                margin=defaults.margin, seed=seed)
    oracle.verbose = 0
    oracle._set_project_dir(tmp_dir, "reference")
    while (trial := oracle.create_trial("tuner0")).status == "RUNNING":
        oracle.update_trial(trial.trial_id, {"val_accuracy": score(trial.hyperparameters.values)})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    return {t: (oracle.round_of(t) + 1, oracle.trials[t].hyperparameters.values) for t in oracle.trials}
