"""The graded tests of c2w3_tensorflow_intro.minimize_cost_eager, and the mutants they must catch."""

from __future__ import annotations

from grader import graded, mutant, rewrite
from tests.c2w3_tensorflow_intro.oracles import (check_course_example, check_iterates, check_minimum, TASK)


@graded(TASK + "minimize_cost_eager", points=1)
def test_minimize_cost_eager_course_example_one_step(impl):
    check_course_example(impl, "minimize_cost_eager")


@graded(TASK + "minimize_cost_eager", points=2)
def test_minimize_cost_eager_matches_gradient_descent_iterates(impl):
    check_iterates(impl, "minimize_cost_eager")


@graded(TASK + "minimize_cost_eager", points=1)
def test_minimize_cost_eager_reaches_the_closed_form_minimum(impl):
    check_minimum(impl, "minimize_cost_eager")


@mutant(TASK + "minimize_cost_eager", "applying -gradient (gradient ascent)")
def eager_ascent(ref):
    return rewrite(ref, "minimize_cost_eager", "[(gradient, w)]", "[(-gradient, w)]")


@mutant(TASK + "minimize_cost_eager", "a one-sided difference quotient (J(w + 0.01) - J(w)) / 0.01 instead of the tape's gradient")
def eager_one_sided_difference(ref):
    return rewrite(ref, "minimize_cost_eager", "gradient = tape.gradient(cost, w)",
                   "gradient = (x[0][0] * (w + 0.01)**2 + x[1][0] * (w + 0.01) + x[2][0] - cost) / 0.01")


@mutant(TASK + "minimize_cost_eager", "one step too many (a loop that runs once too often)")
def eager_off_by_one(ref):
    return rewrite(ref, "minimize_cost_eager", "range(num_iterations)", "range(num_iterations + 1)")


@mutant(TASK + "minimize_cost_eager", "one step too few (a loop that runs once too few)")
def eager_one_step_short(ref):
    return rewrite(ref, "minimize_cost_eager", "range(num_iterations)", "range(num_iterations - 1)")


@mutant(TASK + "minimize_cost_eager", "the cost x0*w**2/2 + x1*w + x2 (the gradient loses its factor 2)")
def eager_no_factor_two(ref):
    return rewrite(ref, "minimize_cost_eager", "cost = x[0][0] * w**2 + x[1][0] * w + x[2][0]",
                   "cost = x[0][0] * w**2 / 2 + x[1][0] * w + x[2][0]")
