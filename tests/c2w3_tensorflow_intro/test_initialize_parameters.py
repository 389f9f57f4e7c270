"""The graded tests of c2w3_tensorflow_intro.initialize_parameters, and the mutants they must catch."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import keras
import numpy as np
import scipy.special
import scipy.stats
import tensorflow as tf

from grader import checks, graded, mutant
from tests.c2w3_tensorflow_intro.oracles import checked_parameters, TASK, watched


@graded(TASK + "initialize_parameters", points=1)
def test_initialize_parameters_variables_shapes_and_zero_biases(impl):
    for layer_dims in ([6, 5, 4, 3], [3, 2]):
        call = f"initialize_parameters({layer_dims}, seed=0)"
        got, _, _ = watched(impl.initialize_parameters, layer_dims, 0)
        arrays = checked_parameters(got, layer_dims, call)
        for key, array in arrays.items():
            if key.startswith("b") and np.any(array != 0):
                checks.fail(f"{call}: {key} should be zeros, got {array.ravel()[:4]}...")
            if key.startswith("W") and np.all(array == 0):
                checks.fail(f"{call}: {key} is all zeros; zero weights leave every unit of a layer "
                            "identical")


@graded(TASK + "initialize_parameters", points=2)
def test_initialize_parameters_draws_glorot_normal_weights(impl):
    layer_dims = [400, 300, 200]
    call = f"initialize_parameters({layer_dims}, seed=3)"
    got, _, _ = watched(impl.initialize_parameters, layer_dims, 3)
    arrays = checked_parameters(got, layer_dims, call)
    for l in (1, 2):
        fan_in, fan_out = layer_dims[l - 1], layer_dims[l]
        W = arrays[f"W{l}"].ravel()
        std = np.sqrt(2.0 / (fan_in + fan_out))
        if abs(W.std() / std - 1.0) > 0.03:
            checks.fail(f"{call}: the entries of W{l} have standard deviation {W.std():.4g}, expected "
                        f"sqrt(2 / (fan_in + fan_out)) = sqrt(2 / ({fan_in} + {fan_out})) = {std:.4g} "
                        f"(sqrt(2 / fan_in) = {np.sqrt(2 / fan_in):.4g} is He's; 1 is an unscaled normal)")
        # GlorotNormal: a normal truncated at two standard deviations, rescaled to have std `std`
        truncated = scipy.stats.truncnorm(-2.0, 2.0, scale=std / 0.87962566103423978)
        distance = scipy.stats.kstest(W, truncated.cdf).statistic
        if distance > 0.012:
            uniform = abs(np.abs(W).max() / np.sqrt(6.0 / (fan_in + fan_out)) - 1.0) < 0.01
            checks.fail(f"{call}: the {W.size} entries of W{l} are not distributed like "
                        f"keras.initializers.GlorotNormal (a normal truncated at 2 standard deviations): "
                        f"Kolmogorov-Smirnov distance {distance:.3f}, expected below 0.012"
                        + (" -- they look uniform on +-sqrt(6 / (fan_in + fan_out)): GlorotUniform?"
                           if uniform else ""))


@graded(TASK + "initialize_parameters", points=1)
def test_initialize_parameters_is_reproducible_from_the_seed(impl):
    layer_dims = [5, 4, 3]
    draws = {}
    for seed in (1, 1, 2):
        got, _, _ = watched(impl.initialize_parameters, layer_dims, seed)
        draws.setdefault(seed, []).append(checked_parameters(got, layer_dims, f"initialize_parameters({layer_dims}, seed={seed})"))
    first, again = draws[1]
    for key in first:
        if not np.array_equal(first[key], again[key]):
            checks.fail(f"initialize_parameters({layer_dims}, seed=1) called twice gave two different "
                        f"{key}: pass the seed to the initializer")
    if np.array_equal(first["W1"], draws[2][0]["W1"]):
        checks.fail(f"initialize_parameters({layer_dims}, seed=1) and seed=2 gave the same W1: "
                    "the seed argument is ignored")


def _initialize_with(ref: ModuleType, initializer: Callable[[int], Any], bias=tf.zeros,
                     wrap: Callable[[Any], Any] = tf.Variable) -> Callable[..., dict]:
    """An ``initialize_parameters`` with another weight initializer, bias or container."""
    def initialize_parameters(layer_dims, seed):
        make = initializer(seed)
        parameters = {}
        for l in range(1, len(layer_dims)):
            shape = (layer_dims[l], layer_dims[l - 1])
            parameters[f"W{l}"] = wrap(make(shape=shape, dtype="float32"))
            parameters[f"b{l}"] = wrap(bias((shape[0], 1)))
        return parameters
    return initialize_parameters


@mutant(TASK + "initialize_parameters", "GlorotUniform instead of GlorotNormal")
def init_glorot_uniform(ref):
    return _initialize_with(ref, lambda seed: keras.initializers.GlorotUniform(seed=keras.random.SeedGenerator(seed)))


@mutant(TASK + "initialize_parameters", "a standard normal (std 1), unscaled")
def init_standard_normal(ref):
    return _initialize_with(ref, lambda seed: keras.initializers.RandomNormal(stddev=1.0, seed=keras.random.SeedGenerator(seed)))


@mutant(TASK + "initialize_parameters", "biases of ones")
def init_nonzero_biases(ref):
    return _initialize_with(ref, lambda seed: keras.initializers.GlorotNormal(seed=keras.random.SeedGenerator(seed)),
                            bias=tf.ones)


@mutant(TASK + "initialize_parameters", "plain tensors instead of tf.Variable")
def init_plain_tensors(ref):
    return _initialize_with(ref, lambda seed: keras.initializers.GlorotNormal(seed=keras.random.SeedGenerator(seed)),
                            wrap=tf.convert_to_tensor)


@mutant(TASK + "initialize_parameters", "GlorotNormal(seed=1) as in the course, ignoring the seed")
def init_ignores_seed(ref):
    return _initialize_with(ref, lambda seed: keras.initializers.GlorotNormal(seed=keras.random.SeedGenerator(1)))
