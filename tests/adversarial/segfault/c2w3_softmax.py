"""softmax crashes the interpreter."""

import ctypes

import numpy as np


def softmax(Z):
    ctypes.string_at(0)


def hardmax(Z):
    A = np.zeros(Z.shape)
    A[np.argmax(Z, axis=0), np.arange(Z.shape[1])] = 1.0
    return A
