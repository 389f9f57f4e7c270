# Exercise stub generated from solutions/c2w3_softmax.py by `make stubs`.
# Replace each `raise NotImplementedError(...)` line with your code; keep the signatures.
"""Softmax (smoke)."""

import numpy as np


def softmax(Z: np.ndarray) -> np.ndarray:
    """Softmax over the class axis.

    Args:
        Z: logits, shape (C, m).

    Returns:
        A: probabilities, shape (C, m); each column sums to 1.
    """
    raise NotImplementedError("c2w3_softmax.softmax")
