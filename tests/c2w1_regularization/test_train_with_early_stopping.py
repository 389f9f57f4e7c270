"""The graded tests of c2w1_regularization.train_with_early_stopping, and the mutants they must catch."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from grader import checks, graded, mutant, observe, rewrite
from tests.c2w1_regularization.oracles import EARLY_STOPPING, overfitting_data, overfitting_network


_RUNS: dict[tuple[Any, int, int], Any] = {}  # (impl, patience, max_epochs) -> what the call returned


def _train(impl, patience: int, max_epochs: int, batch_size: int = 32, *, shared: bool = False
           ) -> tuple[keras.Model, dict[str, list], str]:
    """``impl.train_with_early_stopping`` on the overfitting data; with ``shared`` one fit per
    implementation serves every test that asks for the same call (a fit is the slow part)."""
    X_train, y_train, X_val, y_val = overfitting_data(m_dev=200)
    call = checks.call("train_with_early_stopping", X_train=X_train, y_train=y_train, X_val=X_val, y_val=y_val,
                       patience=patience, max_epochs=max_epochs, batch_size=batch_size)
    call = call.replace("(", "(model, ", 1) + " (model: an unregularized network that overfits 80 noisy examples)"
    key = (impl, patience, max_epochs)
    if shared and key in _RUNS:
        result = _RUNS[key]
    else:
        result = impl.train_with_early_stopping(overfitting_network(), X_train, y_train, X_val, y_val, patience,
                                                max_epochs, batch_size)
        if shared:
            _RUNS[key] = result
    model, history = checks.unpack(result, ("model", "history"), call=call)
    if not isinstance(model, keras.Model):
        checks.fail(f"{call}: the first item returned should be the trained keras.Model, got {type(model).__name__}")
    try:
        logs: Any = history if isinstance(history, dict) else history.history
    except AttributeError:
        logs = None
    if not isinstance(logs, dict) or "loss" not in logs:
        checks.fail(f"{call}: the second item should be the History that model.fit returns "
                    f"(history.history['loss'] holds one loss per epoch), got {type(history).__name__}")
    if "val_loss" not in logs:
        checks.fail(f"{call}: the history has no 'val_loss' (it has {sorted(logs)}): pass "
                    "validation_data=(X_val, y_val) to model.fit, so that Keras measures the validation loss "
                    "after every epoch")
    return model, {key: [float(v) for v in values] for key, values in logs.items()}, call


@graded(EARLY_STOPPING, points=3)
def test_train_with_early_stopping_stops_on_the_validation_loss(impl):
    patience, max_epochs = 3, 60
    _, logs, call = _train(impl, patience, max_epochs, shared=True)
    val_loss = logs["val_loss"]
    epochs, best = len(val_loss), int(np.argmin(val_loss))
    expected = min(best + 1 + patience, max_epochs)
    if epochs != expected:
        checks.fail(f"{call} ran {epochs} epochs; its lowest val_loss came at epoch {best + 1}, so "
                    f"keras.callbacks.EarlyStopping(monitor='val_loss', patience={patience}) stops after epoch "
                    f"{expected}: {patience} epochs without improvement of the validation loss (monitor the "
                    "validation loss, not the training loss, and pass patience on)")


@graded(EARLY_STOPPING, points=2)
def test_train_with_early_stopping_restores_the_best_weights(impl):
    _, _, X_val, y_val = overfitting_data(m_dev=200)
    model, logs, call = _train(impl, 3, 60, shared=True)
    val_loss = logs["val_loss"]
    got = float(keras.losses.BinaryCrossentropy()(y_val.reshape(-1, 1), model(X_val, training=False)))
    if np.isclose(got, min(val_loss), rtol=1e-4, atol=1e-6):
        return
    last = (" That is the last epoch's validation loss: EarlyStopping(..., restore_best_weights=True) puts the "
            "best epoch's weights back" if np.isclose(got, val_loss[-1], rtol=1e-4, atol=1e-6) else "")
    checks.fail(f"{call}: the returned model's validation loss is {got:.6f}, expected the lowest of its history, "
                f"{min(val_loss):.6f} (epoch {int(np.argmin(val_loss)) + 1} of {len(val_loss)}).{last}")


@graded(EARLY_STOPPING, points=1)
def test_train_with_early_stopping_honours_max_epochs_and_prints_nothing(impl):
    with observe() as seen:
        _, logs, call = _train(impl, patience=50, max_epochs=3, batch_size=40)
    if len(logs["loss"]) != 3:
        checks.fail(f"{call} ran {len(logs['loss'])} epochs, expected max_epochs = 3 (model.fit(..., "
                    "epochs=max_epochs); with patience=50 nothing stops it earlier)")
    if seen.printed:
        checks.fail(f"{call} printed {seen.printed[:120]!r}: a graded function prints nothing; pass verbose=0 "
                    "to model.fit")


def _edit(ref, old: str, new: str):
    return rewrite(ref, "train_with_early_stopping", old, new)


@mutant(EARLY_STOPPING, "early stopping on the training loss (monitor='loss')")
def early_on_training_loss(ref):
    return _edit(ref, 'monitor="val_loss"', 'monitor="loss"')


@mutant(EARLY_STOPPING, "EarlyStopping without restore_best_weights=True")
def early_without_restore(ref):
    return _edit(ref, "restore_best_weights=True", "restore_best_weights=False")


@mutant(EARLY_STOPPING, "no early stopping (always max_epochs epochs)")
def early_none(ref):
    return _edit(ref, "callbacks=[early_stopping], ", "")


@mutant(EARLY_STOPPING, "EarlyStopping ignoring patience (Keras' default, patience=0)")
def early_ignores_patience(ref):
    return _edit(ref, " patience=patience,", "")


@mutant(EARLY_STOPPING, "fit with epochs=100 whatever max_epochs says")
def early_ignores_max_epochs(ref):
    return _edit(ref, "epochs=max_epochs", "epochs=100")


@mutant(EARLY_STOPPING, "fit printing its progress bars (verbose left at its default)")
def early_verbose(ref):
    return _edit(ref, ", verbose=0)", ")")


@mutant(EARLY_STOPPING, "validation_split=0.2 of the training set instead of the validation set it was given")
def early_validation_split(ref):
    return _edit(ref, "validation_data=(X_val, y_val)", "validation_split=0.2")
