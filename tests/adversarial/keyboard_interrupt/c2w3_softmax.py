"""Interrupts."""

import signal

import numpy as np


def softmax(Z):
    raise KeyboardInterrupt


def hardmax(Z):
    signal.raise_signal(signal.SIGINT)
    A = np.zeros(Z.shape)
    A[np.argmax(Z, axis=0), np.arange(Z.shape[1])] = 1.0
    return A
