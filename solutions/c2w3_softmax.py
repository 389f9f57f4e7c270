"""Softmax (smoke)."""

import numpy as np


def softmax(Z: np.ndarray) -> np.ndarray:
    """Softmax over the class axis.

    Args:
        Z: logits, shape (C, m).

    Returns:
        A: probabilities, shape (C, m); each column sums to 1.
    """
    ### BEGIN SOLUTION
    shifted = Z - Z.max(axis=0, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=0, keepdims=True)
    ### END SOLUTION
