# Exercise stub generated from solutions/mls_model_evaluation.py by `make stubs`.
# Replace each `raise NotImplementedError(...)` line with your code; keep the signatures.
"""Advice for applying machine learning: evaluating a model, bias and variance, skewed classes.

A model that fits its training set is not yet a good model: what matters is how it does on
examples it never saw. So the data are split (typically 60 / 20 / 20 %) into a *training* set that
fits the parameters w, b, a *cross-validation* (cv, dev) set that chooses between models (the
degree of a polynomial, λ, an architecture), and a *test* set kept aside for one fair estimate of
the chosen model's error at the end. Errors are measured without the regularization term.

**Regression: the squared error.** On a set of m examples, with predictions ŷ^(i) = f_w,b(x^(i)),

    J = (1/(2m))·sum_i (ŷ^(i) - y^(i))²

the same 1/(2m) as the cost linear regression minimises (scikit-learn's ``mean_squared_error``
has no 2: it is 2·J). J_train is it on the training set, J_cv on the cv set.

**Classification: the share misclassified.** For a classifier the natural error is the fraction
of examples whose predicted class differs from the label: (1/m)·#{i : ŷ^(i) ≠ y^(i)}.

**Bias and variance.** Compare J_train and J_cv with a *baseline* level of performance, what is
reasonable to hope for: human-level performance, a competing algorithm, or a guess from
experience. The two gaps are the diagnosis:

- J_train much above the baseline: *high bias* (the model underfits even the data it saw);
- J_cv much above J_train: *high variance* (it overfits: fits the training set, not new data);
- both gaps large: *high bias and high variance* (it can happen, say on part of the inputs);
- neither: *just right*.

The course's speech recognition example, with a human-level baseline of 10.6 % errors: a
training error of 10.8 % and a cv error of 14.8 % is high variance (gaps of 0.2 and 4.0 points);
15.0 % and 15.5 % is high bias (4.4 and 0.5); 15.0 % and 19.7 % is both (4.4 and 4.7). It is the
gaps that count, never the errors alone: 15 % would be excellent if humans erred 14.8 % of the
time. How large is "large"? This module takes a gap as large when it exceeds a share of the
baseline, ``tolerance·J_baseline`` (``tolerance=0.1``: 10 % of the baseline). A rule in
proportion to the baseline does not care about units (errors as fractions or as percentages, or
squared errors of any size give the same diagnosis), and it sits comfortably between the
course's small gaps (at most 0.5 / 10.6 ≈ 5 % of the baseline) and its large ones (at least
4.0 / 10.6 ≈ 38 %). With a baseline of 0 (a task done perfectly) every gap above 0 counts.

What to do next: high bias calls for a bigger model, more or polynomial features, a smaller λ;
high variance for more training data, fewer features, a larger λ. A larger neural network with
suitable regularization rarely does worse than a small one; it costs computation.

**Learning curves.** Train on the first m examples for growing m and plot, against m, J_train
measured on *those m* examples and J_cv measured on the whole cv set. With few examples the
model fits them almost exactly (J_train small) but generalises badly (J_cv large); as m grows,
J_train rises and J_cv falls towards it. With high bias both flatten out above the baseline, and
more data will not help; with high variance a wide gap between them closes slowly as m grows, and
more data will help.

**Skewed data sets.** When one class is rare (a disease in 0.5 % of patients), accuracy misleads:
the program that always says y = 0 is 99.5 % accurate and finds no one. Count, with y = 1 the rare
class, the true positives TP (predicted 1, is 1), false positives FP (predicted 1, is 0) and false
negatives FN (predicted 0, is 1):

    precision = TP / (TP + FP)      of the patients we flagged, the share that are ill
    recall    = TP / (TP + FN)      of the patients who are ill, the share we flagged

Always predicting 0 has recall 0. Raising the decision threshold trades recall for precision;
to rank algorithms by one number, the F1 score is their *harmonic* mean,

    F1 = 2·P·R / (P + R)

which is small as soon as either is small (P = 0.02, R = 1 gives F1 ≈ 0.039, where the arithmetic
mean would be a flattering 0.51). Where a ratio is 0/0 (nothing predicted positive, no positive
example) it is taken as 0.0, as scikit-learn does with ``zero_division=0``.

**Transfer learning.** A network trained on a large data set for one task (a million images of
a thousand classes) has learnt, in its hidden layers, features that serve other tasks with the
same kind of input (edges, corners, shapes). Keep its layers and parameters, *replace its output
layer* by a new one with the new task's number of classes, and train on the new, smaller data
set: either only the new output layer (the pretrained layers frozen, for a small data set) or all
the parameters, starting from the pretrained ones (fine-tuning everything, for a larger one). In
Keras a frozen layer has ``layer.trainable = False``: its weights are left out of
``model.trainable_weights`` and ``fit`` does not change them. The new head here is a linear
``Dense(n_classes)`` whose outputs are logits, compiled with
``SparseCategoricalCrossentropy(from_logits=True)`` (labels are class indices) and Adam.

Layouts: the specialization's, one example per row: X (m, n), labels and predictions (m,) (or
(m, 1)).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]
"""What a ``fit`` function returns: predictions (m,) for inputs (m, n)."""


def _examples(y: Any, yhat: Any, names: tuple[str, str] = ("y", "yhat")) -> tuple[np.ndarray, np.ndarray]:
    """Two arrays of one value per example, shapes (m,) or (m, 1), flattened to (m,); or a ValueError."""
    arrays = [np.asarray(value) for value in (y, yhat)]
    for name, array in zip(names, arrays):
        if not (array.ndim == 1 or (array.ndim == 2 and array.shape[1] == 1)) or array.shape[0] == 0:
            raise ValueError(f"{name} must hold one value per example, shape (m,) or (m, 1) with m >= 1. "
                             f"Received: {name}.shape={array.shape}")
    if arrays[0].shape[0] != arrays[1].shape[0]:
        raise ValueError(f"{names[0]} and {names[1]} must have one value per example each. "
                         f"Received: {names[0]}.shape={arrays[0].shape}, {names[1]}.shape={arrays[1].shape}")
    return arrays[0].reshape(-1), arrays[1].reshape(-1)


def _numbers(y: Any, yhat: Any) -> tuple[np.ndarray, np.ndarray]:
    """Targets and predictions as float64 (m,) arrays, or a ValueError."""
    y, yhat = _examples(y, yhat)
    return y.astype(np.float64), yhat.astype(np.float64)


def _binary(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """Binary labels and predictions (0 or 1) as int (m,) arrays, or a ValueError."""
    arrays = _examples(y_true, y_pred, ("y_true", "y_pred"))
    for name, array in zip(("y_true", "y_pred"), arrays):
        if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool) or not np.isin(array, (0, 1)).all():
            raise ValueError(f"{name} must hold binary labels 0 or 1 (1 the positive, rare class). "
                             f"Received: {name}={array[:10]!r}{'...' if array.size > 10 else ''}")
    return arrays[0].astype(np.int64), arrays[1].astype(np.int64)


def _check_error(name: str, value: Any) -> None:
    """Raise a ValueError unless ``value`` is a finite real number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < np.inf:
        raise ValueError(f"{name} must be a finite number >= 0. Received: {name}={value!r}")


