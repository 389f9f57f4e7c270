"""The graded tests of c1w2_logistic_regression.propagate, and the mutants they must catch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c1w2_logistic_regression.oracles import (COURSE_CASES, TASK, check_dict, check_number,
                                                    cost_and_gradients, fastest, random_problem)


def _check_propagate(impl, w, b, X, Y, call: str, expected: tuple[float, np.ndarray, float],
                     rtol: float = 1e-7) -> None:
    """propagate(w, b, X, Y) against (cost, dw, db), each mistake named where a mutant gives it."""
    grads, cost = checks.unpack(impl.propagate(w, b, X, Y), ("grads", "cost"), call=call)
    J, dw, db = expected
    check_dict(grads, ("dw", "db"), call=call, name="grads")

    def mistakes(pick):
        return checks.known_mistakes(TASK + "propagate", w, b, X, Y, pick=pick)
    checks.check_close(grads["dw"], dw, call=call, name='grads["dw"]', rtol=rtol,
                       mistakes=mistakes(lambda out: out[0]["dw"]))
    check_number(grads["db"], db, call=call, name='grads["db"]', rtol=rtol, mistakes=mistakes(lambda out: out[0]["db"]))
    check_number(cost, J, call=call, name="the cost", rtol=rtol, mistakes=mistakes(lambda out: out[1]))


@graded(TASK + "propagate", points=3)
def test_propagate_matches_gradient_tape(impl):
    w, b, X, Y = random_problem(4, 9, seed=1)
    call = checks.call("propagate", w=w, b=b, X=X, Y=Y)
    _check_propagate(impl, w, b, X, Y, call, cost_and_gradients(w, b, X, Y))


@graded(TASK + "propagate", points=1)
@settings(max_examples=15)
@given(n_x=st.integers(1, 5), m=st.integers(1, 8), seed=st.integers(0, 2**16))
def test_propagate_matches_gradient_tape_for_any_sizes(impl, n_x, m, seed):
    w, b, X, Y = random_problem(n_x, m, seed)
    call = checks.call("propagate", w=w, b=b, X=X, Y=Y)
    _check_propagate(impl, w, b, X, Y, call, cost_and_gradients(w, b, X, Y))


@graded(TASK + "propagate", points=2)
def test_propagate_reproduces_the_course(impl):
    expected = {"first edition": (5.801545319394553, [[0.99845601], [2.39507239]], 0.00145557813678),
                "current edition": (0.15900537707692405, [[0.25071532], [-0.06604096]], -0.1250040450043965)}
    for edition, (w, b, X, Y) in COURSE_CASES.items():
        call = checks.call("propagate", w=w, b=b, X=X, Y=Y) + f" (the course's example, {edition})"
        _check_propagate(impl, w, b, X, Y, call, expected[edition], rtol=1e-6)


# The speed test. The student's propagate runs in a worker process, so each call's time includes
# sending X and Y through a pipe: for X (2, 100000) and Y (1, 100000), 2.4 MB of float64, that
# transfer (about 10 ms here, and noisy under load) costs ~20x the computation itself (~0.5 ms
# in-process). So the baseline is the same student's propagate on the same number of bytes with
# 100 times fewer examples, X (299, 1000) and Y (1, 1000): the transfer cancels out, and what is
# left is the cost per example. Vectorised code does the same amount of arithmetic on both
# (measured ratio 0.7 to 1.3); a Python loop over the examples pays ~3 us of interpreter time per
# example, ~300 ms on 100,000 against ~3 ms on 1,000 (measured ratio ~22, with the transfer in
# both). The bound, 5, sits ~4x above the first and ~4x below the second. Each time is the fastest
# of up to SPEED_ATTEMPTS alternating calls (load on the machine only ever adds time); correct code
# passes on its first undisturbed pair. Under heavy CPU contention the pipe's transfer alone can
# grow to ~70 ms, which hides a loop's ratio; what the wide call takes *more* than the narrow one
# does not grow with the transfer: ~0 for vectorised code, ~300 ms for the loop (~100 ms on the
# fastest machines), so more than SPEED_EXTRA_S fails too. No limit on a call's own wall time.
SPEED_M, SPEED_NARROW, SPEED_RATIO, SPEED_EXTRA_S, SPEED_ATTEMPTS = 100_000, 1_000, 5.0, 0.05, 5


def _vectorized_propagate(w, b, X, Y):
    """The in-process NumPy computation, timed only to tell the student how long it takes."""
    m = X.shape[1]
    A = 1.0 / (1.0 + np.exp(-(w.T @ X + b)))
    return X @ (A - Y).T / m, np.sum(A - Y) / m, -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m


@graded(TASK + "propagate", points=2)
def test_propagate_is_vectorized(impl):
    w, b, X, Y = random_problem(2, SPEED_M, seed=5, scale=0.5)
    n_wide = 3 * SPEED_M // SPEED_NARROW - 1  # (n_wide + 1) * 1000 = (2 + 1) * 100000 numbers sent
    w2, b2, X2, Y2 = random_problem(n_wide, SPEED_NARROW, seed=6, scale=0.05)
    call = checks.call("propagate", w=w, b=b, X=X, Y=Y)
    impl.propagate(w, b, X[:, :100], Y[:, :100])  # warm up the worker and the student's module
    many = few = numpy = float("inf")
    for _ in range(SPEED_ATTEMPTS):
        seconds, result = fastest(lambda: impl.propagate(w, b, X, Y), 1)
        many = min(many, seconds)
        few = min(few, fastest(lambda: impl.propagate(w2, b2, X2, Y2), 1)[0])
        numpy = min(numpy, fastest(lambda: _vectorized_propagate(w, b, X, Y), 3)[0])
        if many <= SPEED_RATIO * few and many - few <= SPEED_EXTRA_S:
            break
    else:
        checks.fail(f"{call}: took {many * 1e3:.0f} ms at best, {many / few:.0f}x the {few * 1e3:.1f} ms of "
                    f"propagate on as many numbers but 100 times fewer examples, X of shape {X2.shape} "
                    f"(allowed: {SPEED_RATIO:.0f}x and {SPEED_EXTRA_S * 1e3:.0f} ms more; vectorised code takes "
                    "about as long on both, and NumPy "
                    f"itself needs {numpy * 1e3:.1f} ms for these 100,000 examples). Is there a Python loop over "
                    "the examples? Compute all m examples at once: A = sigmoid(w.T @ X + b), "
                    "dw = X @ (A - Y).T / m, and np.sum for the cost and db.")
    J, dw, db = cost_and_gradients(w, b, X, Y)
    grads, cost = checks.unpack(result, ("grads", "cost"), call=call)
    check_dict(grads, ("dw", "db"), call=call, name="grads")
    checks.check_close(grads["dw"], dw, call=call, name='grads["dw"]', rtol=1e-6)
    checks.check_close(cost, J, call=call, name="the cost", rtol=1e-6)


@mutant(TASK + "propagate", "the cost summed over the examples instead of averaged (a missing 1/m)")
def propagate_cost_summed(ref):
    return rewrite(ref, "propagate", "np.log(1 - A)) / m", "np.log(1 - A))")


@mutant(TASK + "propagate", "the cost without its minus sign (the log-likelihood, which gradient descent would raise)")
def propagate_cost_sign(ref):
    return rewrite(ref, "propagate", "cost = -np.sum(", "cost = np.sum(")


@mutant(TASK + "propagate", "the cost without the (1 - Y)·log(1 - A) term (only the examples with y = 1 counted)")
def propagate_cost_half(ref):
    return rewrite(ref, "propagate", "np.log(A) + (1 - Y) * np.log(1 - A))", "np.log(A))")


@mutant(TASK + "propagate", "dw = (A - Y)·Xᵀ / m, a (1, n_x) row instead of the (n_x, 1) column")
def propagate_dw_row(ref):
    return rewrite(ref, "propagate", "dw = X @ (A - Y).T / m", "dw = (A - Y) @ X.T / m")


@mutant(TASK + "propagate", "dw = X·(A - Y) / m without the transpose")
def propagate_dw_no_transpose(ref):
    return rewrite(ref, "propagate", "dw = X @ (A - Y).T / m", "dw = np.dot(X, A - Y) / m")


@mutant(TASK + "propagate", "dw without the 1/m")
def propagate_dw_summed(ref):
    return rewrite(ref, "propagate", "dw = X @ (A - Y).T / m", "dw = X @ (A - Y).T")


@mutant(TASK + "propagate", "db without the 1/m")
def propagate_db_summed(ref):
    return rewrite(ref, "propagate", "db = np.sum(A - Y) / m", "db = np.sum(A - Y)")


@mutant(TASK + "propagate", "the cost left as the (1, 1) array that np.dot(Y, np.log(A).T) makes (no float() or np.squeeze)")
def propagate_cost_array(ref):
    def propagate(w, b, X, Y):
        grads, cost = ref.propagate(w, b, X, Y)
        return grads, np.array([[cost]])
    return propagate


@mutant(TASK + "propagate", "a Python loop over the examples (right values, hundreds of times slower)")
def propagate_loop(ref):
    def propagate(w, b, X, Y):
        w, b, X = np.asarray(w, float), float(b), np.asarray(X, float)
        Y = np.asarray(Y, float)
        m = X.shape[1]
        cost, dw, db = 0.0, np.zeros_like(w), 0.0
        for i in range(m):
            a = ref.sigmoid(float(w[:, 0] @ X[:, i]) + b)
            cost -= Y[0, i] * np.log(a) + (1 - Y[0, i]) * np.log(1 - a)
            dw += X[:, i:i + 1] * (a - Y[0, i])
            db += a - Y[0, i]
        return {"dw": dw / m, "db": float(db / m)}, float(cost / m)
    return propagate


@mutant(TASK + "propagate", "a vectorised forward pass but a Python loop over the examples for dw and db")
def propagate_backward_loop(ref):
    def propagate(w, b, X, Y):
        X, Y = np.asarray(X, float), np.asarray(Y, float)
        m = X.shape[1]
        A = ref.sigmoid(np.asarray(w, float).T @ X + b)
        cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
        dZ = A - Y
        dw, db = np.zeros((X.shape[0], 1)), 0.0
        for i in range(m):
            dw[:, 0] += X[:, i] * dZ[0, i]
            db += dZ[0, i]
        return {"dw": dw / m, "db": float(db / m)}, float(cost)
    return propagate
