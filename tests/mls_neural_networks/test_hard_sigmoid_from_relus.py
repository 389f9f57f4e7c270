"""The graded tests of mls_neural_networks.hard_sigmoid_from_relus, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.mls_neural_networks.oracles import HARD_SIGMOID, keras_hard_sigmoid, keras_relu

# A grid through both kinks (-3 and 3), Keras 2's old ones (-2.5 and 2.5), and well beyond.
GRID = np.unique(np.concatenate([np.linspace(-8.0, 8.0, 33), [-6.0, -3.0, -2.5, -0.5, 0.0, 0.5, 2.5, 3.0, 6.0]]))


def check_hard_sigmoid(impl, z, expected, name="the result") -> np.ndarray:
    call = checks.call("hard_sigmoid_from_relus", z=z)
    return checks.check_close(impl.hard_sigmoid_from_relus(z), expected, call=call, name=name,
                              mistakes=checks.known_mistakes(HARD_SIGMOID, z))


@graded(HARD_SIGMOID, points=2)
def test_hard_sigmoid_from_relus_matches_keras_hard_sigmoid(impl):
    # Keras 3's keras.activations.hard_sigmoid: relu6(z + 3) / 6, i.e. 0, then z/6 + 1/2, then 1.
    check_hard_sigmoid(impl, GRID.copy(), keras_hard_sigmoid(GRID))


@graded(HARD_SIGMOID, points=1)
def test_hard_sigmoid_from_relus_keeps_the_shape(impl):
    z = np.linspace(-5.0, 5.0, 12).reshape(3, 4)
    check_hard_sigmoid(impl, z, keras_hard_sigmoid(z))


@graded(HARD_SIGMOID, points=1)
@settings(max_examples=20)
@given(z=st.lists(st.floats(-50, 50, allow_nan=False), min_size=1, max_size=8))
def test_hard_sigmoid_from_relus_is_two_relus(impl, z):
    # The identity the exercise is about, with Keras' own relu for the pieces:
    # hard_sigmoid(z) = (relu(z + 3) - relu(z - 3)) / 6, for any z.
    z = np.array(z)
    check_hard_sigmoid(impl, z, (keras_relu(z + 3.0) - keras_relu(z - 3.0)) / 6.0,
                       name="the result, against (relu(z + 3) - relu(z - 3)) / 6 with keras.activations.relu")


@mutant(HARD_SIGMOID, "relu(z + 3) - relu(z - 3) without dividing by 6 (a ramp from 0 to 6)")
def hard_sigmoid_no_division(ref):
    return rewrite(ref, "hard_sigmoid_from_relus", "(relu(z + 3.0) - relu(z - 3.0)) / 6.0",
                   "relu(z + 3.0) - relu(z - 3.0)")


@mutant(HARD_SIGMOID, "adding relu(z - 3) instead of subtracting it (never flattens at 1)")
def hard_sigmoid_relus_added(ref):
    return rewrite(ref, "hard_sigmoid_from_relus", "relu(z + 3.0) - relu(z - 3.0)", "relu(z + 3.0) + relu(z - 3.0)")


@mutant(HARD_SIGMOID, "relu(z + 3) / 6 alone (the second ReLU forgotten, so no cap at 1)")
def hard_sigmoid_one_relu(ref):
    return rewrite(ref, "hard_sigmoid_from_relus", "(relu(z + 3.0) - relu(z - 3.0)) / 6.0", "relu(z + 3.0) / 6.0")


@mutant(HARD_SIGMOID, "z/6 + 1/2 clipped to [-1, 1] instead of [0, 1]")
def hard_sigmoid_clipped_to_minus_one(ref):
    def hard_sigmoid_from_relus(z):
        return np.clip(np.asarray(z, dtype=float) / 6.0 + 0.5, -1.0, 1.0)
    return hard_sigmoid_from_relus


@mutant(HARD_SIGMOID, "Keras 2's old hard sigmoid, 0.2·z + 0.5 clipped to [0, 1] (kinks at ±2.5)")
def hard_sigmoid_keras2(ref):
    def hard_sigmoid_from_relus(z):
        return np.clip(0.2 * np.asarray(z, dtype=float) + 0.5, 0.0, 1.0)
    return hard_sigmoid_from_relus
