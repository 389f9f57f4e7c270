"""The graded tests of c1w2_logistic_regression.optimize, and the mutants they must catch."""

from __future__ import annotations

from grader import checks, graded, mutant, observe, rewrite
from tests.c1w2_logistic_regression.oracles import (COURSE_CASES, TASK, check_dict, check_number,
                                                    gradient_descent, random_problem)


def _check_optimize(impl, w, b, X, Y, num_iterations: int, learning_rate: float, expected: dict,
                    expected_costs: list[float], note: str = "", rtol: float = 1e-7) -> None:
    """optimize(...) against the expected w, b, dw, db and costs, naming a known mistake."""
    call = checks.call("optimize", w=w, b=b, X=X, Y=Y, num_iterations=num_iterations,
                       learning_rate=learning_rate) + note
    result = impl.optimize(w, b, X, Y, num_iterations, learning_rate, False)
    params, grads, costs = checks.unpack(result, ("params", "grads", "costs"), call=call)
    check_dict(params, ("w", "b"), call=call, name="params")
    check_dict(grads, ("dw", "db"), call=call, name="grads")

    def mistakes(pick):
        return checks.known_mistakes(TASK + "optimize", w, b, X, Y, num_iterations, learning_rate, False, pick=pick)
    checks.check_close(params["w"], expected["w"], call=call, name='params["w"]', rtol=rtol,
                       mistakes=mistakes(lambda out: out[0]["w"]))
    check_number(params["b"], expected["b"], call=call, name='params["b"]', rtol=rtol,
                 mistakes=mistakes(lambda out: out[0]["b"]))
    last = " (the gradients of the last iteration, at the parameters before its update)"
    checks.check_close(grads["dw"], expected["dw"], call=call, name='grads["dw"]' + last, rtol=rtol,
                       mistakes=mistakes(lambda out: out[1]["dw"]))
    check_number(grads["db"], expected["db"], call=call, name='grads["db"]' + last, rtol=rtol,
                 mistakes=mistakes(lambda out: out[1]["db"]))
    if not isinstance(costs, list):
        checks.fail(f"{call}: costs should be a list (one cost per 100 iterations), got {type(costs).__name__}")
    checks.check_close(costs, expected_costs, call=call, rtol=rtol,
                       name="costs (the costs at iterations 0, 100, 200, ..., before that iteration's update)",
                       mistakes=mistakes(lambda out: out[2]))


@graded(TASK + "optimize", points=3)
def test_optimize_follows_gradient_descent(impl):
    w, b, X, Y = random_problem(3, 12, seed=2)
    states, costs = gradient_descent(w, b, X, Y, 250, 0.1)
    for steps in (1, 2, 5, 250):  # step by step, then far enough for three recorded costs
        _check_optimize(impl, w, b, X, Y, steps, 0.1, states[steps - 1], costs[:(steps + 99) // 100],
                        note=" (expected: Keras SGD on the mean binary cross-entropy, via GradientTape)")


@graded(TASK + "optimize", points=2)
def test_optimize_reproduces_the_course(impl):
    expected = {"first edition": ({"w": [[0.19033591], [0.12259159]], "b": 1.92535983008,
                                   "dw": [[0.67752042], [1.41625495]], "db": 0.219194504541}, [5.801545319394553]),
                "current edition": ({"w": [[0.80956046], [2.0508202]], "b": 1.5948713189708588,
                                     "dw": [[0.17860505], [-0.04840656]], "db": -0.08888460336847771},
                                    [0.15900537707692405])}
    for edition, (w, b, X, Y) in COURSE_CASES.items():
        _check_optimize(impl, w, b, X, Y, 100, 0.009, *expected[edition],
                        note=f" (the course's example, {edition})", rtol=1e-6)


@graded(TASK + "optimize", points=1)
def test_optimize_leaves_the_callers_w_alone(impl):
    w, b, X, Y = random_problem(3, 12, seed=4)
    call = checks.call("optimize", w=w, b=b, X=X, Y=Y, num_iterations=3, learning_rate=0.1)
    with observe() as seen:
        impl.optimize(w, b, X, Y, 3, 0.1)
    if seen.changed(w):
        checks.fail(f"{call} changed the caller's w in place (w -= ...): the caller's initial "
                    "parameters are gone. Write w = w - learning_rate * dw, which makes a new array.")
    if seen.changed(X) or seen.changed(Y):
        checks.fail(f"{call} changed X or Y in place: optimize only reads the data")


@graded(TASK + "optimize", points=1)
def test_optimize_prints_only_when_asked(impl):
    w, b, X, Y = random_problem(3, 12, seed=4)
    call = checks.call("optimize", w=w, b=b, X=X, Y=Y, num_iterations=201, learning_rate=0.1)
    with observe() as quiet:
        impl.optimize(w, b, X, Y, 201, 0.1)
    if quiet.printed:
        checks.fail(f"{call} printed {quiet.printed[:80]!r} with print_cost=False (the default): "
                    "print only when print_cost is True")
    with observe() as loud:
        impl.optimize(w, b, X, Y, 201, 0.1, print_cost=True)
    if not all(str(i) in loud.printed for i in (0, 100, 200)):
        call = checks.call("optimize", w=w, b=b, X=X, Y=Y, num_iterations=201, learning_rate=0.1, print_cost=True)
        checks.fail(f"{call} printed {loud.printed[:120]!r}: expected the cost "
                    "every 100 iterations, e.g. 'Cost after iteration 0: ...', '... 100: ...', '... 200: ...'")


@mutant(TASK + "optimize", "recording the cost at every iteration instead of every 100")
def optimize_costs_every_iteration(ref):
    return rewrite(ref, "optimize", "if i % 100 == 0:\n            costs.append(cost)",
                   "costs.append(cost)\n        if i % 100 == 0:")


@mutant(TASK + "optimize", "updating b with dw instead of db")
def optimize_b_with_dw(ref):
    return rewrite(ref, "optimize", 'b = b - learning_rate * grads["db"]', 'b = b - learning_rate * grads["dw"]')


@mutant(TASK + "optimize", "w + learning_rate·dw, a step up the cost (gradient ascent)")
def optimize_ascent(ref):
    return rewrite(ref, "optimize", 'w = w - learning_rate * grads["dw"]', 'w = w + learning_rate * grads["dw"]')


@mutant(TASK + "optimize", "w -= learning_rate·dw, which changes the caller's w in place")
def optimize_in_place(ref):
    def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
        costs, grads = [], {"dw": None, "db": None}
        for i in range(num_iterations):
            grads, cost = ref.propagate(w, b, X, Y)
            w -= learning_rate * grads["dw"]
            b = b - learning_rate * grads["db"]
            if i % 100 == 0:
                costs.append(cost)
        return {"w": w, "b": b}, grads, costs
    return optimize


@mutant(TASK + "optimize", "printing the cost whether print_cost is True or not")
def optimize_always_prints(ref):
    return rewrite(ref, "optimize", "if print_cost:", "if True:")
