"""Floods the output."""

import numpy as np


def softmax(Z):
    print("x" * 10_000_000)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def hardmax(Z):
    for line in range(20_000):
        print("flood", line)
    return np.zeros(Z.shape)
