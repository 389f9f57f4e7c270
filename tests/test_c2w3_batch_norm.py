"""Graded tests of c2w3_batch_norm, and the mutants (realistic wrong versions) they must catch.

Oracles: ``tf.nn.moments`` and ``tf.nn.batch_normalization`` for the NumPy forward and inference
passes, ``tf.GradientTape`` for the backward pass, ``tf.train.ExponentialMovingAverage`` for the
running statistics, and ``keras.layers.BatchNormalization`` for the TensorFlow and Keras forms.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf
from hypothesis import given, settings, strategies as st
from keras import ops

from grader import checks, graded, mutant, observe

FORWARD = "c2w3_batch_norm.batchnorm_forward"
BACKWARD = "c2w3_batch_norm.batchnorm_backward"
RUNNING = "c2w3_batch_norm.update_running_stats"
INFERENCE = "c2w3_batch_norm.batchnorm_inference"
TF_BATCH_NORM = "c2w3_batch_norm.tf_batch_norm"
LAYER = "c2w3_batch_norm.BatchNorm"
BLOCK = "c2w3_batch_norm.dense_bn_block"


# ---------------------------------------------------------------------------- shared helpers

def _unit_inputs(seed: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pre-activations Z (n, m) whose units have different means and spreads; gamma, beta (n, 1)."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(loc=rng.normal(0, 3, (n, 1)), scale=rng.uniform(0.5, 3, (n, 1)), size=(n, m))
    return Z, rng.uniform(0.5, 2.0, (n, 1)), rng.normal(size=(n, 1))


def _tf_normalise(Z: Any, gamma: Any, beta: Any, eps: float, axis: int = 1, ddof: int = 0) -> tf.Tensor:
    """The oracle: tf.nn.moments over ``axis`` and tf.nn.batch_normalization (ddof only for mistakes)."""
    mean, variance = tf.nn.moments(Z, axes=[axis], keepdims=True)
    m = Z.shape[axis]
    if ddof:
        variance = variance * m / (m - ddof)  # nan for a single example, as NumPy gives
    return tf.nn.batch_normalization(Z, mean, variance, offset=beta, scale=gamma, variance_epsilon=eps)


def _eps_outside_sqrt(Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float,
                      mean: np.ndarray | None = None, variance: np.ndarray | None = None) -> np.ndarray:
    mean = Z.mean(axis=1, keepdims=True) if mean is None else mean
    variance = Z.var(axis=1, keepdims=True) if variance is None else variance
    return gamma * (Z - mean) / (np.sqrt(variance) + eps) + beta


def _tuple(result: Any, names: tuple[str, ...], call: str) -> tuple[Any, ...]:
    """The student's tuple, or a failure that says what should have been returned."""
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        got = f"a tuple of {len(result)}" if isinstance(result, (tuple, list)) else type(result).__name__
        checks.fail(f"{call} should return a tuple ({', '.join(names)}), got {got}")
    return tuple(result)


# ---------------------------------------------------------------------------- batchnorm_forward

def _check_forward(impl: Any, Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float | None) -> None:
    kwargs = {} if eps is None else {"eps": eps}
    eps = 1e-5 if eps is None else eps
    call = checks.call("batchnorm_forward", Z=Z, gamma=gamma, beta=beta, **kwargs)
    Z_tilde, _ = _tuple(impl.batchnorm_forward(Z, gamma, beta, **kwargs), ("Z_tilde", "cache"), call)
    mistakes = {
        "the unbiased variance (dividing by m - 1)": _tf_normalise(Z, gamma, beta, eps, ddof=1),
        "normalising over the units (axis 0) instead of the batch (axis 1)":
            _tf_normalise(Z, gamma, beta, eps, axis=0),
        "adding eps outside the square root": _eps_outside_sqrt(Z, gamma, beta, eps),
        "ignoring the eps argument (eps = 1e-5)": _tf_normalise(Z, gamma, beta, 1e-5),
        "leaving eps out": _tf_normalise(Z, gamma, beta, 0.0),
    }
    checks.check_close(Z_tilde, _tf_normalise(Z, gamma, beta, eps), call=call, name="Z_tilde",
                       mistakes=mistakes)


