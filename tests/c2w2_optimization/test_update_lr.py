"""The graded tests of c2w2_optimization.update_lr, and the mutants they must catch.

Oracle: ``keras.optimizers.schedules.InverseTimeDecay(learning_rate0, decay_steps=1, decay_rate)``,
which is learning_rate0 / (1 + decay_rate·step / decay_steps), the course's formula with the epoch
as the step. Keras computes in float32, hence rtol=1e-6.
"""

from __future__ import annotations

import keras

from grader import checks, graded, mutant, rewrite
from tests.c2w2_optimization.oracles import TASK, schedule_value

FUNCTION = TASK + "update_lr"


def rewrite_lr(ref, expression):
    """The reference with its formula replaced by ``expression``."""
    return rewrite(ref, "update_lr", "learning_rate0 / (1 + decay_rate * epoch_num)", expression)


@graded(FUNCTION, points=2)
def test_update_lr_matches_keras_inverse_time_decay(impl):
    for learning_rate0, decay_rate in [(0.1, 1.0), (0.5, 0.3), (2.0, 0.05)]:
        schedule = keras.optimizers.schedules.InverseTimeDecay(learning_rate0, decay_steps=1, decay_rate=decay_rate)
        for epoch_num in (0, 1, 2, 5, 37):
            call = checks.call("update_lr", learning_rate0=learning_rate0, epoch_num=epoch_num, decay_rate=decay_rate)
            checks.check_scalar(impl.update_lr(learning_rate0, epoch_num, decay_rate), schedule_value(schedule, epoch_num),
                                call=call, name="the learning rate", rtol=1e-6,
                                mistakes=checks.known_mistakes(FUNCTION, learning_rate0, epoch_num, decay_rate))


@graded(FUNCTION, points=1)
def test_update_lr_reproduces_the_course(impl):
    for learning_rate0, expected in [(0.5, 0.16666666666666666), (1.0, 0.3333333333333333)]:
        call = checks.call("update_lr", learning_rate0=learning_rate0, epoch_num=2, decay_rate=1) + " (the course's test)"
        checks.check_scalar(impl.update_lr(learning_rate0, 2, 1), expected, call=call, name="the learning rate",
                            rtol=1e-12, mistakes=checks.known_mistakes(FUNCTION, learning_rate0, 2, 1))


@mutant(FUNCTION, "multiplying by (1 + decay_rate·epoch_num) instead of dividing")
def lr_multiplied(ref):
    return rewrite_lr(ref, "learning_rate0 * (1 + decay_rate * epoch_num)")


@mutant(FUNCTION, "learning_rate0 / 1 + decay_rate·epoch_num (missing parentheses)")
def lr_precedence(ref):
    return rewrite_lr(ref, "learning_rate0 / 1 + decay_rate * epoch_num")


@mutant(FUNCTION, "1 / (1 + decay_rate·epoch_num) without learning_rate0")
def lr_forgets_alpha0(ref):
    return rewrite_lr(ref, "1 / (1 + decay_rate * epoch_num)")