def _check_learning_curve(fit: Any, X_train: Any, y_train: Any, X_cv: Any, y_cv: Any,
                          sizes: Any) -> None:
    """Raise a ValueError unless the data sets pair up and every size is in 1..len(X_train)."""
    if not callable(fit):
        raise ValueError(f"fit must be a function fit(X, y) that returns a predict function. Received: fit={fit!r}")
    for x_name, y_name, X, y in (("X_train", "y_train", X_train, y_train), ("X_cv", "y_cv", X_cv, y_cv)):
        if len(X) != len(y) or len(X) == 0:
            raise ValueError(f"{x_name} and {y_name} must hold the same number m >= 1 of examples (rows). "
                             f"Received: len({x_name})={len(X)}, len({y_name})={len(y)}")
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (Sequence, np.ndarray)) or len(sizes) == 0 or not all(
            not isinstance(m, bool) and isinstance(m, numbers.Integral) and 1 <= m <= len(X_train) for m in sizes):
        raise ValueError(f"sizes must be a non-empty sequence of integers in 1..{len(X_train)} (the number of "
                         f"training examples). Received: sizes={sizes!r}")


def _check_transfer(base_model: Any, n_classes: Any, fine_tune_all: Any) -> None:
    """Raise a ValueError unless the base is a built Sequential with a layer before its head."""
    if not isinstance(base_model, keras.Sequential) or not base_model.built or len(base_model.layers) < 2:
        raise ValueError("base_model must be a built keras.Sequential with at least two layers: the layers to "
                         f"keep and its own output layer. Received: base_model={base_model!r}")
    if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2. Received: n_classes={n_classes!r}")
    if not isinstance(fine_tune_all, bool):
        raise ValueError(f"fine_tune_all must be True or False. Received: fine_tune_all={fine_tune_all!r}")