@graded(FORWARD, points=1)
def test_batchnorm_forward_matches_tf_nn_batch_normalization(impl):
    Z, gamma, beta = _unit_inputs(0, 4, 6)
    _check_forward(impl, Z, gamma, beta, eps=None)


@graded(FORWARD, points=1)
def test_batchnorm_forward_eps_inside_square_root(impl):
    Z, gamma, beta = _unit_inputs(1, 3, 5)
    Z[1] = 2.0 + 0.01 * np.arange(5)  # a unit that barely varies: eps decides its scale
    _check_forward(impl, Z, gamma, beta, eps=0.01)


@graded(FORWARD, points=1)
@settings(max_examples=20)
@given(n=st.integers(1, 5), m=st.integers(1, 9), seed=st.integers(0, 2**16))
def test_batchnorm_forward_any_shape_even_one_example(impl, n, m, seed):
    Z, gamma, beta = _unit_inputs(seed, n, m)
    _check_forward(impl, Z, gamma, beta, eps=1e-3)


def _forward_variant(axis: int = 1, ddof: int = 0, eps_inside: bool = True):
    """A forward pass with one of the classic mistakes; the cache is what the reference keeps."""
    def batchnorm_forward(Z, gamma, beta, eps=1e-5):
        mu = Z.mean(axis=axis, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):  # the nan and inf are the mistake's
            sigma2 = ((Z - mu) ** 2).sum(axis=axis, keepdims=True) / (Z.shape[axis] - ddof)
            inv_std = 1 / np.sqrt(sigma2 + eps) if eps_inside else 1 / (np.sqrt(sigma2) + eps)
            Z_norm = (Z - mu) * inv_std
        return gamma * Z_norm + beta, (Z_norm, gamma, inv_std)
    return batchnorm_forward


@mutant(FORWARD, "unbiased variance: divides by m - 1 (ddof=1)")
def forward_unbiased_variance(ref):
    return _forward_variant(ddof=1)


@mutant(FORWARD, "normalises each example over the units (axis 0) instead of each unit over the batch")
def forward_feature_axis(ref):
    return _forward_variant(axis=0)


@mutant(FORWARD, "eps added outside the square root: (Z - mu) / (sigma + eps)")
def forward_eps_outside_sqrt(ref):
    return _forward_variant(eps_inside=False)


@mutant(FORWARD, "forgets eps: divides by sqrt(sigma2)")
def forward_no_eps(ref):
    forward = _forward_variant()
    return lambda Z, gamma, beta, eps=1e-5: forward(Z, gamma, beta, eps=0.0)


# ---------------------------------------------------------------------------- batchnorm_backward

