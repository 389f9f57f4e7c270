"""The learning curve of c1w4_deep_network.L_layer_model (``course plot``)."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits

from grader.curves import curve
from tests.c1w4_deep_network.oracles import MODEL


@curve(MODEL, xlabel="iteration", every=100)
def deep_network_on_digits(module):
    """[64, 20, 7, 5, 1] on 500 of scikit-learn's digits, "is it a 0?", the course's learning rate."""
    X, y = load_digits(return_X_y=True)
    X, Y = np.ascontiguousarray(X[:500].T / 16.0), (y[:500] == 0).astype(np.float64)[None, :]
    return module.L_layer_model(X, Y, [64, 20, 7, 5, 1], learning_rate=0.0075, num_iterations=1500)[1]