def eval_mse(y: np.ndarray, yhat: np.ndarray) -> float:
    """The squared error of predictions, with the course's 1/(2m).

    J = (1/(2m))·sum_i (yhat[i] - y[i])², the cost linear regression minimises, here used to
    evaluate a model on a data set (half of scikit-learn's ``mean_squared_error``).

    Args:
        y: targets, shape (m,) or (m, 1).
        yhat: predictions, shape (m,) or (m, 1) (the same m).

    Returns:
        J as a Python float.

    Raises:
        ValueError: an array does not hold one number per example, or the two m differ.
    """
    y, yhat = _numbers(y, yhat)
    raise NotImplementedError("mls_model_evaluation.eval_mse")


def eval_cat_err(y: np.ndarray, yhat: np.ndarray) -> float:
    """The categorization error: the share of examples whose predicted class is wrong.

    (1/m)·#{i : yhat[i] != y[i]}; 0.0 when every prediction is right, 1.0 when none is.

    Args:
        y: class labels, shape (m,) or (m, 1).
        yhat: predicted classes, shape (m,) or (m, 1) (the same m).

    Returns:
        The error, a Python float in [0, 1].

    Raises:
        ValueError: an array does not hold one label per example, or the two m differ.
    """
    y, yhat = _examples(y, yhat)
    raise NotImplementedError("mls_model_evaluation.eval_cat_err")


def diagnose(j_train: float, j_cv: float, j_baseline: float, *, tolerance: float = 0.1) -> str:
    """Bias, variance, both or neither, from the training, cv and baseline errors.

    The bias gap is ``j_train - j_baseline``, the variance gap ``j_cv - j_train``; a gap is high
    when it exceeds ``tolerance * j_baseline`` (a share of the baseline, so the errors may be
    fractions, percentages or squared errors alike). With the course's baseline of 10.6 %:
    train 10.8 %, cv 14.8 % is "high variance"; 15.0 % / 15.5 % is "high bias"; 15.0 % / 19.7 %
    is "high bias and high variance".

    Args:
        j_train: the error on the training set (>= 0).
        j_cv: the error on the cross-validation set (>= 0).
        j_baseline: the baseline level of performance, e.g. human-level error (>= 0), in the same
            units as the other two.
        tolerance: the largest gap, as a share of ``j_baseline``, that is not high (>= 0).

    Returns:
        One of ``"high bias"``, ``"high variance"``, ``"high bias and high variance"``,
        ``"just right"``.

    Raises:
        ValueError: an error or the tolerance is not a finite number >= 0.
    """
    for name, value in (("j_train", j_train), ("j_cv", j_cv), ("j_baseline", j_baseline), ("tolerance", tolerance)):
        _check_error(name, value)
    raise NotImplementedError("mls_model_evaluation.diagnose")


def learning_curve(
    fit: Callable[[np.ndarray, np.ndarray], Predict],
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_cv: np.ndarray,
    y_cv: np.ndarray,
    sizes: Sequence[int],
    error: Callable[[np.ndarray, np.ndarray], float] = eval_mse,
) -> tuple[Sequence[int], np.ndarray, np.ndarray]:
    """The training and cv errors of a model trained on the first m examples, for each size m.

    For each m in ``sizes``, in order: ``predict = fit(X_train[:m], y_train[:m])``; the training
    error is ``error(y_train[:m], predict(X_train[:m]))``, measured on those m examples only, and
    the cv error ``error(y_cv, predict(X_cv))`` on the whole cv set. Each model is trained afresh
    by ``fit`` (nothing is shuffled: the first m examples, so that the curves are reproducible).

    Args:
        fit: ``fit(X, y)`` trains a new model on X (m, n) and y (m,) and returns its predict
            function, ``predict(X) -> yhat`` of shape (m,).
        X_train: training inputs, shape (m_train, n).
        y_train: training targets, shape (m_train,).
        X_cv: cross-validation inputs, shape (m_cv, n).
        y_cv: cross-validation targets, shape (m_cv,).
        sizes: the training set sizes m, each in 1..m_train, in the order wanted.
        error: ``error(y, yhat) -> float``; :func:`eval_mse` by default, :func:`eval_cat_err`
            for a classifier.

    Returns:
        ``(sizes, j_train, j_cv)``: ``sizes`` as given, and two float64 NumPy arrays of shape
        (len(sizes),): ``j_train[k]`` and ``j_cv[k]`` are the errors of the model trained on the
        first ``sizes[k]`` examples.

    Raises:
        ValueError: ``fit`` is not callable, the inputs and targets of a set differ in length,
            or a size is not an integer in 1..m_train.
    """
    _check_learning_curve(fit, X_train, y_train, X_cv, y_cv, sizes)
    raise NotImplementedError("mls_model_evaluation.learning_curve")


