"""The graded tests of c2w2_optimization.exponential_lr_decay, and the mutants they must catch.

Oracle: ``keras.optimizers.schedules.ExponentialDecay(learning_rate0, decay_steps=1,
decay_rate=base)``, which is learning_rate0·base^(step / decay_steps), the lecture's
0.95^epoch_num·alpha0 with the epoch as the step. Keras computes in float32, hence rtol=1e-6.
"""

from __future__ import annotations

import keras

from grader import checks, graded, mutant, rewrite
from tests.c2w2_optimization.oracles import TASK, schedule_value

FUNCTION = TASK + "exponential_lr_decay"


def _check(impl, learning_rate0, base=None):
    schedule = keras.optimizers.schedules.ExponentialDecay(learning_rate0, decay_steps=1,
                                                           decay_rate=0.95 if base is None else base)
    extra = () if base is None else (base,)
    for epoch_num in (0, 1, 2, 10, 60):
        call = checks.call("exponential_lr_decay", learning_rate0=learning_rate0, epoch_num=epoch_num,
                           **({} if base is None else {"base": base}))
        checks.check_scalar(impl.exponential_lr_decay(learning_rate0, epoch_num, *extra),
                            schedule_value(schedule, epoch_num), call=call, name="the learning rate", rtol=1e-6,
                            mistakes=checks.known_mistakes(FUNCTION, learning_rate0, epoch_num, *extra))


@graded(FUNCTION, points=2)
def test_exponential_lr_decay_matches_keras_exponential_decay(impl):
    _check(impl, 0.1, 0.9)
    _check(impl, 2.0, 0.5)


@graded(FUNCTION, points=1)
def test_exponential_lr_decay_default_base_is_the_lectures_095(impl):
    _check(impl, 0.2)


@mutant(FUNCTION, "learning_rate0·base·epoch_num (a product instead of a power)")
def exponential_product(ref):
    return rewrite(ref, "exponential_lr_decay", "learning_rate0 * base ** epoch_num", "learning_rate0 * base * epoch_num")


@mutant(FUNCTION, "the power base^(epoch_num + 1) (epochs counted from 1)")
def exponential_off_by_one(ref):
    return rewrite(ref, "exponential_lr_decay", "base ** epoch_num", "base ** (epoch_num + 1)")


@mutant(FUNCTION, "(1 - base)^epoch_num instead of base^epoch_num")
def exponential_one_minus_base(ref):
    return rewrite(ref, "exponential_lr_decay", "base ** epoch_num", "(1 - base) ** epoch_num")
