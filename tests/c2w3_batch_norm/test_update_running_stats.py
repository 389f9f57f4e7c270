"""The graded tests of c2w3_batch_norm.update_running_stats, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from grader import checks, graded, mutant, observe
from tests.c2w3_batch_norm.oracles import RUNNING


def _batch_statistics(seed: int, n: int, steps: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [(rng.normal(0, 3, (n, 1)), rng.uniform(0.5, 4, (n, 1))) for _ in range(steps)]


def _check_running_stats(impl: Any, momentum: float | None) -> None:
    """Several updates from (0, 1), each compared with tf.train.ExponentialMovingAverage."""
    n = 4
    kwargs = {} if momentum is None else {"momentum": momentum}
    decay = 0.9 if momentum is None else momentum
    running_mean, running_var = np.zeros((n, 1)), np.ones((n, 1))
    mean_v, var_v = tf.Variable(running_mean), tf.Variable(running_var)
    ema = tf.train.ExponentialMovingAverage(decay=decay)
    ema.apply([mean_v, var_v])  # the shadows start at the current (initial) values
    for step, (mu, var) in enumerate(_batch_statistics(5, n, steps=4), start=1):
        inputs = [running_mean, running_var, mu, var]
        call = checks.call("update_running_stats", running_mean=running_mean, running_var=running_var,
                           mu=mu, var=var, **kwargs) + f" (update {step})"
        with observe() as seen:
            result = checks.unpack(impl.update_running_stats(*inputs, **kwargs), ("running_mean", "running_var"), call=call)
        for name, argument in zip(("running_mean", "running_var", "mu", "var"), inputs):
            if seen.changed(argument):
                checks.fail(f"{call} changed its argument {name} in place; it should return new "
                            "arrays and leave its arguments as they were (a pure update rule)")
        mean_v.assign(mu)
        var_v.assign(var)
        ema.apply([mean_v, var_v])
        for index, (name, got, v) in enumerate(zip(("running_mean", "running_var"), result, (mean_v, var_v))):
            checks.check_close(got, ema.average(v).numpy(), call=call, name=name, rtol=1e-6,
                               mistakes=checks.known_mistakes(RUNNING, *inputs, **kwargs,
                                                              pick=lambda out, index=index: out[index]))
        running_mean, running_var = (checks.to_array(r, call=call) for r in result)


@graded(RUNNING, points=1)
def test_update_running_stats_matches_exponential_moving_average(impl):
    _check_running_stats(impl, momentum=None)


@graded(RUNNING, points=1)
def test_update_running_stats_uses_momentum_argument(impl):
    _check_running_stats(impl, momentum=0.7)


@mutant(RUNNING, "momentum weighing the batch value instead of the history (momentum * batch + (1 - momentum) * running)")
def running_stats_momentum_swapped(ref):
    correct = ref.update_running_stats  # bound now: ref.update_running_stats becomes this mutant

    def update_running_stats(running_mean, running_var, mu, var, momentum=0.9):
        return correct(mu, var, running_mean, running_var, momentum)
    return update_running_stats


@mutant(RUNNING, "updating the caller's arrays in place")
def running_stats_in_place(ref):
    def update_running_stats(running_mean, running_var, mu, var, momentum=0.9):
        running_mean *= momentum
        running_mean += (1 - momentum) * mu
        running_var *= momentum
        running_var += (1 - momentum) * var
        return running_mean, running_var
    return update_running_stats


@mutant(RUNNING, "ignoring the momentum argument (always 0.9)")
def running_stats_fixed_momentum(ref):
    correct = ref.update_running_stats

    def update_running_stats(running_mean, running_var, mu, var, momentum=0.9):
        return correct(running_mean, running_var, mu, var)
    return update_running_stats