def _forward_for_backward(impl: Any, Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> Any:
    """The cache from the student's own forward pass (the backward pass is graded on it)."""
    try:
        result = impl.batchnorm_forward(Z, gamma, beta)
    except NotImplementedError as err:
        result = err  # fail outside the handler: one message, no chained traceback
    if isinstance(result, NotImplementedError):
        checks.fail(f"batchnorm_backward is graded on the cache that your batchnorm_forward "
                    f"returns, and batchnorm_forward is not written yet ({result})")
    return _tuple(result, ("Z_tilde", "cache"), checks.call("batchnorm_forward", Z=Z, gamma=gamma, beta=beta))[1]


def _backward_call(dZ_tilde: np.ndarray) -> str:
    return (f"batchnorm_backward(dZ_tilde, cache) with dZ_tilde of shape {dZ_tilde.shape} and the cache "
            "from your batchnorm_forward")


def _tape_gradients(Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, dZ_tilde: np.ndarray,
                    eps: float = 1e-5) -> list[np.ndarray]:
    """Gradients of sum(dZ_tilde * Z_tilde(Z, gamma, beta)) with respect to Z, gamma, beta."""
    variables = [tf.constant(Z), tf.constant(gamma), tf.constant(beta)]
    with tf.GradientTape() as tape:
        tape.watch(variables)
        loss = tf.reduce_sum(dZ_tilde * _tf_normalise(*variables, eps))
    return [g.numpy() for g in tape.gradient(loss, variables)]


@graded(BACKWARD, points=2)
def test_batchnorm_backward_matches_gradient_tape(impl):
    Z, gamma, beta = _unit_inputs(2, 3, 7)
    dZ_tilde = np.random.default_rng(3).normal(size=Z.shape)
    cache = _forward_for_backward(impl, Z, gamma, beta)
    call = _backward_call(dZ_tilde)
    dZ, dgamma, dbeta = _tuple(impl.batchnorm_backward(dZ_tilde, cache), ("dZ", "dgamma", "dbeta"), call)
    expected_dZ, expected_dgamma, expected_dbeta = _tape_gradients(Z, gamma, beta, dZ_tilde)
    inv_std = 1 / np.sqrt(Z.var(axis=1, keepdims=True) + 1e-5)
    dZ_norm = gamma * dZ_tilde
    for name, got, expected in (("dbeta", dbeta, expected_dbeta), ("dgamma", dgamma, expected_dgamma)):
        if checks.to_array(got, call=call, name=name).shape == (1, Z.shape[1]):
            checks.fail(f"{call}: {name} has shape (1, {Z.shape[1]}), expected {Z.shape[0], 1}: one value "
                        "per unit, summed over the examples (axis 1), not over the units (axis 0)")
        checks.check_close(got, expected, call=call, name=name)
    checks.check_close(dZ, expected_dZ, call=call, name="dZ", mistakes={
        "treating mu and sigma2 as constants (dZ = gamma * dZ_tilde / sqrt(sigma2 + eps))":
            dZ_norm * inv_std,
        "keeping the path through mu but not the one through sigma2":
            inv_std * (dZ_norm - dZ_norm.mean(axis=1, keepdims=True)),
    })


@graded(BACKWARD, points=1)
@settings(max_examples=20)
@given(n=st.integers(1, 4), m=st.integers(2, 9), seed=st.integers(0, 2**16))
def test_batchnorm_backward_rows_of_dZ_sum_to_zero(impl, n, m, seed):
    # Adding a constant to every example of a unit leaves Z_tilde unchanged (the mean absorbs it),
    # so the gradient along that direction, the row sum of dZ, is zero.
    Z, gamma, beta = _unit_inputs(seed, n, m)
    dZ_tilde = np.random.default_rng(seed + 1).normal(size=Z.shape)
    cache = _forward_for_backward(impl, Z, gamma, beta)
    call = _backward_call(dZ_tilde)
    dZ = checks.check_shape(_tuple(impl.batchnorm_backward(dZ_tilde, cache), ("dZ", "dgamma", "dbeta"),
                                   call)[0], Z.shape, call=call, name="dZ")
    row_sums = dZ.sum(axis=1)
    worst = int(np.abs(row_sums).argmax())
    if abs(row_sums[worst]) > 1e-8 * (1 + np.abs(dZ).sum()):
        checks.fail(f"{call}: row {worst} of dZ sums to {row_sums[worst]:.6g}, expected 0: shifting "
                    "every example of a unit by the same amount does not change Z_tilde. Does dZ "
                    "include the paths through mu and sigma2, which depend on every column of Z?")


@mutant(BACKWARD, "treats mu and sigma2 as constants: dZ = gamma * dZ_tilde / sqrt(sigma2 + eps)")
def backward_statistics_constant(ref):
    correct = ref.batchnorm_backward  # bound now: ref.batchnorm_backward becomes this mutant

    def batchnorm_backward(dZ_tilde, cache):
        _, gamma, inv_std = cache
        _, dgamma, dbeta = correct(dZ_tilde, cache)
        return gamma * dZ_tilde * inv_std, dgamma, dbeta
    return batchnorm_backward


@mutant(BACKWARD, "keeps the path through mu but forgets the one through sigma2")
def backward_forgets_variance_path(ref):
    correct = ref.batchnorm_backward

    def batchnorm_backward(dZ_tilde, cache):
        _, gamma, inv_std = cache
        _, dgamma, dbeta = correct(dZ_tilde, cache)
        dZ_norm = gamma * dZ_tilde
        return inv_std * (dZ_norm - dZ_norm.mean(axis=1, keepdims=True)), dgamma, dbeta
    return batchnorm_backward


@mutant(BACKWARD, "sums dgamma and dbeta over the units (axis 0) instead of the batch")
def backward_parameter_gradients_wrong_axis(ref):
    correct = ref.batchnorm_backward

    def batchnorm_backward(dZ_tilde, cache):
        Z_norm = cache[0]
        dZ, _, _ = correct(dZ_tilde, cache)
        return dZ, (dZ_tilde * Z_norm).sum(axis=0, keepdims=True), dZ_tilde.sum(axis=0, keepdims=True)
    return batchnorm_backward


# ---------------------------------------------------------------------------- update_running_stats

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
            result = _tuple(impl.update_running_stats(*inputs, **kwargs), ("running_mean", "running_var"), call)
        for name, argument in zip(("running_mean", "running_var", "mu", "var"), inputs):
            if seen.changed(argument):
                checks.fail(f"{call} changed its argument {name} in place; it should return new "
                            "arrays and leave its arguments as they were (a pure update rule)")
        mean_v.assign(mu)
        var_v.assign(var)
        ema.apply([mean_v, var_v])
        for name, got, v, batch, old in zip(("running_mean", "running_var"), result, (mean_v, var_v),
                                             (mu, var), (running_mean, running_var)):
            checks.check_close(got, ema.average(v).numpy(), call=call, name=name, rtol=1e-6, mistakes={
                "momentum weighing the batch value instead of the history":
                    decay * batch + (1 - decay) * old,
                "ignoring the momentum argument (always 0.9)": 0.9 * old + 0.1 * batch,
            })
        running_mean, running_var = (checks.to_array(r, call=call) for r in result)


@graded(RUNNING, points=1)
def test_update_running_stats_matches_exponential_moving_average(impl):
    _check_running_stats(impl, momentum=None)


@graded(RUNNING, points=1)
def test_update_running_stats_uses_momentum_argument(impl):
    _check_running_stats(impl, momentum=0.7)


@mutant(RUNNING, "momentum applied to the batch value: momentum * batch + (1 - momentum) * running")
def running_stats_momentum_swapped(ref):
    correct = ref.update_running_stats  # bound now: ref.update_running_stats becomes this mutant

    def update_running_stats(running_mean, running_var, mu, var, momentum=0.9):
        return correct(mu, var, running_mean, running_var, momentum)
    return update_running_stats


@mutant(RUNNING, "updates the caller's arrays in place")
def running_stats_in_place(ref):
    def update_running_stats(running_mean, running_var, mu, var, momentum=0.9):
        running_mean *= momentum
        running_mean += (1 - momentum) * mu
        running_var *= momentum
        running_var += (1 - momentum) * var
        return running_mean, running_var
    return update_running_stats


@mutant(RUNNING, "ignores the momentum argument (always 0.9)")
def running_stats_fixed_momentum(ref):
    correct = ref.update_running_stats

    def update_running_stats(running_mean, running_var, mu, var, momentum=0.9):
        return correct(running_mean, running_var, mu, var)
    return update_running_stats


# ---------------------------------------------------------------------------- batchnorm_inference

def _check_inference(impl: Any, Z: np.ndarray, eps: float | None, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = Z.shape[0]
    gamma, beta = rng.uniform(0.5, 2, (n, 1)), rng.normal(size=(n, 1))
    running_mean, running_var = rng.normal(0, 2, (n, 1)), rng.uniform(0.02, 3, (n, 1))
    kwargs = {} if eps is None else {"eps": eps}
    eps = 1e-5 if eps is None else eps
    call = checks.call("batchnorm_inference", Z=Z, gamma=gamma, beta=beta, running_mean=running_mean,
                       running_var=running_var, **kwargs)
    got = impl.batchnorm_inference(Z, gamma, beta, running_mean, running_var, **kwargs)
    expected = tf.nn.batch_normalization(Z, running_mean, running_var, offset=beta, scale=gamma,
                                         variance_epsilon=eps).numpy()
    checks.check_close(got, expected, call=call, name="Z_tilde", mistakes={
        "normalising with this batch's mean and variance instead of the running ones":
            _tf_normalise(Z, gamma, beta, eps),
        "adding eps outside the square root":
            _eps_outside_sqrt(Z, gamma, beta, eps, mean=running_mean, variance=running_var),
    })


@graded(INFERENCE, points=1)
def test_batchnorm_inference_uses_running_statistics(impl):
    Z, _, _ = _unit_inputs(6, 3, 5)
    _check_inference(impl, Z, eps=0.05, seed=7)


@graded(INFERENCE, points=1)
def test_batchnorm_inference_single_example(impl):
    Z, _, _ = _unit_inputs(8, 4, 1)
    _check_inference(impl, Z, eps=None, seed=9)


@mutant(INFERENCE, "normalises with the batch's statistics, ignoring the running ones")
def inference_batch_statistics(ref):
    def batchnorm_inference(Z, gamma, beta, running_mean, running_var, eps=1e-5):
        return ref.batchnorm_forward(Z, gamma, beta, eps)[0]
    return batchnorm_inference


@mutant(INFERENCE, "eps added outside the square root")
def inference_eps_outside_sqrt(ref):
    def batchnorm_inference(Z, gamma, beta, running_mean, running_var, eps=1e-5):
        return _eps_outside_sqrt(Z, gamma, beta, eps, mean=running_mean, variance=running_var)
    return batchnorm_inference


# ---------------------------------------------------------------------------- tf_batch_norm

def _batch(seed: int, batch: int = 8, features: int = 5) -> np.ndarray:
    """A float32 batch (batch, features) whose features have different means and spreads."""
    rng = np.random.default_rng(seed)
    x = rng.normal(loc=rng.normal(0, 3, features), scale=rng.uniform(0.5, 3, features), size=(batch, features))
    x[:, -1] = 1.0 + 0.1 * rng.normal(size=batch)  # a feature of small variance: epsilon matters
    return x.astype("float32")


def _check_tf_batch_norm(impl: Any, eps: float | None, seed: int) -> None:
    x = _batch(seed, batch=10, features=4)
    rng = np.random.default_rng(seed + 1)
    gamma, beta = rng.uniform(0.5, 2, 4).astype("float32"), rng.normal(size=4).astype("float32")
    kwargs = {} if eps is None else {"eps": eps}
    eps = 1e-3 if eps is None else eps
    oracle = keras.layers.BatchNormalization(epsilon=eps)
    oracle.build(x.shape)
    oracle.gamma.assign(gamma)
    oracle.beta.assign(beta)
    call = checks.call("tf_batch_norm", x=x, gamma=gamma, beta=beta, **kwargs)
    checks.check_close(impl.tf_batch_norm(x, gamma, beta, **kwargs), oracle(x, training=True), call=call,
                       rtol=1e-5, atol=1e-5, mistakes={
        "moments over axis 1 (features) instead of the batch axis 0":
            _tf_normalise(x, gamma, beta, eps, axis=1),
        "gamma and beta swapped (tf.nn.batch_normalization takes offset before scale)":
            tf.nn.batch_normalization(x, *tf.nn.moments(x, axes=[0]), gamma, beta, eps),
        "the unbiased variance (dividing by m - 1)": _tf_normalise(x, gamma, beta, eps, axis=0, ddof=1),
        "ignoring the eps argument (eps = 1e-3)": _tf_normalise(x, gamma, beta, 1e-3, axis=0),
    })


@graded(TF_BATCH_NORM, points=1)
def test_tf_batch_norm_matches_keras_batch_normalization(impl):
    _check_tf_batch_norm(impl, eps=None, seed=10)


@graded(TF_BATCH_NORM, points=1)
def test_tf_batch_norm_passes_eps(impl):
    _check_tf_batch_norm(impl, eps=0.5, seed=11)


@mutant(TF_BATCH_NORM, "moments over the feature axis 1 instead of the batch axis 0")
def tf_batch_norm_feature_axis(ref):
    def tf_batch_norm(x, gamma, beta, eps=1e-3):
        mean, variance = tf.nn.moments(x, axes=[1], keepdims=True)
        return tf.nn.batch_normalization(x, mean, variance, beta, gamma, eps)
    return tf_batch_norm


@mutant(TF_BATCH_NORM, "gamma passed as the offset and beta as the scale")
def tf_batch_norm_gamma_beta_swapped(ref):
    def tf_batch_norm(x, gamma, beta, eps=1e-3):
        mean, variance = tf.nn.moments(x, axes=[0])
        return tf.nn.batch_normalization(x, mean, variance, gamma, beta, eps)
    return tf_batch_norm


@mutant(TF_BATCH_NORM, "unbiased variance (tf.math.reduce_variance * m / (m - 1))")
def tf_batch_norm_unbiased(ref):
    def tf_batch_norm(x, gamma, beta, eps=1e-3):
        m = x.shape[0]
        mean, variance = tf.nn.moments(x, axes=[0])
        return tf.nn.batch_normalization(x, mean, variance * m / (m - 1), beta, gamma, eps)
    return tf_batch_norm


@mutant(TF_BATCH_NORM, "ignores eps (always 1e-3)")
def tf_batch_norm_fixed_eps(ref):
    correct = ref.tf_batch_norm  # bound now: ref.tf_batch_norm becomes this mutant
    return lambda x, gamma, beta, eps=1e-3: correct(x, gamma, beta)


# ---------------------------------------------------------------------------- BatchNorm

def _weight(layer: Any, name: str, call: str) -> np.ndarray:
    value = getattr(layer, name, None)
    if value is None:
        checks.fail(f"{call}: the layer has no attribute `{name}`; build() should create it with "
                    f"self.{name} = self.add_weight(...)")
    return checks.to_array(value, call=call, name=f"layer.{name}")


def _sgd_step(layer: Any, x: np.ndarray, target: np.ndarray, learning_rate: float = 0.1) -> np.ndarray:
    """Call ``layer`` in training mode and take one SGD step on sum(output * target); the output."""
    with tf.GradientTape() as tape:
        y = layer(x, training=True)
        loss = tf.reduce_sum(y * target)
    for g, v in zip(tape.gradient(loss, layer.trainable_weights), layer.trainable_weights):
        if g is not None:
            v.assign_sub(learning_rate * g)
    return y


def _check_against_keras(layer: Any, oracle: keras.layers.BatchNormalization, call: str,
                         steps: int, seed: int) -> None:
    """Train ``layer`` and the Keras oracle side by side, then compare statistics and inference."""
    momentum = oracle.momentum
    swapped_mean, swapped_var = np.zeros(5), np.ones(5)
    target = np.random.default_rng(seed).normal(size=(8, 5)).astype("float32")
    for step in range(1, steps + 1):
        x = _batch(seed + step)
        unbiased = tf.nn.batch_normalization(x, x.mean(0), x.var(0, ddof=1), oracle.beta, oracle.gamma,
                                             oracle.epsilon).numpy()
        got = _sgd_step(layer, x, target)
        checks.check_close(got, _sgd_step(oracle, x, target), call=f"{call}(x, training=True) at step {step}",
                           rtol=1e-5, atol=1e-5, mistakes={"the unbiased batch variance": unbiased})
        swapped_mean = swapped_mean * (1 - momentum) + x.mean(0) * momentum
        swapped_var = swapped_var * (1 - momentum) + x.var(0) * momentum
    after = f"{call} after {steps} training step{'s' if steps > 1 else ''}"
    for name, swapped, initial in (("moving_mean", swapped_mean, 0.0), ("moving_variance", swapped_var, 1.0)):
        checks.check_close(_weight(layer, name, after), getattr(oracle, name), call=after, name=f"layer.{name}",
                           rtol=1e-5, atol=1e-6, mistakes={
            f"never updating {name} in training": np.full(5, initial),
            "momentum weighing the batch statistic instead of the history": swapped,
        })
    x = _batch(seed + steps + 1)
    expected = oracle(x, training=False)
    checks.check_close(layer(x, training=False), expected, call=f"{after}: {call}(x, training=False)",
                       rtol=1e-5, atol=1e-5, mistakes={
        "normalising with the batch statistics at inference": oracle(x, training=True),
    })


@graded(LAYER, points=1)
def test_BatchNorm_creates_weights(impl):
    layer = impl.BatchNorm()
    layer.build((None, 5))
    call = "BatchNorm().build((None, 5))"
    counts = (len(layer.trainable_weights), len(layer.non_trainable_weights))
    if counts != (2, 2):
        checks.fail(f"{call} created {counts[0]} trainable and {counts[1]} non-trainable weights; expected "
                    "2 trainable (gamma, beta) and 2 non-trainable (moving_mean, moving_variance): the "
                    "moving statistics are estimates the layer updates itself, not parameters to learn")
    for name, value in (("gamma", 1.0), ("beta", 0.0), ("moving_mean", 0.0), ("moving_variance", 1.0)):
        checks.check_close(_weight(layer, name, call), np.full(5, value), call=call, name=f"layer.{name}")


@graded(LAYER, points=2)
def test_BatchNorm_matches_keras_batch_normalization(impl):
    _check_against_keras(impl.BatchNorm(), keras.layers.BatchNormalization(), "BatchNorm()",
                         steps=3, seed=20)


@graded(LAYER, points=1)
def test_BatchNorm_uses_momentum_and_epsilon(impl):
    _check_against_keras(impl.BatchNorm(momentum=0.6, epsilon=0.1),
                         keras.layers.BatchNormalization(momentum=0.6, epsilon=0.1),
                         "BatchNorm(momentum=0.6, epsilon=0.1)", steps=3, seed=30)


@graded(LAYER, points=1)
def test_BatchNorm_config_round_trip(impl):
    layer = impl.BatchNorm(momentum=0.8, epsilon=0.01, name="bn_round_trip")
    config = layer.get_config()
    clone = impl.BatchNorm.from_config(config)
    if clone.get_config() != config:
        checks.fail(f"BatchNorm.from_config(layer.get_config()) has the config {clone.get_config()}, "
                    f"expected {config}")
    _check_against_keras(clone, keras.layers.BatchNormalization(momentum=0.8, epsilon=0.01),
                         "BatchNorm.from_config(BatchNorm(momentum=0.8, epsilon=0.01).get_config())",
                         steps=1, seed=40)


def _normalise(layer: Any, inputs: Any, mean: Any, variance: Any) -> Any:
    return (inputs - mean) * ops.rsqrt(variance + layer.epsilon) * layer.gamma + layer.beta


def _layer_variant(ref: Any, *, variance=ops.var, update: bool = True, swap: bool = False,
                   momentum: float | None = None) -> type:
    """The reference layer with a mistake in call: the variance, the update, or the momentum."""
    class BatchNorm(ref.BatchNorm):
        def call(self, inputs, training=None):
            if not training:
                return _normalise(self, inputs, self.moving_mean, self.moving_variance)
            mean, var = ops.mean(inputs, axis=0), variance(inputs, axis=0)
            if update:
                keep = self.momentum if momentum is None else momentum
                keep = 1 - keep if swap else keep
                self.moving_mean.assign(self.moving_mean * keep + mean * (1 - keep))
                self.moving_variance.assign(self.moving_variance * keep + var * (1 - keep))
            return _normalise(self, inputs, mean, var)
    return BatchNorm


@mutant(LAYER, "uses the batch statistics at inference too")
def layer_batch_statistics_at_inference(ref):
    class BatchNorm(ref.BatchNorm):
        def call(self, inputs, training=None):
            return super().call(inputs, training=True)
    return BatchNorm


@mutant(LAYER, "never updates the moving statistics")
def layer_no_moving_update(ref):
    return _layer_variant(ref, update=False)


@mutant(LAYER, "creates the moving statistics as trainable weights")
def layer_trainable_moving_statistics(ref):
    class BatchNorm(ref.BatchNorm):
        def build(self, input_shape):
            shape = (input_shape[-1],)
            self.gamma = self.add_weight(shape=shape, initializer="ones", name="gamma")
            self.beta = self.add_weight(shape=shape, initializer="zeros", name="beta")
            self.moving_mean = self.add_weight(shape=shape, initializer="zeros", name="moving_mean")
            self.moving_variance = self.add_weight(shape=shape, initializer="ones", name="moving_variance")
    return BatchNorm


@mutant(LAYER, "unbiased batch variance (divides by m - 1)")
def layer_unbiased_variance(ref):
    def unbiased(x, axis):
        m = ops.shape(x)[axis]
        return ops.var(x, axis=axis) * m / (m - 1)
    return _layer_variant(ref, variance=unbiased)


@mutant(LAYER, "moving average weighs the batch by momentum: moving * (1 - momentum) + batch * momentum")
def layer_momentum_swapped(ref):
    return _layer_variant(ref, swap=True)


@mutant(LAYER, "ignores the momentum argument (always 0.99)")
def layer_fixed_momentum(ref):
    return _layer_variant(ref, momentum=0.99)


# ---------------------------------------------------------------------------- dense_bn_block

def _block_in_model(impl: Any, units: int, activation: str) -> tuple[Any, keras.Model, str]:
    call = f"dense_bn_block({units}, {activation!r})"
    block = impl.dense_bn_block(units, activation)
    if not isinstance(block, keras.layers.Layer):
        checks.fail(f"{call} should return a Keras layer (a keras.Sequential is one), "
                    f"got {type(block).__name__}")
    model = keras.Sequential([keras.Input((6,)), block])
    model(np.zeros((2, 6), "float32"))
    return block, model, call


@graded(BLOCK, points=1)
def test_dense_bn_block_dense_without_bias_then_batch_norm(impl):
    block, _, call = _block_in_model(impl, 4, "relu")
    with_bias = [w.path for w in block.weights if w.name == "bias"]  # a Keras Dense names it "bias"
    if with_bias:
        checks.fail(f"{call}: the Dense layer's bias {with_bias[0]!r} is still there; batch norm subtracts the "
                    "batch mean, which cancels any bias, and beta takes its place: use_bias=False")
    trainable = sorted(tuple(w.shape) for w in block.trainable_weights)
    if trainable != [(4,), (4,), (6, 4)]:
        checks.fail(f"{call} inside a model on 6 features has trainable weights of shapes {trainable}; "
                    "expected the kernel (6, 4) and batch norm's gamma (4,) and beta (4,)")
    moving = sorted(tuple(w.shape) for w in block.non_trainable_weights)
    if moving != [(4,), (4,)]:
        checks.fail(f"{call} has non-trainable weights of shapes {moving}; expected batch norm's "
                    "moving mean (4,) and moving variance (4,): is there a batch norm layer?")


@graded(BLOCK, points=1)
def test_dense_bn_block_normalises_before_activation(impl):
    block, model, call = _block_in_model(impl, 4, "relu")
    kernels = [w for w in block.trainable_weights if len(w.shape) == 2]
    if len(kernels) != 1:
        checks.fail(f"{call} should hold exactly one Dense kernel, found {len(kernels)}")
    x = _batch(50, batch=16, features=6) * 3
    Z = x @ checks.to_array(kernels[0], call=call, name="the kernel").astype("float32")
    expected = tf.nn.relu(_tf_normalise(Z, 1.0, 0.0, 1e-3, axis=0))
    # rtol leaves room for another epsilon (1e-5 instead of Keras' 1e-3)
    checks.check_close(model(x, training=True), expected, call=f"a model with {call}, called with training=True",
                       rtol=1e-3, atol=1e-4, mistakes={
        "the activation before batch norm": _tf_normalise(tf.nn.relu(Z), 1.0, 0.0, 1e-3, axis=0),
        "no batch norm": tf.nn.relu(Z),
    })


def _dense_no_bias(units: int, activation: Any) -> keras.layers.Layer:
    return keras.layers.Dense(units, use_bias=False)


def _batch_norm(units: int, activation: Any) -> keras.layers.Layer:
    return keras.layers.BatchNormalization()


def _activation(units: int, activation: Any) -> keras.layers.Layer:
    return keras.layers.Activation(activation)


def _block_variant(*layers: Any):
    """A dense_bn_block that stacks the layers that ``layers`` make, in that order."""
    return lambda units, activation: keras.Sequential([layer(units, activation) for layer in layers])


@mutant(BLOCK, "keeps the Dense layer's bias")
def block_keeps_bias(ref):
    return _block_variant(lambda units, activation: keras.layers.Dense(units), _batch_norm, _activation)


@mutant(BLOCK, "applies the activation before batch norm")
def block_activation_first(ref):
    return _block_variant(_dense_no_bias, _activation, _batch_norm)


@mutant(BLOCK, "leaves batch norm out")
def block_without_batch_norm(ref):
    return _block_variant(_dense_no_bias, _activation)


@mutant(BLOCK, "forgets the activation")
def block_without_activation(ref):
    return _block_variant(_dense_no_bias, _batch_norm)
