"""The graded tests of c2w3_tensorflow_intro.forward_propagation, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant, rewrite
from tests.c2w3_tensorflow_intro.oracles import numpy_forward, TASK, watched


def _network(layer_dims: list[int], m: int, seed: int) -> tuple[np.ndarray, dict[str, tf.Variable]]:
    """Inputs X (n_x, m) and float32 tf.Variable parameters with random (not zero) biases."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(layer_dims[0], m)).astype(np.float32)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = tf.Variable(rng.normal(size=(layer_dims[l], layer_dims[l - 1])).astype(np.float32))
        parameters[f"b{l}"] = tf.Variable(rng.normal(size=(layer_dims[l], 1)).astype(np.float32))
    return X, parameters


@graded(TASK + "forward_propagation", points=2)
def test_forward_propagation_matches_numpy(impl):
    for layer_dims, m, seed in [([5, 7, 6, 4], 9, 0), ([3, 4, 4, 2], 1, 1)]:
        X, parameters = _network(layer_dims, m, seed)
        call = checks.call("forward_propagation", X=X) + f" and parameters for layers {layer_dims}"
        got, _, _ = watched(impl.forward_propagation, tf.constant(X), parameters)
        checks.check_close(got, numpy_forward(X, parameters), call=call, name="the logits Z3",
                           rtol=1e-4, atol=1e-4,
                           mistakes=checks.known_mistakes(TASK + "forward_propagation", tf.constant(X), parameters))


@mutant(TASK + "forward_propagation", "a sigmoid instead of ReLU on the hidden layers")
def forward_sigmoid_hidden(ref):
    return rewrite(ref, "forward_propagation", "tf.keras.activations.relu", "tf.keras.activations.sigmoid")


@mutant(TASK + "forward_propagation", "no ReLU after the second layer")
def forward_no_second_relu(ref):
    return rewrite(ref, "forward_propagation", "A2 = tf.keras.activations.relu(Z2)", "A2 = Z2")


@mutant(TASK + "forward_propagation", "a ReLU on the output (Z3 are logits: no activation)")
def forward_relu_output(ref):
    return rewrite(ref, "forward_propagation", "return Z3", "return tf.nn.relu(Z3)")
