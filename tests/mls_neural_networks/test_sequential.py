"""The graded tests of mls_neural_networks.sequential, and the mutants they must catch."""

from __future__ import annotations

import numpy as np

from grader import checks, graded, mutant
from tests.mls_neural_networks.oracles import (COFFEE_DECISIONS, COFFEE_NUMPY_LAB, COFFEE_TF_LAB,
                                               COFFEE_TF_LAB_PREDICTIONS, LINEAR, RELU, SEQUENTIAL, SIGMOID,
                                               coffee_layers, coffee_test_normalized, keras_forward, layers_call,
                                               random_inputs, random_layer)


def network(sizes: list[int], activations: list, seed: int) -> list[tuple]:
    """Layers (W, b, g) of the given widths, sizes[0] inputs to sizes[-1] outputs."""
    return [(*random_layer(n_in, n_out, seed + l), g)
            for l, (n_in, n_out, g) in enumerate(zip(sizes[:-1], sizes[1:], activations))]


def run_sequential(impl, x, layers, expected, name="the output", **tolerance) -> np.ndarray:
    return checks.check_close(impl.sequential(x, layers), expected, call=layers_call(x, layers), name=name,
                              mistakes=checks.known_mistakes(SEQUENTIAL, x, layers), **tolerance)


@graded(SEQUENTIAL, points=1)
def test_sequential_square_layers_in_order(impl):
    # Every layer 3 -> 3, each with its own activation: any order (or count) of layers fits, one is right.
    layers = network([3, 3, 3, 3], [SIGMOID, LINEAR, RELU], seed=30)
    X = random_inputs((4, 3), seed=30)
    run_sequential(impl, X, layers, keras_forward(layers, X))


@graded(SEQUENTIAL, points=2)
def test_sequential_matches_keras_sequential(impl):
    # keras.Sequential of Dense layers 4 -> 5 -> 3 -> 2 with the same kernels, biases and activations.
    layers = network([4, 5, 3, 2], [RELU, SIGMOID, LINEAR], seed=10)
    X = random_inputs((6, 4), seed=10)
    run_sequential(impl, X, layers, keras_forward(layers, X))


@graded(SEQUENTIAL, points=1)
def test_sequential_on_one_example(impl):
    # One example of shape (n_in,), as the course's my_sequential takes it, gives a (n_out,) vector.
    layers = network([3, 4, 2], [SIGMOID, RELU], seed=20)
    x = random_inputs((3,), seed=20)
    run_sequential(impl, x, layers, keras_forward(layers, x[None, :])[0])


@graded(SEQUENTIAL, points=2)
def test_sequential_reproduces_the_course(impl):
    # The coffee roasting labs, on their test roasts (200 °C, 13.9 min) and (200 °C, 17 min),
    # normalized as the labs do. The TensorFlow lab's weights print predictions [[9.63e-01],
    # [3.03e-08]] (3 significant digits); both labs' weights print the decisions [[1.], [0.]].
    X = coffee_test_normalized()
    layers = coffee_layers(COFFEE_TF_LAB)
    predictions = run_sequential(impl, X, layers, COFFEE_TF_LAB_PREDICTIONS, name="the predictions",
                                 rtol=1e-3, atol=0)
    layers = coffee_layers(COFFEE_NUMPY_LAB)
    predictions = run_sequential(impl, X, layers, keras_forward(layers, X), name="the predictions")
    checks.check_equal((predictions >= 0.5).astype(float), COFFEE_DECISIONS, call=layers_call(X, layers),
                       name="the decisions (predictions >= 0.5)")


@mutant(SEQUENTIAL, "applying the layers in reverse order (the output layer first)")
def sequential_reversed(ref):
    def sequential(x, layers):
        return ref.sequential(x, list(reversed(layers)))
    return sequential


@mutant(SEQUENTIAL, "forward propagation that stops before the last layer")
def sequential_skips_last(ref):
    def sequential(x, layers):
        return ref.sequential(x, layers[:-1]) if len(layers) > 1 else x
    return sequential


@mutant(SEQUENTIAL, "applying only the last layer's activation (every hidden layer left linear)")
def sequential_hidden_layers_linear(ref):
    def sequential(x, layers):
        *hidden, (W, b, g) = layers
        a = np.asarray(x, dtype=float)
        for W_l, b_l, _ in hidden:
            a = a @ W_l + b_l
        return g(a @ W + b)
    return sequential


@mutant(SEQUENTIAL, "every layer applied to the input x instead of the previous layer's output")
def sequential_always_from_x(ref):
    def sequential(x, layers):
        for W, b, g in layers:
            a = ref.dense_vectorized(x, W, b, g)
        return a
    return sequential
