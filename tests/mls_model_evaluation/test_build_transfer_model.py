"""The graded tests of mls_model_evaluation.build_transfer_model, and the mutants they must catch.

The base is a trusted Keras model sent to the student's code (rebuilt there from its config and
weights, trainable flags included); the model that comes back is rebuilt here, so the test trains
and inspects a trusted object.
"""

from __future__ import annotations

import keras
import numpy as np

from grader import checks, graded, mutant, rewrite
from tests.mls_model_evaluation.oracles import TASK, hidden_features, holds, pretrained_base, weight_values

FUNCTION = TASK + "build_transfer_model"
N_CLASSES = 3


def build(impl, base: keras.Model, n_classes: int = N_CLASSES, **kwargs) -> tuple[keras.Model, str]:
    call = checks.call("build_transfer_model", base_model="base", n_classes=n_classes, **kwargs).replace(
        "base_model='base'", "base_model") + (" with base_model a Sequential 64 -> Dense(16, relu) -> Dense(8, relu) "
                                              "-> Dense(10) (its own head)")
    model = impl.build_transfer_model(base, n_classes, **kwargs)
    if not isinstance(model, keras.Model):
        checks.fail(f"{call} should return a compiled keras model, got {type(model).__name__}")
    if model.optimizer is None or not getattr(model, "compiled", True):
        checks.fail(f"{call} returned a model that is not compiled: call model.compile(...)")
    x, _ = digits_batch(2)
    checks.attempt(lambda: model(x, training=False), call=call, what=f"model(x) for x of shape {x.shape}")
    return model, call  # called once: a model without keras.Input builds its new head only then


def digits_batch(n: int = 24, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n, 64)).astype("float32"), np.arange(n) % N_CLASSES


def trainable_shapes(model: keras.Model) -> list[tuple[int, ...]]:
    return sorted(tuple(int(d) for d in w.shape) for w in model.trainable_weights)


def transfer_mistakes(pick, frozen: bool = False, **kwargs) -> checks.KnownMistakes:
    """The known mistakes' values, each built on a fresh base (a mutant sets flags on its layers)."""
    def run(module):
        base = pretrained_base()
        base.trainable = not frozen
        return pick(module.build_transfer_model(base, N_CLASSES, **kwargs))
    return checks.known_mistakes(FUNCTION, run=run)


def shapes_of(**kwargs):
    return transfer_mistakes(trainable_shapes, **kwargs)


def fit_briefly(model: keras.Model, call: str) -> None:
    x, y = digits_batch()
    checks.attempt(lambda: model.fit(x, y, epochs=2, batch_size=8, verbose=0), call=call,
                   what=f"model.fit(x, y, epochs=2) on integer labels y of shape {y.shape}",
                   advice="The labels are class indices: the loss is SparseCategoricalCrossentropy(from_logits=True)")


@graded(FUNCTION, points=3)
def test_build_transfer_model_puts_a_linear_head_of_n_classes_on_the_base_features(impl):
    base = pretrained_base()
    model, call = build(impl, base)
    x, _ = digits_batch()
    logits = checks.to_array(model(x, training=False), call=call, name="model(x)")
    if logits.shape != (len(x), N_CLASSES):  # a new head's weights are random: a mistake is named by its shape
        checks.fail(f"{call}: model(x) for x of shape {x.shape} has shape {logits.shape}, expected "
                    f"({len(x)}, {N_CLASSES}): one logit per class of the new task" + transfer_mistakes(
                        lambda m: tuple(np.asarray(m(x, training=False)).shape)).equal_to(logits.shape))
    values = weight_values(model)
    for layer in base.layers[:-1]:
        for w in layer.get_weights():
            if not holds(values, w):
                checks.fail(f"{call}: the model does not hold the pretrained weights of {layer.name} (shape "
                            f"{w.shape}): keep every layer of the base but its output layer, with its weights")
    if any(holds(values, w) for w in base.layers[-1].get_weights()):
        checks.fail(f"{call}: the model still holds the base's own output layer (Dense(10)): replace that head, "
                    "do not stack the new one on top of it" + shapes_of().equal_to(trainable_shapes(model)))
    features = hidden_features(base, x)
    heads = [(k, b) for k in values for b in values if k.shape == (features.shape[1], N_CLASSES) and b.shape == (N_CLASSES,)]
    if not any(np.allclose(features @ k + b, logits, rtol=1e-4, atol=1e-5) for k, b in heads):
        outputs = transfer_mistakes(lambda m: np.asarray(m(x, training=False)))
        if probabilities(logits):  # a new head's weights are random: a mistake is named by its kind
            checks.fail(f"{call}: every row of model(x) sums to 1, so the head applies a softmax; the head "
                        "must output logits (Dense(n_classes) with no activation), the loss (from_logits=True) "
                        "applies the softmax" + outputs.named(probabilities))
        checks.fail(f"{call}: model(x) is not a linear Dense({N_CLASSES}) of the base's last hidden layer "
                    "(features @ kernel + bias): the new head must read the output of the layer before the "
                    "base's own head, with no activation" + outputs.equal_to(logits, rtol=1e-4, atol=1e-5))


def probabilities(outputs: np.ndarray) -> bool:
    """Whether every row is a probability distribution (the mark of a softmax head)."""
    outputs = np.asarray(outputs)
    return bool((outputs >= 0).all() and np.allclose(outputs.sum(axis=1), 1.0, atol=1e-5))


