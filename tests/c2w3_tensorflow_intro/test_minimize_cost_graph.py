"""The graded tests of c2w3_tensorflow_intro.minimize_cost_graph, and the mutants they must catch."""

from __future__ import annotations

from grader import checks, graded, mutant, rewrite
from tests.c2w3_tensorflow_intro.oracles import (check_course_example, check_iterates, check_minimum, COURSE,
                                                describe_descent, gd_iterate, TASK, watched)


@graded(TASK + "minimize_cost_graph", points=1)
def test_minimize_cost_graph_course_example_one_step(impl):
    check_course_example(impl, "minimize_cost_graph")


@graded(TASK + "minimize_cost_graph", points=2)
def test_minimize_cost_graph_matches_gradient_descent_iterates(impl):
    check_iterates(impl, "minimize_cost_graph")


@graded(TASK + "minimize_cost_graph", points=1)
def test_minimize_cost_graph_reaches_the_closed_form_minimum(impl):
    check_minimum(impl, "minimize_cost_graph")


@graded(TASK + "minimize_cost_graph", points=2)
def test_minimize_cost_graph_leaves_eager_execution_and_default_graph_alone(impl):
    call = describe_descent("minimize_cost_graph", COURSE, None, 1000)
    got, problems, _ = watched(impl.minimize_cost_graph, COURSE)
    if problems:
        checks.fail(f"{call}: " + "; ".join(problems) + ". The rest of the program (every other "
                    "exercise and test) runs in TensorFlow 2's eager mode and must find it as it was.")
    checks.check_scalar(got, gd_iterate(COURSE, 0.01, 1000), call=call, name="w",
                        rtol=1e-4, atol=1e-4)


@mutant(TASK + "minimize_cost_graph", "the course's tf.compat.v1.disable_eager_execution() (graph mode for everyone)")
def graph_disables_eager(ref):
    return rewrite(ref, "minimize_cost_graph", "graph = tf.Graph()",
                   "tf.compat.v1.disable_eager_execution(); graph = tf.compat.v1.get_default_graph()")


@mutant(TASK + "minimize_cost_graph", "building in the global default graph instead of a private tf.Graph()")
def graph_in_default_graph(ref):
    return rewrite(ref, "minimize_cost_graph", "graph = tf.Graph()",
                   "graph = tf.compat.v1.get_default_graph()")


@mutant(TASK + "minimize_cost_graph", "one step too many (a loop that runs once too often)")
def graph_off_by_one(ref):
    return rewrite(ref, "minimize_cost_graph", "range(num_iterations)", "range(num_iterations + 1)")


@mutant(TASK + "minimize_cost_graph", "one step too few (a loop that runs once too few)")
def graph_one_step_short(ref):
    return rewrite(ref, "minimize_cost_graph", "range(num_iterations)", "range(num_iterations - 1)")


@mutant(TASK + "minimize_cost_graph", "minimizing -J (gradient ascent)")
def graph_ascent(ref):
    return rewrite(ref, "minimize_cost_graph", ".minimize(cost)", ".minimize(-cost)")


@mutant(TASK + "minimize_cost_graph", "GradientDescentOptimizer(0.01), ignoring learning_rate")
def graph_fixed_learning_rate(ref):
    return rewrite(ref, "minimize_cost_graph", "GradientDescentOptimizer(learning_rate)",
                   "GradientDescentOptimizer(0.01)")
