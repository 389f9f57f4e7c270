"""The graded tests of c2w1_setup_and_diagnosis.split_dataset, and the mutants they must catch.

The course defines no random stream for the split, so every test here holds for any valid
permutation (another seeding scheme, a loop, ``rng.shuffle`` on an index array...).
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings, strategies as st
from scipy.stats import hypergeom

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w1_setup_and_diagnosis.oracles import (check_partition, expected_sizes, labelled_data, sets_of,
                                                    split_sizes, trace_examples, SET_NAMES, SPLIT,
                                                    SPLIT_NAMES)

FRACTIONS = [(0.6, 0.2, 0.2), (0.7, 0.15, 0.15), (0.98, 0.01, 0.01), (0.8, 0.1, 0.1), (0.5, 0.3, 0.2),
             (1.0, 0.0, 0.0)]

split_cases = given(n_x=st.integers(1, 4), m=st.integers(1, 40), fractions=st.sampled_from(FRACTIONS),
                    seed=st.integers(0, 10**6))


def _split(impl, X, Y, fractions, seed):
    call = checks.call("split_dataset", X=X, Y=Y, fractions=fractions, seed=seed)
    with observe() as seen:
        result = impl.split_dataset(X, Y, fractions, seed=seed)
    for name, array in (("X", X), ("Y", Y)):
        if seen.changed(array):
            checks.fail(f"{call} changed its argument {name} in place (np.random.shuffle?); shuffle an "
                        "index array, permutation = rng.permutation(m), and index with it")
    return result, call


@graded(SPLIT, points=2)
@settings(max_examples=20)
@split_cases
def test_split_dataset_puts_every_example_in_exactly_one_set(impl, n_x, m, fractions, seed):
    assume(round(fractions[0] * m) + round(fractions[1] * m) <= m)
    X, Y = labelled_data(n_x, m, seed)
    result, call = _split(impl, X, Y, fractions, seed)
    check_partition(trace_examples(result, X, Y, call), m, call)


@graded(SPLIT, points=2)
@settings(max_examples=20)
@split_cases
def test_split_dataset_keeps_each_label_with_its_example(impl, n_x, m, fractions, seed):
    assume(round(fractions[0] * m) + round(fractions[1] * m) <= m)
    X, Y = labelled_data(n_x, m, seed)
    result, call = _split(impl, X, Y, fractions, seed)
    indices = trace_examples(result, X, Y, call)
    for (_, Y_set), index, name in zip(sets_of(result, X, Y, call), indices, SET_NAMES):
        for j, i in enumerate(index.tolist()):
            if not np.array_equal(Y_set[:, j], Y[:, i]):
                checks.fail(f"{call}: column {j} of X_{name} is example {i} (column {i} of X), whose "
                            f"label is Y[:, {i}] = {Y[:, i].tolist()}, but Y_{name}[:, {j}] = "
                            f"{Y_set[:, j].tolist()}. Shuffle X and Y with ONE permutation, "
                            "X[:, permutation] and Y[:, permutation], so each label stays with its example")


@graded(SPLIT, points=1)
def test_split_dataset_sizes_are_rounded_fractions(impl):
    # No case lands on an exact half (f * m = k + 0.5), where rounding conventions differ.
    for m, fractions in ((10, (0.6, 0.2, 0.2)), (7, (0.6, 0.2, 0.2)), (9, (0.6, 0.2, 0.2)),
                         (13, (0.7, 0.15, 0.15)), (1000, (0.98, 0.01, 0.01)), (3, (0.0, 0.0, 1.0))):
        X, Y = labelled_data(2, m, seed=m)
        result, call = _split(impl, X, Y, fractions, seed=1)
        sets_of(result, X, Y, call)
        checks.check_close(split_sizes(result), expected_sizes(m, fractions), call=call,
                           name="the list of sizes [m_train, m_dev, m_test]", rtol=0, atol=0,
                           mistakes=checks.known_mistakes(SPLIT, X, Y, fractions, seed=1, pick=split_sizes))


@graded(SPLIT, points=1)
def test_split_dataset_is_reproducible_by_seed(impl):
    X, Y = labelled_data(3, 50, seed=11)
    call = checks.call("split_dataset", X=X, Y=Y)
    with observe() as seen:
        runs = {label: checks.unpack(impl.split_dataset(X, Y, **kwargs), SPLIT_NAMES, call=call)
                for label, kwargs in (("seed=3", {"seed": 3}), ("seed=3 again", {"seed": 3}),
                                      ("seed=4", {"seed": 4}), ("no seed", {}), ("seed=0", {"seed": 0}))}
    if seen.numpy_global_random:
        checks.fail(f"{call} used NumPy's global random state (np.random.seed, np.random.permutation...). "
                    "Draw from a local generator, rng = np.random.RandomState(seed), so the caller's "
                    "random numbers stay as they were")
    runs = {label: {name: checks.to_array(a, call=call, name=name) for a, name in zip(parts, SPLIT_NAMES)}
            for label, parts in runs.items()}

    def same(a: str, b: str) -> bool:
        return checks.same(runs[a], runs[b], rtol=0, atol=0)

    if not same("seed=3", "seed=3 again"):
        checks.fail(f"{call}: two calls with seed=3 gave different splits; the permutation must come "
                    "from a generator seeded with the seed argument, np.random.RandomState(seed)")
    if not same("no seed", "seed=0"):
        checks.fail(f"{call}: a call without seed and one with seed=0 gave different splits; the default is seed=0")
    if same("seed=3", "seed=4"):
        # A valid split of 50 examples repeats for another seed with probability about 1/50!.
        checks.fail(f"{call}: seed=3 and seed=4 gave the same split; the seed argument must seed the permutation")


@graded(SPLIT, points=1)
def test_split_dataset_shuffles_before_splitting(impl):
    # Stored sorted by class: 500 examples of class 0, then 500 of class 1. Shuffled by any valid
    # permutation, the number of class-1 examples in a set of size N is hypergeometric
    # (M=1000, n=500, N). Each of the four tails below has probability <= 2.5e-7, so a correct
    # implementation fails with probability <= 1e-6.
    m, q = 1000, 2.5e-7
    Y = np.repeat([0, 1], m // 2).reshape(1, m)
    X = np.vstack([np.arange(m, dtype=float), Y[0].astype(float)])
    result, call = _split(impl, X, Y, (0.6, 0.2, 0.2), seed=0)
    call += " on data sorted by class (500 of class 0, then 500 of class 1)"
    for (X_set, _), name, size in zip(sets_of(result, X, Y, call)[:2], SET_NAMES, (600, 200)):
        if X_set.shape[1] != size:
            checks.fail(f"{call}: X_{name} holds {X_set.shape[1]} examples, expected {size}")
        ones = int(X_set[1].sum())
        distribution = hypergeom(m, m // 2, size)
        low, high = int(distribution.ppf(q)), int(distribution.isf(q))  # P(X < low), P(X > high) <= q
        if not low <= ones <= high:
            checks.fail(f"{call}: the {name} set holds {ones} examples of class 1 out of {size}; a shuffled "
                        f"split holds between {low} and {high}. Shuffle the columns with a random "
                        "permutation before cutting them into sets: data are often stored sorted")


@mutant(SPLIT, "shuffling X and Y with two different permutations")
def split_two_permutations(ref):
    return rewrite(ref, "split_dataset", "Y[:, permutation]", "Y[:, rng.permutation(m)]")


@mutant(SPLIT, "no shuffling (the sets are consecutive columns in their stored order)")
def split_no_shuffle(ref):
    return rewrite(ref, "split_dataset", "permutation = rng.permutation(m)", "permutation = np.arange(m)")


@mutant(SPLIT, "a test set of round(fractions[2] * m) examples, which can leave examples out")
def split_rounded_test_set(ref):
    return rewrite(ref, "split_dataset", "shuffled_X[:, end_dev:], shuffled_Y[:, end_dev:]",
                   "shuffled_X[:, end_dev:end_dev + round(fractions[2] * m)], "
                   "shuffled_Y[:, end_dev:end_dev + round(fractions[2] * m)]")


@mutant(SPLIT, "sizes int(f * m) (rounded down) instead of round(f * m)")
def split_floor_sizes(ref):
    return rewrite(ref, "split_dataset", "(round(f * m) for f in fractions[:2])", "(int(f * m) for f in fractions[:2])")


@mutant(SPLIT, "a test set drawn with a second permutation (overlapping the training and dev sets)")
def split_test_second_permutation(ref):
    return rewrite(ref, "split_dataset", "shuffled_X[:, end_dev:], shuffled_Y[:, end_dev:]",
                   "X[:, rng.permutation(m)[:m - end_dev]], Y[:, rng.permutation(m)[:m - end_dev]]")


@mutant(SPLIT, "the dev set starting one column early (overlapping the training set)")
def split_dev_off_by_one(ref):
    return rewrite(ref, "split_dataset", "shuffled_X[:, m_train:end_dev], shuffled_Y[:, m_train:end_dev]",
                   "shuffled_X[:, m_train - 1:end_dev - 1], shuffled_Y[:, m_train - 1:end_dev - 1]")


@mutant(SPLIT, "NumPy's global random state reseeded (np.random.seed) instead of a local RandomState(seed)")
def split_global_seed(ref):
    return rewrite(ref, "split_dataset", "rng = np.random.RandomState(seed)", "np.random.seed(seed); rng = np.random")


@mutant(SPLIT, "ignoring the seed argument (always seed 0)")
def split_ignores_seed(ref):
    return rewrite(ref, "split_dataset", "rng = np.random.RandomState(seed)", "rng = np.random.RandomState(0)")


@mutant(SPLIT, "shuffling the caller's X and Y in place")
def split_in_place(ref):
    return rewrite(ref, "split_dataset", "shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]",
                   "X[:], Y[:] = X[:, permutation], Y[:, permutation]; shuffled_X, shuffled_Y = X, Y")
