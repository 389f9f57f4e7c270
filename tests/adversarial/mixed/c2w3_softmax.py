"""Half right."""

import numpy as np


def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def hardmax(Z):
    return Z.argmax(axis=0)
