"""The graded tests of c2w2_optimization.schedule_lr_decay, and the mutants they must catch.

Oracle: ``keras.optimizers.schedules.InverseTimeDecay(learning_rate0, decay_steps=time_interval,
decay_rate, staircase=True)``, which is learning_rate0 / (1 + decay_rate·floor(step / decay_steps)),
the course's fixed-interval schedule. Keras computes in float32, hence rtol=1e-6.
"""

from __future__ import annotations

import keras

from grader import checks, graded, mutant, rewrite
from tests.c2w2_optimization.oracles import TASK, schedule_value

FUNCTION = TASK + "schedule_lr_decay"
EPOCHS = (0, 1, 99, 100, 101, 250, 999, 1000, 2500)


def _check(impl, learning_rate0, decay_rate, time_interval=None):
    interval = 1000 if time_interval is None else time_interval
    schedule = keras.optimizers.schedules.InverseTimeDecay(learning_rate0, decay_steps=interval,
                                                           decay_rate=decay_rate, staircase=True)
    extra = () if time_interval is None else (time_interval,)
    for epoch_num in EPOCHS:
        call = checks.call("schedule_lr_decay", learning_rate0=learning_rate0, epoch_num=epoch_num,
                           decay_rate=decay_rate, **({} if time_interval is None else {"time_interval": time_interval}))
        checks.check_scalar(impl.schedule_lr_decay(learning_rate0, epoch_num, decay_rate, *extra),
                            schedule_value(schedule, epoch_num), call=call, name="the learning rate", rtol=1e-6,
                            mistakes=checks.known_mistakes(FUNCTION, learning_rate0, epoch_num, decay_rate, *extra))


@graded(FUNCTION, points=2)
def test_schedule_lr_decay_matches_keras_staircase_inverse_time_decay(impl):
    _check(impl, 0.5, 1.0, 100)
    _check(impl, 0.3, 0.25, 37)


@graded(FUNCTION, points=1)
def test_schedule_lr_decay_default_time_interval_is_1000(impl):
    _check(impl, 0.2, 0.5)


@graded(FUNCTION, points=1)
def test_schedule_lr_decay_reproduces_the_course(impl):
    for args, expected in [((0.5, 100, 1, 100), 0.25), ((0.5, 10, 1, 100), 0.5),
                           ((0.3, 1000, 0.25, 100), 0.085714285), ((0.3, 100, 0.25, 100), 0.24),
                           ((0.5, 10, 0.3, 100), 0.5), ((0.5, 100, 0.3, 100), 0.3846153846153846)]:
        call = checks.call("schedule_lr_decay", learning_rate0=args[0], epoch_num=args[1], decay_rate=args[2],
                           time_interval=args[3]) + " (the course's test)"
        checks.check_scalar(impl.schedule_lr_decay(*args), expected, call=call, name="the learning rate", rtol=1e-8,
                            mistakes=checks.known_mistakes(FUNCTION, *args))


@mutant(FUNCTION, "epoch_num / time_interval without the floor (a smooth decay, not a staircase)")
def schedule_without_floor(ref):
    return rewrite(ref, "schedule_lr_decay", "(epoch_num // time_interval)", "(epoch_num / time_interval)")


@mutant(FUNCTION, "round(epoch_num / time_interval) instead of its floor")
def schedule_rounded(ref):
    return rewrite(ref, "schedule_lr_decay", "(epoch_num // time_interval)", "round(epoch_num / time_interval)")


@mutant(FUNCTION, "ignoring time_interval (decaying every epoch)")
def schedule_every_epoch(ref):
    return rewrite(ref, "schedule_lr_decay", "(epoch_num // time_interval)", "epoch_num")
