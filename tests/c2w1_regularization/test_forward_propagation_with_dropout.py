"""The graded tests of c2w1_regularization.forward_propagation_with_dropout, and the mutants they must catch."""

from __future__ import annotations

import keras
import numpy as np
from scipy import stats

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w1_regularization.oracles import (COURSE_DROPOUT_A3, DROPOUT_CACHE_NAMES, FORWARD_DROPOUT, PRINTED,
                                               course_dropout_forward_case, random_problem, tf_dense,
                                               tf_plain_forward)

MASK_ADVICE = ("A mask is D = (np.random.RandomState(seed).rand(*A.shape) < keep_prob): each unit of each "
               "example is kept (1) with probability keep_prob and dropped (0) otherwise")


def _call(X, parameters, keep_prob, seed) -> str:
    return checks.call("forward_propagation_with_dropout", X=X, parameters=parameters, keep_prob=keep_prob,
                       seed=seed)


def _forward(impl, X, parameters, keep_prob, seed) -> tuple[np.ndarray, dict[str, np.ndarray], str]:
    call = _call(X, parameters, keep_prob, seed)
    result = impl.forward_propagation_with_dropout(X, parameters, keep_prob, seed)
    A3, cache = checks.unpack(result, ("A3", "cache"), call=call)
    A3 = checks.check_shape(A3, (1, X.shape[1]), call=call, name="A3")
    cache = checks.unpack(cache, DROPOUT_CACHE_NAMES, call=f"{call}, for its cache,")
    return A3, {name: checks.to_array(value, call=call, name=f"{name} in the cache")
                for name, value in zip(DROPOUT_CACHE_NAMES, cache)}, call


def _mask(cache: dict[str, np.ndarray], name: str, shape: tuple[int, int], call: str) -> np.ndarray:
    D = checks.check_shape(cache[name], shape, call=call, name=f"the mask {name} in the cache")
    if not np.isin(D, (0.0, 1.0)).all():
        checks.fail(f"{call}: the mask {name} holds values other than 0 and 1 (e.g. {D[~np.isin(D, (0, 1))][0]:.4g}). "
                    + MASK_ADVICE)
    return D


@graded(FORWARD_DROPOUT, points=3)
def test_forward_propagation_with_dropout_applies_inverted_dropout_to_the_hidden_layers(impl):
    X, _, parameters = random_problem(n_x=4, n1=6, n2=5, m=9, seed=3)
    keep_prob, seed = 0.8, 4
    A3, cache, call = _forward(impl, X, parameters, keep_prob, seed)
    def mistakes(index):
        return checks.known_mistakes(FORWARD_DROPOUT, X, parameters, keep_prob, seed,
                                     pick=lambda out: out[1][index])
    for name in ("W1", "b1", "W2", "b2", "W3", "b3"):
        checks.check_close(cache[name], parameters[name], call=call, name=f"{name} in the cache")
    relu = keras.activations.relu
    Z1 = checks.check_close(cache["Z1"], tf_dense(parameters["W1"], X, parameters["b1"]), call=call,
                            name="Z1 = W1·X + b1 in the cache")
    D1 = _mask(cache, "D1", Z1.shape, call)
    checks.check_close(cache["A1"], relu(Z1).numpy() * D1 / keep_prob, call=call + ", given its own Z1 and D1",
                       name="A1 = relu(Z1) * D1 / keep_prob in the cache", mistakes=mistakes(2))
    Z2 = checks.check_close(cache["Z2"], tf_dense(parameters["W2"], cache["A1"], parameters["b2"]),
                            call=call + ", given its own A1 (after dropout)", name="Z2 = W2·A1 + b2 in the cache")
    D2 = _mask(cache, "D2", Z2.shape, call)
    checks.check_close(cache["A2"], relu(Z2).numpy() * D2 / keep_prob, call=call + ", given its own Z2 and D2",
                       name="A2 = relu(Z2) * D2 / keep_prob in the cache", mistakes=mistakes(7))
    Z3 = checks.check_close(cache["Z3"], tf_dense(parameters["W3"], cache["A2"], parameters["b3"]),
                            call=call + ", given its own A2 (after dropout)", name="Z3 = W3·A2 + b3 in the cache")
    checks.check_close(A3, keras.activations.sigmoid(Z3).numpy(), call=call + ", given its own Z3",
                       name="A3 = sigmoid(Z3) (the output layer gets no dropout)",
                       mistakes=checks.known_mistakes(FORWARD_DROPOUT, X, parameters, keep_prob, seed,
                                                      pick=lambda out: out[0]))
    checks.check_close(cache["A3"], A3, call=call, name="A3 in the cache (the A3 returned)")