@graded(FUNCTION, points=2)
def test_build_transfer_model_freezes_the_base(impl):
    base = pretrained_base()
    model, call = build(impl, base)
    shapes = trainable_shapes(model)
    if shapes != [(N_CLASSES,), (8, N_CLASSES)]:
        checks.fail(f"{call}: the trainable weights have shapes {shapes}, expected only the new head's kernel "
                    f"(8, {N_CLASSES}) and bias ({N_CLASSES},): a head of n_classes units on the base's last "
                    "hidden layer (8 units), and the base's layers frozen (layer.trainable = False)" + shapes_of().equal_to(shapes))
    before = weight_values(model)
    fit_briefly(model, call)
    after = weight_values(model)
    for layer in base.layers[:-1]:
        for w in layer.get_weights():
            if not holds(after, w):
                checks.fail(f"{call}: after model.fit(x, y, epochs=2) the pretrained weights of {layer.name} "
                            "changed: a frozen base must keep its weights")
    if all(np.array_equal(b, a) for b, a in zip(before, after)):
        checks.fail(f"{call}: model.fit(x, y, epochs=2) changed no weight at all: the new head must train")


@graded(FUNCTION, points=2)
def test_build_transfer_model_fine_tune_all_trains_every_layer(impl):
    base = pretrained_base()
    base.trainable = False  # a base that arrives frozen: fine_tune_all=True must unfreeze it
    model, call = build(impl, base, fine_tune_all=True)
    call += " (the base's layers arrive frozen)"
    shapes = trainable_shapes(model)
    expected = sorted([(64, 16), (16,), (16, 8), (8,), (8, N_CLASSES), (N_CLASSES,)])
    if shapes != expected:
        checks.fail(f"{call}: the trainable weights have shapes {shapes}, expected every kept layer and the new "
                    f"head, {expected}: with fine_tune_all=True every layer is trainable"
                    + shapes_of(frozen=True, fine_tune_all=True).equal_to(shapes))
    fit_briefly(model, call)
    after = weight_values(model)
    for layer in base.layers[:-1]:
        if all(holds(after, w) for w in layer.get_weights()):
            checks.fail(f"{call}: after model.fit(x, y, epochs=2) the weights of {layer.name} are unchanged: "
                        "with fine_tune_all=True they must train too")


@graded(FUNCTION, points=2)
def test_build_transfer_model_loss_is_sparse_cross_entropy_from_logits(impl):
    model, call = build(impl, pretrained_base())
    x, y = digits_batch()
    logits = model(x, training=False)
    loss = checks.attempt(lambda: model.compute_loss(x=x, y=y, y_pred=logits, training=False), call=call,
                          what=f"its compiled loss on integer labels y of shape {y.shape}",
                          advice="The loss is keras.losses.SparseCategoricalCrossentropy(from_logits=True)")
    expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, logits))
    checks.check_scalar(checks.to_array(loss, call=call), expected, python_float=False, rtol=1e-5,
                        call=call + f", its compiled loss on the model's logits and integer labels y of shape {y.shape}",
                        name="the loss (expected: SparseCategoricalCrossentropy(from_logits=True))",
                        mistakes=transfer_mistakes(lambda m: m.compute_loss(x=x, y=y, y_pred=logits, training=False)))


@mutant(FUNCTION, "a base left trainable (fine_tune_all ignored: everything trains)")
def transfer_base_trainable(ref):
    return rewrite(ref, "build_transfer_model", "layer.trainable = fine_tune_all", "layer.trainable = True")


@mutant(FUNCTION, "fine_tune_all ignored (the base always frozen)")
def transfer_always_frozen(ref):
    return rewrite(ref, "build_transfer_model", "layer.trainable = fine_tune_all", "layer.trainable = False")


@mutant(FUNCTION, "fine_tune_all=True leaving the base's trainable flags as they came")
def transfer_flags_as_they_came(ref):
    return rewrite(ref, "build_transfer_model", "layer.trainable = fine_tune_all",
                   "layer.trainable = layer.trainable and fine_tune_all")


@mutant(FUNCTION, "a softmax head with a from_logits=True loss")
def transfer_softmax_head(ref):
    return rewrite(ref, "build_transfer_model", 'keras.layers.Dense(n_classes, name="new_head")',
                   'keras.layers.Dense(n_classes, activation="softmax", name="new_head")')


@mutant(FUNCTION, "a linear head with a loss that takes its logits for probabilities (from_logits=False)")
def transfer_logits_as_probabilities(ref):
    return rewrite(ref, "build_transfer_model", "SparseCategoricalCrossentropy(from_logits=True)",
                   "SparseCategoricalCrossentropy(from_logits=False)")


@mutant(FUNCTION, "a new head with the base's own number of outputs instead of n_classes")
def transfer_head_of_the_base_size(ref):
    return rewrite(ref, "build_transfer_model", 'keras.layers.Dense(n_classes, name="new_head")',
                   'keras.layers.Dense(base_model.output_shape[-1], name="new_head")')


@mutant(FUNCTION, "the base's own head kept, the new head stacked on its outputs")
def transfer_head_on_the_old_head(ref):
    return rewrite(ref, "build_transfer_model", "kept = base_model.layers[:-1]", "kept = base_model.layers")
