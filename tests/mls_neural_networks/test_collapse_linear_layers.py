"""The graded tests of mls_neural_networks.collapse_linear_layers, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant
from tests.mls_neural_networks.oracles import (COLLAPSE, collapsed_by_keras, keras_forward, random_inputs,
                                               random_layer)


def stack(sizes: list[int], seed: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    layers = [random_layer(n_in, n_out, seed + l) for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))]
    return [W for W, _ in layers], [b for _, b in layers]


def collapse(impl, Ws, bs) -> tuple[str, np.ndarray, np.ndarray]:
    """The student's (W, b), checked for their shapes (n_in, n_out) and (n_out,)."""
    call = checks.call("collapse_linear_layers", Ws=Ws, bs=bs)
    W, b = checks.unpack(impl.collapse_linear_layers(Ws, bs), ("W", "b"), call=call)
    mistakes = checks.known_mistakes(COLLAPSE, Ws, bs, pick=lambda out: out[0])
    W = checks.check_shape(W, (Ws[0].shape[0], Ws[-1].shape[1]), call=call, name="W", mistakes=mistakes)
    b = checks.check_shape(b, (Ws[-1].shape[1],), call=call, name="b",
                           mistakes=checks.known_mistakes(COLLAPSE, Ws, bs, pick=lambda out: out[1]))
    return call, W, b


def check_against_keras_stack(impl, Ws, bs) -> None:
    # The oracle: Keras' stack of linear Dense layers. Its unique affine equivalent has
    # b = stack(0) and W[i] = stack(e_i) - stack(0); x @ W + b must match the stack on random x too.
    call, W, b = collapse(impl, Ws, bs)
    W_expected, b_expected = collapsed_by_keras(Ws, bs)
    checks.check_close(W, W_expected, call=call, name="W", mistakes=checks.known_mistakes(COLLAPSE, Ws, bs, pick=lambda out: out[0]))
    checks.check_close(b, b_expected, call=call, name="b", mistakes=checks.known_mistakes(COLLAPSE, Ws, bs, pick=lambda out: out[1]))
    X = random_inputs((8, Ws[0].shape[0]), seed=len(Ws))
    checks.check_close(X @ W + b, keras_forward([(W_l, b_l, "linear") for W_l, b_l in zip(Ws, bs)], X),
                       call=call, name="x @ W + b for 8 random inputs x (against the stack's outputs)")


@graded(COLLAPSE, points=1)
def test_collapse_linear_layers_square_layers_multiply_in_order(impl):
    # Every layer 3 -> 3: W1 @ W2 @ W3 and W3 @ W2 @ W1 both fit, only the order of the layers is right.
    Ws, bs = stack([3, 3, 3, 3], seed=60)
    check_against_keras_stack(impl, Ws, bs)


@graded(COLLAPSE, points=2)
def test_collapse_linear_layers_matches_the_keras_stack(impl):
    Ws, bs = stack([4, 6, 3, 2], seed=40)
    check_against_keras_stack(impl, Ws, bs)


@graded(COLLAPSE, points=1)
def test_collapse_linear_layers_two_layers(impl):
    # a·W1 + b1 then a·W2 + b2: the bias b1 goes through W2 as well.
    Ws, bs = stack([3, 2, 4], seed=50)
    check_against_keras_stack(impl, Ws, bs)


@graded(COLLAPSE, points=1)
@settings(max_examples=10)
@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5), seed=st.integers(0, 2**16))
def test_collapse_linear_layers_any_depth(impl, sizes, seed):
    # From one layer (which is its own collapse) to four.
    Ws, bs = stack(sizes, seed)
    check_against_keras_stack(impl, Ws, bs)


@mutant(COLLAPSE, "multiplying the weights in the reverse order (W2 @ W1, the column layout's order)")
def collapse_reverse_order(ref):
    def collapse_linear_layers(Ws, bs):
        W, b = Ws[0], bs[0]
        for W_next, b_next in zip(Ws[1:], bs[1:]):
            W, b = W_next @ W, b @ W_next + b_next
        return W, b
    return collapse_linear_layers


@mutant(COLLAPSE, "adding the biases without pushing them through the later layers (b = b1 + b2)")
def collapse_biases_added(ref):
    def collapse_linear_layers(Ws, bs):
        W, _ = ref.collapse_linear_layers(Ws, bs)
        return W, np.sum(bs, axis=0)
    return collapse_linear_layers


@mutant(COLLAPSE, "returning only the last layer's (W, b)")
def collapse_last_layer_only(ref):
    def collapse_linear_layers(Ws, bs):
        return Ws[-1], bs[-1]
    return collapse_linear_layers


@mutant(COLLAPSE, "keeping only the last layer's bias (b = bL, the earlier biases dropped)")
def collapse_last_bias_only(ref):
    def collapse_linear_layers(Ws, bs):
        W, _ = ref.collapse_linear_layers(Ws, bs)
        return W, bs[-1]
    return collapse_linear_layers
