import numpy as np
import tensorflow as tf
from grader import graded, mutant
from grader import checks

@graded("c2w3_softmax.softmax", points=2)
def test_softmax_matches_tf(impl):
    Z = np.random.default_rng(0).normal(size=(4, 5))
    checks.check_close(impl.softmax(Z), tf.nn.softmax(Z, axis=0).numpy(), call=checks.call("softmax", Z=Z),
        mistakes={"softmax over axis 1": tf.nn.softmax(Z, axis=1).numpy()})

@mutant("c2w3_softmax.softmax", "softmax over axis 1")
def softmax_wrong_axis(ref):
    return lambda Z: ref.softmax(Z.T).T

@mutant("c2w3_softmax.softmax", "no max shift")
def softmax_no_shift(ref):
    return lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True)
