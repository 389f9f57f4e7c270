"""Prints what no results file can hold as it is: lone surrogates, NUL, terminal escapes."""

import os
import sys

import numpy as np


def softmax(Z):
    print("\udcff\udc80 \x00\x1b[2J\x1b]0;pwned\x07 \x7f\x85 done")
    sys.stderr.write("\ud800 broken \x0c\x08\n")
    return np.zeros(Z.shape)


def hardmax(Z):
    os.write(1, b"\xff\xfe invalid utf-8 \x00\n")
    A = np.zeros(Z.shape)
    A[np.argmax(Z, axis=0), np.arange(Z.shape[1])] = 1.0
    return A
