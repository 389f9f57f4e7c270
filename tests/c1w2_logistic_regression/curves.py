"""The learning curves of c1w2_logistic_regression's training functions (``course plot``)."""

from __future__ import annotations

import numpy as np

from grader.curves import curve
from tests.c1w2_logistic_regression.oracles import TASK, digits_zero_or_not


@curve(TASK + "optimize", xlabel="iteration", every=100)
def optimize_on_digits(module):
    X_train, Y_train, _, _ = digits_zero_or_not()
    return module.optimize(np.zeros((X_train.shape[0], 1)), 0.0, X_train, Y_train, num_iterations=2000,
                           learning_rate=0.005)[2]


@curve(TASK + "model", xlabel="iteration", every=100)
def model_on_digits(module):
    return module.model(*digits_zero_or_not(), num_iterations=2000, learning_rate=0.005)["costs"]
