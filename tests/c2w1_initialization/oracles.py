"""Shared data, oracles and checks of the graded tests of c2w1_initialization (one file per function).

Oracles: ``scipy.stats`` (chi-square, normal and binomial distributions) for the statistics of
the random weights, ``tf.GradientTape`` with ``keras.optimizers.SGD`` for the training run that
shows zero initialization keeps the hidden units identical, and NumPy forward passes through
deep stacks for the second moment of the activations.

Why not Keras's initializers as oracles: ``keras.initializers.HeNormal`` and ``GlorotNormal``
draw from a *truncated* normal (cut at two standard deviations, then rescaled), GlorotNormal uses
the fan average 2 / (n[l-1] + n[l]) instead of the course's Xavier 1 / n[l-1], and both read the
fans from a (fan_in, fan_out) kernel, the transpose of the course's W[l]. They are not the
course's formulas, so the tests compare the student's weights with the distributions the course
prescribes, N(0, 2/n[l-1]) and N(0, 1/n[l-1]), through exact scipy.stats distributions.

Every statistical check below accepts a correct initializer, whatever its random stream, with
probability at least 1 - 1e-6 per test: each test splits ALPHA = 1e-6 among its k checks
(Bonferroni: P(some check fails) <= sum of the k probabilities = ALPHA).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats

if TYPE_CHECKING:  # annotations only: an oracle imports what it runs (a check needing neither skips 4 s)
    import tensorflow as tf

from grader import checks, observe

TASK = "c2w1_initialization."
ZEROS = TASK + "initialize_parameters_zeros"
RANDOM = TASK + "initialize_parameters_random"
HE = TASK + "initialize_parameters_he"
XAVIER = TASK + "initialize_parameters_xavier"

ALPHA = 1e-6  # the largest probability with which a test may fail a correct initializer

Variance = Callable[[int, int], float]
"""The variance of the entries of W[l] as a function of (n[l-1], n[l])."""

# Wide layers for the statistics: W1 has 40 000 entries, W2 5 000, and n[l-1] != n[l] in both,
# so that a fan-out (n[l]) or fan-average scale differs from the fan-in one.
WIDE_DIMS = (400, 100, 50)

# What the course's notebook and its public tests print (seed 3, np.random.seed then randn).
COURSE_RANDOM_3_2_1 = {
    "W1": [[17.88628473, 4.36509851, 0.96497468], [-18.63492703, -2.77388203, -3.54758979]],
    "W2": [[-0.82741481, -6.27000677]],
}
COURSE_HE_2_4_1 = {
    "W1": [[1.78862847, 0.43650985], [0.09649747, -1.8634927], [-0.2773882, -0.35475898],
           [-0.08274148, -0.62700068]],
    "W2": [[-0.03098412, -0.33744411, -0.92904268, 0.62552248]],
}
COURSE_HE_3_1_2 = {  # the course's public_tests.initialize_parameters_he_test
    "W1": [[1.46040903, 0.3564088, 0.07878985]],
    "W2": [[-2.63537665], [-0.39228616]],
}


def structure(parameters: Any) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The keys of a parameters dict and the shape of each value, for comparing with a mutant's."""
    return tuple(sorted((str(key), tuple(np.shape(value))) for key, value in parameters.items()))


