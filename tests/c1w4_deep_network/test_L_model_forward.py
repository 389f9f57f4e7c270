"""The graded tests of c1w4_deep_network.L_model_forward, and the mutants they must catch."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c1w4_deep_network.oracles import (COURSE_AL, FORWARD, PRINTED, check_same, course_forward_case,
                                             random_network, tf_forward)

NAME = "L_model_forward"


def check_forward(impl, X, parameters, note="", course=False):
    call = checks.call(NAME, X=X, parameters=parameters) + note
    L = len(parameters) // 2
    call += " (it runs your linear_activation_forward and linear_forward: fix those first if their tests fail)"
    AL, caches = checks.unpack(impl.L_model_forward(X, parameters), ("AL", "caches"), call=call)
    expected_AL, expected_caches = tf_forward(X, parameters)
    checks.check_close(AL, COURSE_AL if course else expected_AL, call=call, name="AL",
                       mistakes=checks.known_mistakes(FORWARD, X, parameters, pick=lambda out: out[0]),
                       **(PRINTED if course else {}))
    mistakes = checks.known_mistakes(FORWARD, X, parameters, pick=lambda out: list(out[1]))
    if not isinstance(caches, (list, tuple)) or len(caches) != L:
        got = f"{len(caches)} caches" if isinstance(caches, (list, tuple)) else type(caches).__name__
        checks.fail(f"{call}: caches should be a list of the {L} layer caches (one per layer, layer 1's first), "
                    f"got {got}{mistakes.named(lambda value: len(value) == len(caches))}")
    for l, (cache, expected) in enumerate(zip(caches, expected_caches), start=1):
        check_same(cache, expected, call, f"caches[{l - 1}] (layer {l})",
                   f"((A{l - 1}, W{l}, b{l}), Z{l}) from layer {l}'s linear_activation_forward with "
                   f"\"{'sigmoid' if l == L else 'relu'}\"",
                   checks.known_mistakes(FORWARD, X, parameters, pick=lambda out, i=l - 1: out[1][i]))


@graded(FORWARD, points=3)
@settings(max_examples=15)
@given(depth=st.integers(1, 5), widths=st.lists(st.integers(1, 6), min_size=5, max_size=5), m=st.integers(1, 6),
       seed=st.integers(0, 2**16))
def test_L_model_forward_matches_a_tensorflow_forward_pass(impl, depth, widths, m, seed):
    layer_dims = [widths[0], *widths[1:depth], 1]
    X, _, parameters = random_network(layer_dims, m, seed)
    check_forward(impl, X, parameters, f" for layer_dims {layer_dims} (oracle: tf.nn.relu on layers 1 to "
                                       f"{len(layer_dims) - 2}, tf.sigmoid on layer {len(layer_dims) - 1})")


@graded(FORWARD, points=1)
def test_L_model_forward_reproduces_the_course(impl):
    X, parameters = course_forward_case()
    check_forward(impl, X, parameters, " (the course's L_model_forward_test_case_2hidden, seed 6)", course=True)


@mutant(FORWARD, "ReLU on the last layer too (no sigmoid)")
def forward_relu_last(ref):
    return rewrite(ref, NAME, 'parameters["b" + str(L)], "sigmoid")', 'parameters["b" + str(L)], "relu")')


@mutant(FORWARD, "sigmoid on the hidden layers too")
def forward_sigmoid_hidden(ref):
    return rewrite(ref, NAME, 'parameters["b" + str(l)], "relu")', 'parameters["b" + str(l)], "sigmoid")')


@mutant(FORWARD, "a hidden-layer loop that stops one layer early (range(1, L - 1): the last hidden layer skipped)")
def forward_skips_last_hidden(ref):
    def L_model_forward(X, parameters):
        caches, A = [], X
        L = len(parameters) // 2
        for l in range(1, L - 1):
            A, cache = ref.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
            caches.append(cache)
        AL, cache = ref.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
        caches.append(cache)
        return AL, caches
    return L_model_forward


@mutant(FORWARD, "a loop over all L layers with ReLU, then the sigmoid applied to A[L] on top")
def forward_loop_runs_L_layers(ref):
    def L_model_forward(X, parameters):
        caches, A = [], X
        L = len(parameters) // 2
        for l in range(1, L + 1):
            A, cache = ref.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
            caches.append(cache)
        return ref.sigmoid(A), caches
    return L_model_forward


@mutant(FORWARD, "the caches without the output layer's (only the L - 1 hidden layers')")
def forward_forgets_last_cache(ref):
    function = ref.L_model_forward

    def L_model_forward(X, parameters):
        AL, caches = function(X, parameters)
        return AL, caches[:-1]
    return L_model_forward
