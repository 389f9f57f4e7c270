"""The graded tests of c2w1_regularization.compute_cost_with_regularization, and the mutants they must catch."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from grader import checks, graded, mutant, rewrite
from tests.c2w1_regularization.oracles import (COST, COURSE_COST, course_cost_case, keras_l2_cost,
                                               random_problem, tf_plain_forward)


def _check_cost(impl, A3, Y, parameters, lambd, expected, **tolerance) -> None:
    call = checks.call("compute_cost_with_regularization", A3=A3, Y=Y, parameters=parameters, lambd=lambd)
    cost = impl.compute_cost_with_regularization(A3, Y, parameters, lambd)
    checks.check_scalar(cost, expected, call=call, name="the cost",
                        mistakes=checks.known_mistakes(COST, A3, Y, parameters, lambd), **tolerance)


@graded(COST, points=2)
def test_compute_cost_with_regularization_matches_keras_l2(impl):
    X, Y, parameters = random_problem(n_x=4, n1=5, n2=3, m=7, seed=1)
    A3 = tf_plain_forward(X, parameters)
    # the oracle: BinaryCrossentropy + keras.regularizers.L2(lambd / (2m)) on W1, W2 and W3
    _check_cost(impl, A3, Y, parameters, 0.7, keras_l2_cost(A3, Y, parameters, 0.7))


@graded(COST, points=1)
@settings(max_examples=15)
@given(n_x=st.integers(1, 5), n1=st.integers(1, 6), n2=st.integers(1, 4), m=st.integers(1, 9),
       lambd=st.sampled_from([0.0, 0.05, 1.0, 7.5]), seed=st.integers(0, 2**16))
def test_compute_cost_with_regularization_penalises_every_weight_matrix(impl, n_x, n1, n2, m, lambd, seed):
    X, Y, parameters = random_problem(n_x, n1, n2, m, seed)
    A3 = tf_plain_forward(X, parameters)
    _check_cost(impl, A3, Y, parameters, lambd, keras_l2_cost(A3, Y, parameters, lambd))


@graded(COST, points=1)
def test_compute_cost_with_regularization_reproduces_the_course(impl):
    A3, Y, parameters = course_cost_case()
    # the course prints 1.78648594516 (12 significant digits)
    _check_cost(impl, A3, Y, parameters, 0.1, COURSE_COST, rtol=0.0, atol=1e-11)


@mutant(COST, "L2 cost with lambda/m instead of lambda/(2m)")
def cost_lambda_over_m(ref):
    return rewrite(ref, "compute_cost_with_regularization", "lambd / (2 * m)", "lambd / m")


@mutant(COST, "the L2 penalty without W3 (forgetting a layer)")
def cost_forgets_w3(ref):
    return rewrite(ref, "compute_cost_with_regularization", " + np.sum(np.square(W3))", "")


@mutant(COST, "a penalty on the biases too (the course penalises only the weights W)")
def cost_penalises_biases(ref):
    return rewrite(ref, "compute_cost_with_regularization", "np.sum(np.square(W3)))",
                   "np.sum(np.square(W3))\n        + sum(np.sum(np.square(parameters[f'b{l}'])) for l in (1, 2, 3)))")


@mutant(COST, "the square of each matrix's sum, np.sum(W)**2, instead of the sum of its squares")
def cost_square_of_sum(ref):
    return rewrite(ref, "compute_cost_with_regularization",
                   "(np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3)))",
                   "(np.sum(W1) ** 2 + np.sum(W2) ** 2 + np.sum(W3) ** 2)")


@mutant(COST, "m = A3.shape[0] (the one output unit) instead of the number of examples")
def cost_m_from_rows(ref):
    return rewrite(ref, "compute_cost_with_regularization", "m = Y.shape[1]", "m = A3.shape[0]")


@mutant(COST, "the L2 penalty alone, without the cross-entropy")
def cost_penalty_only(ref):
    return rewrite(ref, "compute_cost_with_regularization", "float(cross_entropy_cost + L2_regularization_cost)",
                   "float(L2_regularization_cost)")


@mutant(COST, "a 0-d NumPy array instead of a Python float")
def cost_array(ref):
    return rewrite(ref, "compute_cost_with_regularization", "float(cross_entropy_cost + L2_regularization_cost)",
                   "np.array(cross_entropy_cost + L2_regularization_cost)")
