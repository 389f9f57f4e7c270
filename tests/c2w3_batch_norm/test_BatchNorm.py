"""The graded tests of c2w3_batch_norm.BatchNorm, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from grader import checks, graded, mutant
from tests.c2w3_batch_norm.oracles import random_batch, LAYER


def _weight(layer: Any, name: str, call: str) -> np.ndarray:
    value = getattr(layer, name, None)
    if value is None:
        checks.fail(f"{call}: the layer has no attribute `{name}`; build() should create it with "
                    f"self.{name} = self.add_weight(...)")
    return checks.to_array(value, call=call, name=f"layer.{name}")


def _sgd_step(layer: Any, x: np.ndarray, target: np.ndarray, learning_rate: float = 0.1) -> np.ndarray:
    """Call ``layer`` in training mode and take one SGD step on sum(output * target); the output."""
    with tf.GradientTape() as tape:
        y = layer(x, training=True)
        loss = tf.reduce_sum(y * target)
    for g, v in zip(tape.gradient(loss, layer.trainable_weights), layer.trainable_weights):
        if g is not None:
            v.assign_sub(learning_rate * g)
    return y


def _train(layer: Any, steps: int, seed: int) -> list[Any]:
    """The outputs of ``steps`` training steps of ``layer`` on the test's batches."""
    target = np.random.default_rng(seed).normal(size=(8, 5)).astype("float32")
    return [_sgd_step(layer, random_batch(seed + step), target) for step in range(1, steps + 1)]


def _check_against_keras(layer: Any, oracle: keras.layers.BatchNormalization, call: str,
                         steps: int, seed: int, **kwargs: Any) -> None:
    """Train ``layer`` (built as ``BatchNorm(**kwargs)``) and the Keras oracle side by side, then
    compare statistics and inference; a known mistake is named from a mutant trained the same way."""
    def mistakes(value: Any) -> checks.KnownMistakes:  # value(trained mutant layer) -> the value compared
        def run(module: Any) -> Any:
            mistake = module.BatchNorm(**kwargs)
            return value(mistake, _train(mistake, steps, seed))
        return checks.known_mistakes(LAYER, run=run)

    for step, (got, expected) in enumerate(zip(_train(layer, steps, seed), _train(oracle, steps, seed)), start=1):
        checks.check_close(got, expected, call=f"{call}(x, training=True) at step {step}", rtol=1e-5, atol=1e-5,
                           mistakes=mistakes(lambda _, outputs, step=step: outputs[step - 1]))
    after = f"{call} after {steps} training step{'s' if steps > 1 else ''}"
    for name in ("moving_mean", "moving_variance"):
        checks.check_close(_weight(layer, name, after), getattr(oracle, name), call=after, name=f"layer.{name}",
                           rtol=1e-5, atol=1e-6, mistakes=mistakes(lambda mistake, _, name=name: getattr(mistake, name)))
    x = random_batch(seed + steps + 1)
    checks.check_close(layer(x, training=False), oracle(x, training=False), call=f"{after}: {call}(x, training=False)",
                       rtol=1e-5, atol=1e-5, mistakes=mistakes(lambda mistake, _: mistake(x, training=False)))


@graded(LAYER, points=1)
def test_BatchNorm_creates_weights(impl):
    layer = impl.BatchNorm()
    layer.build((None, 5))
    call = "BatchNorm().build((None, 5))"
    counts = (len(layer.trainable_weights), len(layer.non_trainable_weights))
    if counts != (2, 2):
        checks.fail(f"{call} created {counts[0]} trainable and {counts[1]} non-trainable weights; expected "
                    "2 trainable (gamma, beta) and 2 non-trainable (moving_mean, moving_variance): the "
                    "moving statistics are estimates the layer updates itself, not parameters to learn")
    for name, value in (("gamma", 1.0), ("beta", 0.0), ("moving_mean", 0.0), ("moving_variance", 1.0)):
        checks.check_close(_weight(layer, name, call), np.full(5, value), call=call, name=f"layer.{name}")


