"""hardmax kills its own process."""

import os

import numpy as np


def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def hardmax(Z):
    os._exit(3)
