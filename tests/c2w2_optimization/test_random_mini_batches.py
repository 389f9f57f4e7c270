"""The graded tests of c2w2_optimization.random_mini_batches, and the mutants they must catch."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given, settings, strategies as st

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w2_optimization.oracles import TASK

FUNCTION = TASK + "random_mini_batches"


def _batches(result, count: int, call: str, mistakes: checks.KnownMistakes | None = None,
             ) -> list[tuple[np.ndarray, np.ndarray]]:
    """The result as ``count`` (mini_batch_X, mini_batch_Y) pairs of arrays, or a failure (naming the
    known mistake that gives the same mini-batches, if any)."""
    if not isinstance(result, (list, tuple)):
        checks.fail(f"{call} should return a list of (mini_batch_X, mini_batch_Y) tuples, "
                    f"got {type(result).__name__}")
    if len(result) != count:
        checks.fail(f"{call} returned {len(result)} mini-batches, expected {count} = ceil(m / mini_batch_size): "
                    "every full mini-batch, then one smaller mini-batch with the examples left over (if any)"
                    + (mistakes.equal_to(result) if mistakes is not None else ""))
    pairs = []
    for k, batch in enumerate(result):
        if not isinstance(batch, (list, tuple)) or len(batch) != 2:
            checks.fail(f"{call}: mini-batch {k} should be a tuple (mini_batch_X, mini_batch_Y), "
                        f"got {type(batch).__name__}")
        pairs.append((checks.to_array(batch[0], call=call, name=f"mini-batch {k}'s X"),
                      checks.to_array(batch[1], call=call, name=f"mini-batch {k}'s Y")))
    return pairs


def _labelled_examples(n_x: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """X (n_x, m) whose column j starts with j (so a column can be traced), Y (1, m) = 10·j + 0.5."""
    rng = np.random.default_rng(seed)
    X = np.vstack([np.arange(m, dtype=np.float64), rng.normal(size=(n_x - 1, m))])
    Y = 10.0 * np.arange(m, dtype=np.float64)[None, :] + 0.5
    return X, Y


@graded(FUNCTION, points=3)
@settings(max_examples=15)
@given(m=st.integers(1, 40), size=st.integers(1, 12), seed=st.integers(0, 2**16))
# A smaller last batch, an exact division (no empty or extra batch), a batch size larger than m
# (one batch of everything), and single examples:
@example(m=23, size=5, seed=0)
@example(m=20, size=5, seed=3)
@example(m=7, size=10, seed=1)
@example(m=4, size=1, seed=2)
def test_random_mini_batches_holds_every_example_once_with_its_label(impl, m, size, seed):
    X, Y = _labelled_examples(3, m, seed)
    call = checks.call("random_mini_batches", X=X, Y=Y, mini_batch_size=size, seed=seed)
    result = impl.random_mini_batches(X, Y, size, seed)
    mistakes = checks.known_mistakes(FUNCTION, X, Y, size, seed)
    batches = _batches(result, math.ceil(m / size), call, mistakes)
    for k, (mini_X, mini_Y) in enumerate(batches):
        width = size if k < len(batches) - 1 else m - size * (len(batches) - 1)
        what = "a full mini-batch" if width == size else "the last mini-batch, the examples left over"
        if mini_X.shape != (3, width) or mini_Y.shape != (1, width):
            checks.fail(f"{call}: mini-batch {k} has X of shape {mini_X.shape} and Y of shape {mini_Y.shape}, "
                        f"expected (3, {width}) and (1, {width}) ({what}; one example per column)"
                        + mistakes.equal_to(result))
        columns = mini_X[0].astype(int)
        if not (np.all(mini_X[0] == columns) and np.all((0 <= columns) & (columns < m))):
            checks.fail(f"{call}: mini-batch {k}'s X holds columns that are not columns of X (row 0 of "
                        "column j of X is j): shuffle whole columns, X[:, permutation], not rows or entries")
        checks.check_close(mini_X, X[:, columns], call=call,
                           name=f"mini-batch {k}'s X (each column must be a whole column of X, rows in order)")
        checks.check_close(mini_Y, Y[:, columns], call=call,
                           name=f"mini-batch {k}'s Y (the labels of the examples in its X, in the same order)",
                           mistakes=checks.known_mistakes(FUNCTION, X, Y, size, seed,
                                                          pick=lambda out, k=k: out[k][1]))
    seen_columns = np.concatenate([b[0][0] for b in batches]).astype(int)
    if sorted(seen_columns) != list(range(m)):
        checks.fail(f"{call}: the mini-batches hold the columns {sorted(seen_columns)}, expected each of the "
                    f"{m} examples exactly once")


@graded(FUNCTION, points=1)
def test_random_mini_batches_shuffles_from_its_own_seed(impl):
    X, Y = _labelled_examples(2, 50, 4)
    call = checks.call("random_mini_batches", X=X, Y=Y, mini_batch_size=50, seed=7)
    with observe() as seen:
        first_result = impl.random_mini_batches(X, Y, 50, 7)
        first = _batches(first_result, 1, call)
        again = _batches(impl.random_mini_batches(X, Y, 50, 7), 1, call)
        other = _batches(impl.random_mini_batches(X, Y, 50, 8), 1, call.replace("seed=7", "seed=8"))
    if seen.numpy_global_random:
        checks.fail(f"{call} used NumPy's global random state (np.random.seed / np.random.permutation): "
                    "draw the permutation from a local np.random.RandomState(seed) instead, which gives the "
                    "course's permutation without changing anyone else's random numbers")
    order, order_again, order_other = (b[0][0][0] for b in (first, again, other))
    # A correct shuffle of 50 columns gives the identity, or two seeds the same order, with
    # probability 1/50! (about 3e-65): only a missing or seed-ignoring shuffle fails here.
    if np.array_equal(order, np.arange(50)):
        checks.fail(f"{call}: the examples come back in their original order: shuffle the columns with one "
                    "permutation of range(m) before partitioning"
                    + checks.known_mistakes(FUNCTION, X, Y, 50, 7).equal_to(first_result))
    if not np.array_equal(order, order_again):
        checks.fail(f"{call} twice gave different mini-batches: draw the permutation from "
                    "np.random.RandomState(seed), so that the same seed gives the same mini-batches")
    if np.array_equal(order, order_other):
        checks.fail(f"{call} and the same call with seed=8 gave the same order: the permutation must come "
                    "from the seed argument")


@graded(FUNCTION, points=2)
def test_random_mini_batches_reproduces_the_course(impl):
    # The course's test case (earlier notebook): np.random.seed(1); X = randn(12288, 148);
    # Y = randn(1, 148) < 0.5; mini_batch_size = 64; the permutation from seed 0.
    rng = np.random.RandomState(1)
    X, Y = rng.randn(12288, 148), rng.randn(1, 148) < 0.5
    call = checks.call("random_mini_batches", X=X, Y=Y, mini_batch_size=64) + " (the course's test case, seed=0)"
    batches = _batches(impl.random_mini_batches(X, Y, 64), 3, call)
    for k, width in enumerate((64, 64, 20)):
        checks.check_shape(batches[k][0], (12288, width), call=call, name=f"mini-batch {k}'s X")
        checks.check_shape(batches[k][1], (1, width), call=call, name=f"mini-batch {k}'s Y")
    checks.check_close(batches[0][0][0][0:3], [0.90085595, -0.7612069, 0.2344157], call=call,
                       name="mini_batches[0][0][0][0:3] (the course's 'mini batch sanity check')", rtol=1e-6,
                       mistakes=checks.known_mistakes(FUNCTION, X, Y, 64, pick=lambda out: out[0][0][0][0:3]))

    # The current notebook's check: X = the numbers 0..nx*m-1, one example (nx numbers) per column.
    nx, m = 12288, 148
    X = np.arange(nx * m).reshape((m, nx)).T
    Y = np.random.RandomState(1).randn(1, m) < 0.5
    call = checks.call("random_mini_batches", X=X, Y=Y, mini_batch_size=64) + " (X numbered 0..nx*m-1, seed=0)"
    batches = _batches(impl.random_mini_batches(X, Y, 64), 3, call)
    checks.check_close(batches[0][0][0][0:3], [294912, 86016, 454656], call=call, name="mini_batches[0][0][0][0:3]",
                       mistakes=checks.known_mistakes(FUNCTION, X, Y, 64, pick=lambda out: out[0][0][0][0:3]))
    checks.check_close(batches[-1][0][-1][0:3], [1425407, 1769471, 897023], call=call,
                       name="mini_batches[-1][0][-1][0:3]")

    # The current notebook's public test: np.random.seed(1); X = randn(5, 7); Y = randn(1, 7) < 0.5.
    rng = np.random.RandomState(1)
    X, Y = rng.randn(5, 7), rng.randn(1, 7) < 0.5
    call = checks.call("random_mini_batches", X=X, Y=Y, mini_batch_size=2) + " (the course's public test)"
    batches = _batches(impl.random_mini_batches(X, Y, 2), 4, call)
    first_rows = [[1.74481176, -0.52817175], [-0.61175641, -1.07296862], [1.62434536, -2.3015387], [0.86540763]]
    labels = [[True, True], [True, False], [True, True], [False]]
    for k, (row, label) in enumerate(zip(first_rows, labels)):
        checks.check_close(batches[k][0][0], row, call=call, name=f"mini-batch {k}'s X[0]", rtol=1e-6)
        checks.check_close(batches[k][1][0], label, call=call, name=f"mini-batch {k}'s Y[0]")


@mutant(FUNCTION, "shuffling X and Y with two different permutations (the labels no longer match their examples)")
def mini_batches_two_permutations(ref):
    return rewrite(ref, "random_mini_batches", "shuffled_Y = Y[:, permutation]",
                   "shuffled_Y = Y[:, np.random.RandomState(seed + 1).permutation(m)]")


@mutant(FUNCTION, "dropping the last, smaller mini-batch")
def mini_batches_drop_last(ref):
    return rewrite(ref, "random_mini_batches", "for start in range(0, m, mini_batch_size):",
                   "for start in range(0, m - mini_batch_size + 1, mini_batch_size):")


@mutant(FUNCTION, "slicing rows, shuffled_X[k:k + size], instead of columns, shuffled_X[:, k:k + size]")
def mini_batches_rows(ref):
    return rewrite(ref, "random_mini_batches", "(shuffled_X[:, start:end], shuffled_Y[:, start:end])",
                   "(shuffled_X[start:end], shuffled_Y[start:end])")


@mutant(FUNCTION, "partitioning without shuffling")
def mini_batches_no_shuffle(ref):
    return rewrite(ref, "random_mini_batches", "permutation = np.random.RandomState(seed).permutation(m)",
                   "permutation = np.arange(m)")


@mutant(FUNCTION, "a last mini-batch X[:, -(m % size):] that holds every example when size divides m")
def mini_batches_minus_zero(ref):
    def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
        X, Y = np.asarray(X), np.asarray(Y)
        m = X.shape[1]
        permutation = np.random.RandomState(seed).permutation(m)
        shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
        batches = [(shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                    shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size])
                   for k in range(m // mini_batch_size)]
        batches.append((shuffled_X[:, -(m % mini_batch_size):], shuffled_Y[:, -(m % mini_batch_size):]))
        return batches
    return random_mini_batches


@mutant(FUNCTION, "np.random.seed(seed) and np.random.permutation (NumPy's global random state)")
def mini_batches_global_random(ref):
    def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
        np.random.seed(seed)
        np.random.permutation(np.shape(X)[1])  # the course's draw, from the global state
        return ref.random_mini_batches(X, Y, mini_batch_size, seed)
    return random_mini_batches
