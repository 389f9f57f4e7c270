"""Endless recursion."""

import numpy as np


def softmax(Z):
    return softmax(Z)


def hardmax(Z):
    A = np.zeros(Z.shape)
    A[np.argmax(Z, axis=0), np.arange(Z.shape[1])] = 1.0
    return A
