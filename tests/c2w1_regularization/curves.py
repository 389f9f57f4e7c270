"""The learning curve of c2w1_regularization.train_with_early_stopping (``course plot``): the
validation loss of a network that overfits, epoch by epoch, until early stopping ends it."""

from __future__ import annotations

from grader.curves import curve
from tests.c2w1_regularization.oracles import EARLY_STOPPING, overfitting_data, overfitting_network


@curve(EARLY_STOPPING, xlabel="epoch", ylabel="validation loss")
def early_stopping_on_noisy_data(module):
    X_train, y_train, X_val, y_val = overfitting_data(m_dev=200)
    _, history = module.train_with_early_stopping(overfitting_network(), X_train, y_train, X_val, y_val,
                                                  patience=5, max_epochs=100)
    return (history if isinstance(history, dict) else history.history)["val_loss"]
