"""Interrupts."""

import os
import signal

import numpy as np


def softmax(Z):
    raise KeyboardInterrupt


def hardmax(Z):
    os.kill(os.getpid(), signal.SIGINT)
    A = np.zeros(Z.shape)
    A[np.argmax(Z, axis=0), np.arange(Z.shape[1])] = 1.0
    return A
