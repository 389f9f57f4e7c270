"""Right answers with side effects: prints, NumPy's global random state, a progress bar."""

import numpy as np


def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def train_softmax_regression(X, Y, num_classes, learning_rate=1.0, num_iterations=200, seed=0):
    labels = np.asarray(Y).reshape(-1).astype(int)
    n_x, m = X.shape
    np.random.seed(seed)  # the global random state, not a generator of its own
    W = 0.01 * np.random.default_rng(seed).standard_normal((num_classes, n_x))
    np.random.rand()
    b = np.zeros((num_classes, 1))
    Y_onehot = np.eye(num_classes)[:, labels]
    costs = []
    for i in range(num_iterations):
        A = softmax(W @ X + b)
        cost = float(-np.sum(Y_onehot * np.log(A)) / m)
        costs.append(cost)
        print(f"cost after iteration {i}: {cost}")
        dZ = A - Y_onehot
        W = W - learning_rate * (dZ @ X.T) / m
        b = b - learning_rate * dZ.sum(axis=1, keepdims=True) / m
    return {"W": W, "b": b}, costs


def predict_proba(model, X):
    import tensorflow as tf

    return tf.nn.softmax(model.predict(X), axis=-1).numpy()  # predict shows a progress bar