def _kept_bounds(n: int, keep_prob: float, tail: float) -> tuple[int, int]:
    """Counts of kept units outside [low, high] have probability <= tail on each side for a
    Binomial(n, keep_prob): P(K < low) = CDF(low - 1) < tail and P(K > high) = SF(high) <= tail."""
    return int(stats.binom.ppf(tail, n, keep_prob)), int(stats.binom.isf(tail, n, keep_prob))


@graded(FORWARD_DROPOUT, points=2)
def test_forward_propagation_with_dropout_keeps_about_keep_prob_of_the_units(impl):
    X, _, parameters = random_problem(n_x=3, n1=40, n2=30, m=250, seed=5)
    keep_prob = 0.7
    _, cache, call = _forward(impl, X, parameters, keep_prob, 5)
    for name, shape in (("D1", (40, 250)), ("D2", (30, 250))):
        D = _mask(cache, name, shape, call)
        n, kept = D.size, int(D.sum())
        # Two masks, two tails each at 2.5e-7: a correct mask fails with probability <= 1e-6.
        low, high = _kept_bounds(n, keep_prob, 2.5e-7)
        if not low <= kept <= high:
            checks.fail(f"{call}: the mask {name} keeps {kept} of its {n} units ({kept / n:.1%}); expected about "
                        f"keep_prob = {keep_prob:.0%} of them, between {low} and {high} (a correct mask falls "
                        f"outside with probability below 1e-6). {MASK_ADVICE}; rand > keep_prob would keep "
                        "1 - keep_prob of them")


@graded(FORWARD_DROPOUT, points=2)
def test_forward_propagation_with_dropout_preserves_the_expected_activations(impl):
    # m copies of one example: each unit of layer 1 sees the same z > 0 in every column, so the mean
    # of A1 over the columns estimates E[A1] = relu(z) * P(kept) / keep_prob, which must be relu(z).
    m, keep_prob = 4000, 0.6
    X = np.tile(np.array([[0.5], [-1.0], [2.0]]), (1, m))
    rng = np.random.default_rng(6)
    parameters = {"W1": rng.normal(size=(4, 3)) * 0.3, "b1": np.full((4, 1), 2.0),
                  "W2": rng.normal(size=(3, 4)), "b2": np.zeros((3, 1)), "W3": rng.normal(size=(1, 3)),
                  "b3": np.zeros((1, 1))}
    relu_z = keras.activations.relu(tf_dense(parameters["W1"], X[:, :1], parameters["b1"])).numpy()[:, 0]
    _, cache, call = _forward(impl, X, parameters, keep_prob, 3)
    A1 = checks.check_shape(cache["A1"], (4, m), call=call, name="A1 in the cache")
    ratios = A1.mean(axis=1) / relu_z
    # The number of kept copies of unit j is Binomial(m, keep_prob): 4 units, two tails each at
    # 1.25e-7, so a correct implementation fails with probability <= 1e-6.
    low, high = _kept_bounds(m, keep_prob, 1.25e-7)
    low_ratio, high_ratio = low / (m * keep_prob), high / (m * keep_prob)
    j = int(np.argmax(np.abs(ratios - 1.0)))
    if not low_ratio <= ratios[j] <= high_ratio:
        checks.fail(f"{call} on {m} copies of one example: the mean of A1 over the examples is "
                    f"{ratios[j]:.3f} x relu(Z1) for unit {j}; inverted dropout keeps the expected value "
                    f"unchanged, so expected between {low_ratio:.3f} and {high_ratio:.3f} x relu(Z1). "
                    "Keep each unit with probability keep_prob, then divide by keep_prob: "
                    "E[D / keep_prob] = 1")


@graded(FORWARD_DROPOUT, points=1)
def test_forward_propagation_with_dropout_with_keep_prob_1_drops_nothing(impl):
    X, _, parameters = random_problem(n_x=4, n1=6, n2=5, m=9, seed=7)
    A3, cache, call = _forward(impl, X, parameters, 1.0, 1)
    for name, shape in (("D1", (6, 9)), ("D2", (5, 9))):
        D = _mask(cache, name, shape, call)
        if not (D == 1).all():
            checks.fail(f"{call}: the mask {name} drops {int((D == 0).sum())} units; with keep_prob = 1 every "
                        f"unit is kept (rand() < 1 always holds): no dropout, as at test time")
    checks.check_close(A3, tf_plain_forward(X, parameters), call=call, name="A3 (the network without dropout)",
                       mistakes=checks.known_mistakes(FORWARD_DROPOUT, X, parameters, 1.0, 1, pick=lambda out: out[0]))


