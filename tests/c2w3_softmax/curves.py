"""The learning curve of c2w3_softmax.train_softmax_regression (``course plot``)."""

from __future__ import annotations

from grader.curves import curve
from tests.c2w3_softmax.oracles import TASK, digits_columns


@curve(TASK + "train_softmax_regression", xlabel="iteration")
def softmax_regression_on_digits(module):
    X_train, _, y_train, _ = digits_columns()
    return module.train_softmax_regression(X_train, y_train, 10, learning_rate=1.0, num_iterations=200)[1]
