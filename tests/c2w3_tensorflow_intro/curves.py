"""The learning curve of c2w3_tensorflow_intro.model (``course plot``)."""

from __future__ import annotations

from grader.curves import curve
from tests.c2w3_tensorflow_intro.oracles import TASK, blobs


@curve(TASK + "model", xlabel="epoch", ylabel="cost (mean over the training set)")
def model_on_blobs(module):
    """Three Gaussian blobs, 60 training examples each, Adam on mini-batches of 32 for 40 epochs."""
    X_train, Y_train = blobs(60, 1)
    X_test, Y_test = blobs(20, 2)
    return module.model(X_train, Y_train, X_test, Y_test, learning_rate=0.003, num_epochs=40, minibatch_size=32,
                        seed=1)[1]