@graded(FORWARD_DROPOUT, points=1)
def test_forward_propagation_with_dropout_masks_come_from_the_seed(impl):
    X, _, parameters = random_problem(n_x=4, n1=6, n2=5, m=20, seed=8)
    with observe() as seen:
        first = _forward(impl, X, parameters, 0.5, 7)
        again = _forward(impl, X, parameters, 0.5, 7)
        other = _forward(impl, X, parameters, 0.5, 8)
    call = first[2]
    if seen.numpy_global_random:
        checks.fail(f"{call} drew from NumPy's global random state (np.random.rand, np.random.seed...): draw "
                    "the masks from a local np.random.RandomState(seed), which leaves everyone else's "
                    "random numbers alone")
    for name in ("D1", "D2"):
        if not np.array_equal(first[1][name], again[1][name]):
            checks.fail(f"{call} twice gave two different masks {name}: the masks must come from "
                        "np.random.RandomState(seed), so that the same seed gives the same masks")
        if np.array_equal(first[1][name], other[1][name]):
            checks.fail(f"{call} and the same call with seed=8 gave the same mask {name}: the masks must "
                        "come from np.random.RandomState(seed)")


@graded(FORWARD_DROPOUT, points=1)
def test_forward_propagation_with_dropout_reproduces_the_course(impl):
    X, parameters = course_dropout_forward_case()
    call = checks.call("forward_propagation_with_dropout", X=X, parameters=parameters, keep_prob=0.7) + \
        " (the course's forward_propagation_with_dropout_test_case, the default seed 1)"
    A3, _ = checks.unpack(impl.forward_propagation_with_dropout(X, parameters, keep_prob=0.7), ("A3", "cache"),
                          call=call)
    checks.check_close(A3, COURSE_DROPOUT_A3, call=call + "; the masks come from np.random.RandomState(seed), "
                       "D1 drawn before D2 with rand(*A.shape)", name="A3",
                       mistakes=checks.known_mistakes(FORWARD_DROPOUT, X, parameters, keep_prob=0.7,
                                                      pick=lambda out: out[0]),
                       **PRINTED)


def _edit(ref, old: str, new: str):
    return rewrite(ref, "forward_propagation_with_dropout", old, new)


@mutant(FORWARD_DROPOUT, "dropout on A1 without dividing by keep_prob")
def forward_no_scaling(ref):
    return _edit(ref, "A1 = A1 / keep_prob\n", "A1 = A1\n")


@mutant(FORWARD_DROPOUT, "dropout on A2 without dividing by keep_prob")
def forward_no_scaling_layer_2(ref):
    return _edit(ref, "A2 = A2 / keep_prob\n", "A2 = A2\n")


@mutant(FORWARD_DROPOUT, "the mask D = rand(...) > keep_prob (keeping a unit with probability 1 - keep_prob)")
def forward_mask_greater(ref):
    return _edit(ref, "< keep_prob", "> keep_prob")


@mutant(FORWARD_DROPOUT, "a dropout mask on the output layer too")
def forward_masks_output(ref):
    return _edit(ref, "A3 = sigmoid(Z3)\n", "A3 = sigmoid(Z3) * (rng.rand(*Z3.shape) < keep_prob) / keep_prob\n")


@mutant(FORWARD_DROPOUT, "masks drawn from NumPy's global random state (np.random.rand), ignoring seed")
def forward_global_random(ref):
    return _edit(ref, "rng.rand(", "np.random.rand(")


@mutant(FORWARD_DROPOUT, "a fresh RandomState(seed) for each mask (D2 from the same numbers as D1)")
def forward_reseeded(ref):
    return _edit(ref, "D2 = (rng.rand(", "D2 = (np.random.RandomState(seed).rand(")


@mutant(FORWARD_DROPOUT, "one mask per unit shared by every example, rand(n, 1)")
def forward_one_mask_per_unit(ref):
    return _edit(ref, "rng.rand(A1.shape[0], A1.shape[1])", "rng.rand(A1.shape[0], 1)")


@mutant(FORWARD_DROPOUT, "dropout on the first hidden layer only (D2 all ones)")
def forward_first_layer_only(ref):
    return _edit(ref, "D2 = (rng.rand(A2.shape[0], A2.shape[1]) < keep_prob).astype(int)",
                 "D2 = np.ones(A2.shape, dtype=int)")
