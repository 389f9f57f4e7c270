"""Graph mode for everyone, if it could."""

import numpy as np
import tensorflow as tf


tf.compat.v1.disable_eager_execution()


def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def hardmax(Z):
    A = np.zeros(Z.shape)
    A[np.argmax(Z, axis=0), np.arange(Z.shape[1])] = 1.0
    return A
