"""Exhausts memory."""

import numpy as np


def softmax(Z):
    return np.ones((2**17, 2**17))


def hardmax(Z):
    hoard = []
    while True:
        hoard.append(bytearray(10**8))