def check_structure(parameters: Any, layers_dims: Sequence[int], call: str,
                    mistakes: checks.KnownMistakes | None = None) -> dict[str, np.ndarray]:
    """The student's parameters as float arrays, once the keys and every shape are the course's.

    Expected: exactly the keys W1, b1, ..., WL, bL (L = len(layers_dims) - 1), W[l] of shape
    (n[l], n[l-1]) and b[l] of shape (n[l], 1). A failure names the key or the layer and both
    shapes, and the known mistake (``mistakes``, the mutants called alike) of the same structure.
    """
    L = len(layers_dims) - 1
    if not isinstance(parameters, dict):
        checks.fail(f"{call} should return a dict {{'W1': ..., 'b1': ..., ..., 'W{L}': ..., 'b{L}': ...}}, "
                    f"got {type(parameters).__name__}")
    expected = [f"{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]
    arrays = {key: checks.to_array(value, call=call, name=f'parameters["{key}"]')
              for key, value in parameters.items() if key in expected}
    problem = None
    missing = [key for key in expected if key not in parameters]
    extra = sorted(str(key) for key in parameters if key not in expected)
    if missing:
        hint = ""
        if f"W{L}" in missing and "W1" not in missing:
            hint = (f" Does the loop stop one layer early? for l in range(1, len(layers_dims)) visits "
                    f"l = 1, ..., {L}.")
        problem = (f"the dict has no key {missing[0]!r} (missing: {missing}); expected the keys {expected} "
                   f"for {L + 1} layer sizes, one W and one b per layer l = 1, ..., {L}.{hint}")
    elif extra:
        problem = (f"unexpected keys {extra} besides {expected} (layer 0 is the input: it has no W0 or b0; "
                   "W[l] connects layer l-1 to layer l for l = 1, ..., L)")
    else:
        for l in range(1, L + 1):
            n, n_prev = layers_dims[l], layers_dims[l - 1]
            for key, shape in ((f"W{l}", (n, n_prev)), (f"b{l}", (n, 1))):
                got = arrays[key].shape
                if got != shape and problem is None:
                    hint = " (transposed?)" if got == shape[::-1] else ""
                    problem = (f'parameters["{key}"] (layer {l}: n[{l}] = {n} units, each with n[{l - 1}] = '
                               f"{n_prev} inputs) has shape {got}, expected {shape}{hint}")
    if problem is not None:
        if mistakes is not None:
            problem += mistakes.equal_to(structure({**parameters, **arrays}), rtol=0, atol=0)
        checks.fail(f"{call}: {problem}")
    return arrays


def initialize(impl: Any, function: str, layers_dims: Sequence[int], **kwargs: Any) -> tuple[dict[str, np.ndarray], str]:
    """Call the student's ``function(layers_dims, **kwargs)``; its checked arrays and the call's text."""
    layers_dims = list(layers_dims)
    name = function.rpartition(".")[2]
    call = checks.call(name, layers_dims=layers_dims, **kwargs)
    result = getattr(impl, name)(layers_dims, **kwargs)
    mistakes = checks.known_mistakes(function, layers_dims, pick=structure, **kwargs)
    return check_structure(result, layers_dims, call, mistakes), call


def check_zero_biases(arrays: dict[str, np.ndarray], call: str,
                      why: str = ": the random W already breaks symmetry") -> None:
    """Fail unless every b[l] is exactly zero (the course's biases: np.zeros((n[l], 1)))."""
    for key, value in arrays.items():
        if key.startswith("b") and np.any(value != 0):
            index = tuple(int(i) for i in np.argwhere(value != 0)[0])
            checks.fail(f'{call}: parameters["{key}"] holds {value[index]:.6g} at index {index}; every bias '
                        f"starts at exactly zero (np.zeros((n[l], 1))){why}")


def check_course_values(impl: Any, function: str, layers_dims: Sequence[int], expected: dict[str, Any],
                        call_note: str, scale: float = 1.0) -> None:
    """The course's printed W's (times ``scale``) and zero b's for the default seed, to 1e-8."""
    arrays, call = initialize(impl, function, layers_dims)
    call += (f"{call_note}; the course draws rng = np.random.RandomState(seed), then rng.randn(n[l], n[l-1]) "
             "for l = 1, 2, ... in order, and nothing for the zero biases")
    for key, values in expected.items():
        checks.check_close(arrays[key], scale * np.asarray(values), call=call, name=f'parameters["{key}"]',
                           rtol=1e-7, atol=1e-8,
                           mistakes=checks.known_mistakes(function, list(layers_dims), pick=lambda p, k=key: p[k]))
    check_zero_biases(arrays, call)


def weights(arrays: dict[str, Any]) -> list[np.ndarray]:
    """W1, ..., WL as float arrays (the keys in layer order)."""
    L = sum(1 for key in arrays if str(key).startswith("W"))
    return [np.asarray(arrays[f"W{l}"], dtype=np.float64) for l in range(1, L + 1)]


def variance_ratios(arrays: dict[str, Any], layers_dims: Sequence[int], variance: Variance) -> np.ndarray:
    """mean(W[l]²) / the prescribed variance, one ratio per layer."""
    return np.array([np.mean(W**2) / variance(layers_dims[l - 1], layers_dims[l])
                     for l, W in enumerate(weights(arrays), start=1)])


def check_variance(impl: Any, function: str, variance: Variance, formula: str, seed: int = 0,
                   layers_dims: tuple[int, ...] = WIDE_DIMS) -> None:
    """Fail unless mean(W[l]²) of every layer is what N(0, variance) gives.

    The chi-square bound. For W[l] with N = n[l]·n[l-1] independent N(0, σ²) entries,
    S = sum(W[l]²) / σ² is chi-square with exactly N degrees of freedom (the mean is known to be
    0, so none is spent estimating it). With k = L layers checked, S must lie in
    [chi2.ppf(ALPHA/(2k), N), chi2.isf(ALPHA/(2k), N)], which a correct initializer misses with
    probability ALPHA/k per layer. As ratios r = S/N for WIDE_DIMS = (400, 100, 50) (k = 2):
        W1, N = 40 000: r in [0.9649, 1.0359]    W2, N = 5 000: r in [0.9027, 1.1038]
    while r itself has standard deviation sqrt(2/N) = 0.0071 and 0.020 (r·sqrt(2/N) for a wrong
    scale r). Each classic wrong scale misses W1's bounds alone by 50 or more of its own standard
    deviations (the fan average, the closest, by (1.6 - 1.036) / (1.6 · 0.0071) = 50):
        He with 1/n[l-1] (or Xavier's scale):          r = 0.5 in both layers
        Xavier with 2/n[l-1] (He's scale):             r = 2
        the fan-out n[l] (He or Xavier):               r = 400/100 = 4 and 100/50 = 2
        Xavier with the fan average 2/(n[l-1] + n[l]): r = 800/500 = 1.6 and 200/150 = 1.33
        He or Xavier without the square root:          r = σ² = 2/n or 1/n, at most 0.02
        random without the ×10, or ×0.01:              r = 0.01 or 1e-6
        uniform draws (rand) × the right scale:        r = 1/3 (E[u²] = 1/3 for u in [0, 1))
    """
    arrays, call = initialize(impl, function, layers_dims, seed=seed)
    Ws = weights(arrays)
    alpha = ALPHA / len(Ws)
    for l, W in enumerate(Ws, start=1):
        n_prev, n = layers_dims[l - 1], layers_dims[l]
        sigma2, N = variance(n_prev, n), W.size
        low, high = stats.chi2.ppf(alpha / 2, N) / N, stats.chi2.isf(alpha / 2, N) / N
        ratio = float(np.mean(W**2)) / sigma2
        if not low <= ratio <= high:
            ratios = variance_ratios(arrays, layers_dims, variance)
            mistake = checks.known_mistakes(function, list(layers_dims), seed=seed,
                                            pick=lambda p: variance_ratios(p, layers_dims, variance),
                                            ).equal_to(ratios, rtol=0.15, atol=0)
            checks.fail(f"{call}: W{l} (shape {W.shape}, {N} entries) has mean(W{l}²) = {ratio * sigma2:.4g}, "
                        f"expected the variance {formula} = {sigma2:.4g} (n[{l - 1}] = {n_prev}, n[{l}] = {n}): "
                        f"the ratio {ratio:.4g} lies outside [{low:.4f}, {high:.4f}], where N(0, {formula}) "
                        f"draws land with probability 1 - {alpha:.1e}.{mistake}")


def check_centred_gaussian(impl: Any, function: str, seed: int = 1,
                           layers_dims: tuple[int, ...] = WIDE_DIMS) -> None:
    """Fail unless each W[l] has the centre and the tails of normal draws (randn: not rand, not a
    truncated normal), whatever its scale (the variance has a test of its own).

    Two exact tests per layer, 2L in all, each at a = ALPHA / (2L), that hold for N(0, σ²) draws
    of any σ:
    - the centre: t = mean(W) / (s / sqrt(N)), s the sample standard deviation, is Student's t
      with N - 1 degrees of freedom; |t| <= t.isf(a/2, N - 1) = 5.16 for L = 2. rand() × scale
      has a mean of half the scale: |t| in the hundreds.
    - the tails: c = #{|w| > 2.5·σ̂} with σ̂² = mean(W²). With probability 1 - a/3,
      r = σ̂²/σ² lies in the chi-square interval [r_lo, r_hi] of check_variance; then c lies between
      the counts beyond 2.5·sqrt(r_hi)·σ and beyond 2.5·sqrt(r_lo)·σ, two exact binomials, each
      outside its (a/3)-bound with probability at most a/3. So c must lie in
      [binom.ppf(a/3, N, p(2.5·sqrt(r_hi))), binom.isf(a/3, N, p(2.5·sqrt(r_lo)))], p(x) = 2·norm.sf(x):
      [330, 695] around 497 for N = 40 000, [13, 143] around 62 for N = 5 000. A normal truncated at
      two standard deviations and rescaled (what Keras's HeNormal draws) never goes beyond
      2/0.8796 = 2.27σ̂, a uniform one never beyond sqrt(3)σ̂ = 1.73σ̂: c = 0.
    """
    arrays, call = initialize(impl, function, layers_dims, seed=seed)
    Ws = weights(arrays)
    a = ALPHA / (2 * len(Ws))
    for l, W in enumerate(Ws, start=1):
        N = W.size
        t = float(W.mean() / (W.std(ddof=1) / np.sqrt(N))) if W.std() > 0 else float("inf")
        t_bound = stats.t.isf(a / 2, N - 1)
        if not abs(t) <= t_bound:
            checks.fail(f"{call}: the mean of W{l} is {W.mean():.4g}, {abs(t):.1f} standard errors from 0 "
                        f"(at most {t_bound:.2f} for normal draws centred at 0, but for a probability of "
                        f"{a:.1e}): the weights must be centred at 0. np.random.rand draws from [0, 1); the "
                        "course's np.random.randn from the standard normal distribution")
        r_lo, r_hi = stats.chi2.ppf(a / 6, N) / N, stats.chi2.isf(a / 6, N) / N
        sigma_hat = float(np.sqrt(np.mean(W**2)))
        count = int(np.sum(np.abs(W) > 2.5 * sigma_hat))
        low = stats.binom.ppf(a / 3, N, 2 * stats.norm.sf(2.5 * np.sqrt(r_hi)))
        high = stats.binom.isf(a / 3, N, 2 * stats.norm.sf(2.5 * np.sqrt(r_lo)))
        if not low <= count <= high:
            checks.fail(f"{call}: {count} of the {N} entries of W{l} lie beyond 2.5 times their root mean "
                        f"square ({2.5 * sigma_hat:.4g}); normal draws give about {N * 2 * stats.norm.sf(2.5):.0f}, "
                        f"between {low:.0f} and {high:.0f} with probability 1 - {a:.1e}. Draw from the normal "
                        "distribution itself (randn), not a truncated normal (keras.initializers.HeNormal or "
                        "GlorotNormal) or a uniform one")


def check_seed_handling(impl: Any, function: str, layers_dims: tuple[int, ...] = (3, 5, 4, 2)) -> None:
    """The same seed gives the same parameters, seed 3 is the default, seeds 3 and 4 differ, the
    layers are drawn one after the other from one generator, and NumPy's global state is untouched."""
    name = function.rpartition(".")[2]
    with observe() as seen:
        first, call = initialize(impl, function, layers_dims, seed=3)
        again, _ = initialize(impl, function, layers_dims, seed=3)
        default, default_call = initialize(impl, function, layers_dims)
        other, other_call = initialize(impl, function, layers_dims, seed=4)
    if seen.numpy_global_random:
        checks.fail(f"{call} used NumPy's global random state (np.random.seed, np.random.randn, ...): that "
                    "changes every other program's random numbers. Draw from a generator of your own, "
                    "rng = np.random.RandomState(seed), then rng.randn(...): the same numbers as the course's")
    for key in first:
        if not np.array_equal(first[key], again[key]):
            checks.fail(f"{call} twice gave two different {key}: the result must depend on the seed alone")
        if not np.array_equal(first[key], default[key]):
            checks.fail(f"{default_call} and {call} gave different {key}: the default seed is 3, the course's "
                        f"(keep the signature {name}(layers_dims, seed=3))")
    if np.array_equal(first["W1"], other["W1"]):
        checks.fail(f"{call} and {other_call} gave the same W1: the seed is ignored "
                    "(create the generator with np.random.RandomState(seed), not a fixed number)")
    Ws = [W.ravel() for W in weights(first)]
    for l, W in enumerate(Ws, start=1):
        if np.unique(W).size < W.size:
            checks.fail(f"{call}: W{l} holds the same value more than once; independent normal draws are never "
                        "equal. Draw the whole matrix at once, rng.randn(n[l], n[l-1])")
        for k, V in enumerate(Ws[:l - 1], start=1):
            size = min(V.size, W.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = W[:size] / V[:size]
            if size > 1 and np.allclose(ratio, ratio[0], rtol=1e-9, atol=0):
                checks.fail(f"{call}: W{l} starts with the same draws as W{k} (W{l}.ravel()[:{size}] = "
                            f"{ratio[0]:.6g} × W{k}.ravel()[:{size}]); each layer must continue the same "
                            "stream: create the generator once, before the loop, not a new RandomState(seed) "
                            "for every layer")


def second_moments(arrays: dict[str, np.ndarray], X: np.ndarray,
                   activation: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """mean(A[l]²) / mean(X²) after each layer l of A[l] = activation(W[l]·A[l-1] + b[l])."""
    A, moments = X, []
    for l, W in enumerate(weights(arrays), start=1):
        A = activation(W @ A + arrays[f"b{l}"])
        moments.append(float(np.mean(A**2) / np.mean(X**2)))
    return np.array(moments)


def check_second_moment_through_stack(impl: Any, function: str, width: int, activation_name: str,
                                      activation: Callable[[np.ndarray], np.ndarray], advice: str,
                                      depth: int = 10, m: int = 32, seed: int = 3) -> None:
    """Fail unless mean(A[l]²) stays within a factor 4 of mean(X²) through ``depth`` layers of
    ``width`` units, for standard normal inputs X of shape (width, m)."""
    layers_dims = [width] * (depth + 1)
    arrays, call = initialize(impl, function, layers_dims, seed=seed)
    X = np.random.default_rng(0).standard_normal((width, m))
    moments = second_moments(arrays, X, activation)
    outside = np.flatnonzero((moments < 0.25) | (moments > 4))
    if outside.size:
        l = int(outside[0]) + 1
        trajectory = ", ".join(f"{value:.3g}" for value in moments)
        checks.fail(f"{call}, then A[l] = {activation_name}(W[l]·A[l-1] + b[l]) for standard normal inputs X "
                    f"of shape ({width}, {m}): after layer {l} mean(A[{l}]²) is {moments[l - 1]:.3g} times "
                    f"mean(X²), expected between 1/4 and 4 at every layer. By layer: {trajectory}. {advice}")


def symmetric_training(parameters: dict[str, np.ndarray], activation: Callable[[tf.Tensor], tf.Tensor],
                       steps: int = 25, learning_rate: float = 1.0) -> dict[str, np.ndarray]:
    """Train LINEAR -> activation -> LINEAR -> SIGMOID from ``parameters`` by batch gradient descent
    (tf.GradientTape and keras.optimizers.SGD, float64) on a small fixed data set; the trained
    parameters as arrays. X has shape (3, 40); the label is 1 where x1·x2 > 0."""
    import keras
    import tensorflow as tf
    rng = np.random.default_rng(7)
    X = tf.constant(rng.normal(size=(3, 40)))
    Y = tf.constant((X[0:1] * X[1:2]).numpy() > 0, dtype=tf.float64)
    variables = {key: tf.Variable(value, dtype=tf.float64) for key, value in parameters.items()}
    loss = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    order = ["W1", "b1", "W2", "b2"]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            A1 = activation(variables["W1"] @ X + variables["b1"])
            Z2 = variables["W2"] @ A1 + variables["b2"]
            J = loss(tf.transpose(Y), tf.transpose(Z2))
        gradients = tape.gradient(J, [variables[key] for key in order])
        optimizer.apply_gradients(zip(gradients, [variables[key] for key in order]))
    return {key: variables[key].numpy() for key in order}


def hidden_units(parameters: dict[str, np.ndarray]) -> np.ndarray:
    """One row per hidden unit j: its incoming weights W1[j, :], its bias b1[j], its outgoing W2[:, j]."""
    return np.concatenate([parameters["W1"], parameters["b1"], parameters["W2"].T], axis=1)


def units_identical(parameters: dict[str, np.ndarray]) -> bool:
    units = hidden_units(parameters)
    return bool(np.allclose(units, units[0:1], rtol=1e-9, atol=1e-12))