@graded(LAYER, points=2)
def test_BatchNorm_matches_keras_batch_normalization(impl):
    _check_against_keras(impl.BatchNorm(), keras.layers.BatchNormalization(), "BatchNorm()",
                         steps=3, seed=20)


@graded(LAYER, points=1)
def test_BatchNorm_uses_momentum_and_epsilon(impl):
    _check_against_keras(impl.BatchNorm(momentum=0.6, epsilon=0.1),
                         keras.layers.BatchNormalization(momentum=0.6, epsilon=0.1),
                         "BatchNorm(momentum=0.6, epsilon=0.1)", steps=3, seed=30, momentum=0.6, epsilon=0.1)


@graded(LAYER, points=1)
def test_BatchNorm_config_round_trip(impl):
    layer = impl.BatchNorm(momentum=0.8, epsilon=0.01, name="bn_round_trip")
    config = layer.get_config()
    clone = impl.BatchNorm.from_config(config)
    if clone.get_config() != config:
        checks.fail(f"BatchNorm.from_config(layer.get_config()) has the config {clone.get_config()}, "
                    f"expected {config}")
    _check_against_keras(clone, keras.layers.BatchNormalization(momentum=0.8, epsilon=0.01),
                         "BatchNorm.from_config(BatchNorm(momentum=0.8, epsilon=0.01).get_config())",
                         steps=1, seed=40, momentum=0.8, epsilon=0.01)


def _normalise(layer: Any, inputs: Any, mean: Any, variance: Any) -> Any:
    return (inputs - mean) * ops.rsqrt(variance + layer.epsilon) * layer.gamma + layer.beta


def _layer_variant(ref: Any, *, variance=ops.var, update: bool = True, swap: bool = False,
                   momentum: float | None = None) -> type:
    """The reference layer with a mistake in call: the variance, the update, or the momentum."""
    class BatchNorm(ref.BatchNorm):
        def call(self, inputs, training=None):
            if not training:
                return _normalise(self, inputs, self.moving_mean, self.moving_variance)
            mean, var = ops.mean(inputs, axis=0), variance(inputs, axis=0)
            if update:
                keep = self.momentum if momentum is None else momentum
                keep = 1 - keep if swap else keep
                self.moving_mean.assign(self.moving_mean * keep + mean * (1 - keep))
                self.moving_variance.assign(self.moving_variance * keep + var * (1 - keep))
            return _normalise(self, inputs, mean, var)
    return BatchNorm


@mutant(LAYER, "normalising with the batch statistics at inference too")
def layer_batch_statistics_at_inference(ref):
    class BatchNorm(ref.BatchNorm):
        def call(self, inputs, training=None):
            return super().call(inputs, training=True)
    return BatchNorm


@mutant(LAYER, "never updating the moving statistics in training")
def layer_no_moving_update(ref):
    return _layer_variant(ref, update=False)


@mutant(LAYER, "the moving statistics created as trainable weights")
def layer_trainable_moving_statistics(ref):
    class BatchNorm(ref.BatchNorm):
        def build(self, input_shape):
            shape = (input_shape[-1],)
            self.gamma = self.add_weight(shape=shape, initializer="ones", name="gamma")
            self.beta = self.add_weight(shape=shape, initializer="zeros", name="beta")
            self.moving_mean = self.add_weight(shape=shape, initializer="zeros", name="moving_mean")
            self.moving_variance = self.add_weight(shape=shape, initializer="ones", name="moving_variance")
    return BatchNorm


@mutant(LAYER, "the unbiased batch variance (dividing by m - 1)")
def layer_unbiased_variance(ref):
    def unbiased(x, axis):
        m = ops.shape(x)[axis]
        return ops.var(x, axis=axis) * m / (m - 1)
    return _layer_variant(ref, variance=unbiased)


@mutant(LAYER, "momentum weighing the batch statistic instead of the history (moving * (1 - momentum) + batch * momentum)")
def layer_momentum_swapped(ref):
    return _layer_variant(ref, swap=True)


@mutant(LAYER, "ignoring the momentum argument (always 0.99)")
def layer_fixed_momentum(ref):
    return _layer_variant(ref, momentum=0.99)