def plot_learning_curve(sizes: Sequence[int], j_train: Sequence[float], j_cv: Sequence[float], path: str | Path,
                        *, j_baseline: float | None = None, title: str = "Learning curve") -> Path:
    """Draw J_train and J_cv against the training set size m into a PNG file (not graded).

    Uses Matplotlib's object-oriented API with the Agg canvas (no window, no pyplot global
    state): ``plot_learning_curve(*learning_curve(fit, ...), "curve.png", j_baseline=0.106)``.

    Args:
        sizes: the training set sizes m, shape (k,).
        j_train: the training errors, shape (k,).
        j_cv: the cross-validation errors, shape (k,).
        path: where to write the PNG.
        j_baseline: a baseline level of performance, drawn as a dashed horizontal line.
        title: the figure's title.

    Returns:
        The path of the PNG written.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5, 3.5))
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    axes.plot(sizes, j_train, marker="o", label="J_train")
    axes.plot(sizes, j_cv, marker="o", label="J_cv")
    if j_baseline is not None:
        axes.axhline(j_baseline, linestyle="--", color="gray", label="baseline")
    axes.set_xlabel("m (training set size)")
    axes.set_ylabel("error")
    axes.set_title(title)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, format="png")
    return Path(path)


def precision_recall_f1(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and their harmonic mean F1 for the positive (rare) class 1.

    With TP, FP, FN the counts of true positives, false positives and false negatives:
    precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2·P·R / (P + R). A ratio whose
    denominator is 0 (nothing predicted 1; no example of class 1; P = R = 0) is 0.0, as with
    scikit-learn's ``zero_division=0``.

    Args:
        y_true: the labels, 0 or 1, shape (m,) or (m, 1).
        y_pred: the predictions, 0 or 1, shape (m,) or (m, 1) (the same m).

    Returns:
        ``(precision, recall, f1)``, three Python floats in [0, 1].

    Raises:
        ValueError: an array does not hold one 0 or 1 per example, or the two m differ.
    """
    y_true, y_pred = _binary(y_true, y_pred)
    raise NotImplementedError("mls_model_evaluation.precision_recall_f1")


def build_transfer_model(base_model: keras.Model, n_classes: int, fine_tune_all: bool = False) -> keras.Model:
    """A pretrained network with its output layer replaced by a new logits head, compiled.

    Every layer of ``base_model`` but its last (its own output layer, for its original task) is
    kept with its pretrained weights, in order, in a new ``keras.Sequential`` on the same inputs;
    a new ``Dense(n_classes)`` with no activation follows them and gives the logits. With
    ``fine_tune_all=False`` the kept layers are frozen (``trainable = False``): ``fit`` trains the
    new head only. With ``fine_tune_all=True`` every layer is trainable (whatever flags the base's
    layers came with), the pretrained weights being the starting point. The model is compiled
    with ``keras.optimizers.Adam()`` (its default learning rate, 0.001),
    ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)`` (labels are class indices of
    shape (batch,)) and the ``"accuracy"`` metric. The kept layers are ``base_model``'s own
    objects (as in Keras' transfer-learning guide, nothing is copied), so their trainable flags
    are set on them.

    Args:
        base_model: a built ``keras.Sequential`` (the course's kind of model) mapping inputs
            (batch, ...) to its own outputs; its last layer is its output layer, and it needs at
            least one layer before that.
        n_classes: the number of classes of the new task (>= 2).
        fine_tune_all: train every layer (True) or only the new head (False).

    Returns:
        A compiled ``keras.Sequential`` mapping base_model's inputs to logits (batch, n_classes).

    Raises:
        ValueError: ``base_model`` is not a built Sequential with at least two layers,
            ``n_classes`` is not an integer >= 2, or ``fine_tune_all`` is not a bool.
    """
    _check_transfer(base_model, n_classes, fine_tune_all)
    raise NotImplementedError("mls_model_evaluation.build_transfer_model")
