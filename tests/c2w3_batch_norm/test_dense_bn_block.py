"""The graded tests of c2w3_batch_norm.dense_bn_block, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant
from tests.c2w3_batch_norm.oracles import random_batch, BLOCK, tf_normalise


def _block_in_model(impl: Any, units: int, activation: str) -> tuple[Any, keras.Model, str]:
    call = f"dense_bn_block({units}, {activation!r})"
    block = impl.dense_bn_block(units, activation)
    if not isinstance(block, keras.layers.Layer):
        checks.fail(f"{call} should return a Keras layer (a keras.Sequential is one), "
                    f"got {type(block).__name__}")
    model = keras.Sequential([keras.Input((6,)), block])
    model(np.zeros((2, 6), "float32"))
    return block, model, call


@graded(BLOCK, points=1)
def test_dense_bn_block_dense_without_bias_then_batch_norm(impl):
    block, _, call = _block_in_model(impl, 4, "relu")
    with_bias = [w.path for w in block.weights if w.name == "bias"]  # a Keras Dense names it "bias"
    if with_bias:
        checks.fail(f"{call}: the Dense layer's bias {with_bias[0]!r} is still there; batch norm subtracts the "
                    "batch mean, which cancels any bias, and beta takes its place: use_bias=False")
    trainable = sorted(tuple(w.shape) for w in block.trainable_weights)
    if trainable != [(4,), (4,), (6, 4)]:
        checks.fail(f"{call} inside a model on 6 features has trainable weights of shapes {trainable}; "
                    "expected the kernel (6, 4) and batch norm's gamma (4,) and beta (4,)")
    moving = sorted(tuple(w.shape) for w in block.non_trainable_weights)
    if moving != [(4,), (4,)]:
        checks.fail(f"{call} has non-trainable weights of shapes {moving}; expected batch norm's "
                    "moving mean (4,) and moving variance (4,): is there a batch norm layer?")


@graded(BLOCK, points=1)
def test_dense_bn_block_normalises_before_activation(impl):
    block, model, call = _block_in_model(impl, 4, "relu")
    kernels = [w for w in block.trainable_weights if len(w.shape) == 2]
    if len(kernels) != 1:
        checks.fail(f"{call} should hold exactly one Dense kernel, found {len(kernels)}")
    x = random_batch(50, batch=16, features=6) * 3
    kernel = checks.to_array(kernels[0], call=call, name="the kernel").astype("float32")
    expected = tf.nn.relu(tf_normalise(x @ kernel, 1.0, 0.0, 1e-3, axis=0))

    def with_this_kernel(mistake: keras.layers.Layer) -> Any:  # the mutant's block given the same kernel
        mistaken = keras.Sequential([keras.Input((6,)), mistake])
        next(w for w in mistake.trainable_weights if len(w.shape) == 2).assign(kernel)
        return mistaken(x, training=True)
    # rtol leaves room for another epsilon (1e-5 instead of Keras' 1e-3)
    checks.check_close(model(x, training=True), expected, call=f"a model with {call}, called with training=True",
                       rtol=1e-3, atol=1e-4, mistakes=checks.known_mistakes(BLOCK, 4, "relu", pick=with_this_kernel))


def _dense_no_bias(units: int, activation: Any) -> keras.layers.Layer:
    return keras.layers.Dense(units, use_bias=False)


def _batch_norm(units: int, activation: Any) -> keras.layers.Layer:
    return keras.layers.BatchNormalization()


def _activation(units: int, activation: Any) -> keras.layers.Layer:
    return keras.layers.Activation(activation)


def _block_variant(*layers: Any):
    """A dense_bn_block that stacks the layers that ``layers`` make, in that order."""
    return lambda units, activation: keras.Sequential([layer(units, activation) for layer in layers])


@mutant(BLOCK, "keeping the Dense layer's bias")
def block_keeps_bias(ref):
    return _block_variant(lambda units, activation: keras.layers.Dense(units), _batch_norm, _activation)


@mutant(BLOCK, "the activation before batch norm")
def block_activation_first(ref):
    return _block_variant(_dense_no_bias, _activation, _batch_norm)


@mutant(BLOCK, "leaving batch norm out")
def block_without_batch_norm(ref):
    return _block_variant(_dense_no_bias, _activation)


@mutant(BLOCK, "leaving the activation out")
def block_without_activation(ref):
    return _block_variant(_dense_no_bias, _batch_norm)
