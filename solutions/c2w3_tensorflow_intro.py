"""The course's first TensorFlow program, then a three-layer classifier trained with Adam.

**Two ways to run TensorFlow.** The course's first program minimises the cost
``J(w) = x0*w**2 + x1*w + x2`` for coefficients ``x = [[x0], [x1], [x2]]`` fed at run time; with
``[[1.], [-20.], [100.]]`` it is ``(w - 10)**2``, smallest at ``w = 10`` (``w**2 - 10*w + 25`` is
smallest at ``w = 5``; in general ``w* = -x1 / (2*x0)`` when ``x0 > 0``). Gradient descent with
learning rate ``alpha`` takes the step ``w <- w - alpha * dJ/dw = w - alpha * (2*x0*w + x1)``, so
one step from ``w = 0`` with those coefficients and ``alpha = 0.01`` gives ``w = 0.2``.

- *TensorFlow 1: a graph, then a session.* You first *describe* the computation: a
  ``placeholder`` for ``x`` (a slot filled at run time), a ``Variable`` for ``w``, the cost, and
  ``GradientDescentOptimizer(alpha).minimize(cost)``, an operation that computes ``dJ/dw`` by
  walking the graph backwards and updates ``w``. Nothing runs yet. A ``Session`` then runs
  operations of that graph: ``session.run(train, feed_dict={x: coefficients})`` is one step.
  Build the graph inside your own ``tf.Graph()``: since TensorFlow 2 runs eagerly, the course's
  ``tf.compat.v1.disable_eager_execution()`` would switch every later line of the whole program
  (every other exercise, every test) into graph mode.
- *TensorFlow 2: eager execution and a tape.* Operations run as soon as they are written. A
  ``tf.GradientTape`` records the operations on ``tf.Variable``s while the cost is computed;
  ``tape.gradient(cost, w)`` plays that recording backwards, and a Keras optimizer's
  ``apply_gradients`` does the update. The same program, without placeholders or sessions.

**The classifier.** With the course's column layout (``X`` of shape ``(n_x, m)``, one example per
column) the network is LINEAR -> RELU -> LINEAR -> RELU -> LINEAR:
``Z1 = W1 X + b1, A1 = relu(Z1), Z2 = W2 A1 + b2, A2 = relu(Z2), Z3 = W3 A2 + b3``. It stops at
the *logits* ``Z3``, shape ``(n_y, m)``: no softmax. The loss takes the logits and applies the
softmax itself (``from_logits=True``); computing ``-log softmax(Z)`` in one piece,
``logsumexp(Z) - Z_true``, stays exact where a separate softmax would round a probability to 0
(Keras then clips it, so the loss of a confidently wrong example is capped near 16 instead of
being, say, 80).

**Why the loss is a sum.** ``compute_total_loss`` returns the *sum* of the examples' losses in
a mini-batch, not their mean. Over one epoch ``model`` adds the mini-batch sums and divides once
by ``m``: the exact mean loss over the training set. Averaging the mini-batch means instead would
give the last, smaller mini-batch (``m`` is rarely a multiple of the mini-batch size) as much
weight as a full one. Adam is indifferent to the scale of the gradient, so the sum trains as
well as the mean would.

Shapes: Keras' losses and ``tf.data`` put examples first, ``(m, n_y)``; this module keeps the
course's columns ``(n_y, m)`` and transposes where it meets them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import keras
import numpy as np
import tensorflow as tf

HIDDEN_UNITS = (25, 12)  # the course's hidden layers: layer_dims = [n_x, 25, 12, n_y]


def _coefficient_column(coefficients: object) -> np.ndarray:
    """``coefficients`` as a float32 column ``(3, 1)``; (3,) and (3, 1) inputs are accepted."""
    column = np.asarray(coefficients, dtype=np.float32)
    if column.size != 3 or column.ndim > 2:
        raise ValueError("coefficients are [[x0], [x1], [x2]] of J(w) = x0*w**2 + x1*w + x2, shape "
                         f"(3, 1). Received: coefficients.shape={column.shape}")
    return column.reshape(3, 1)


def _check_descent(learning_rate: float, num_iterations: int) -> None:
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive. Received: learning_rate={learning_rate!r}")
    if isinstance(num_iterations, bool) or not isinstance(num_iterations, (int, np.integer)) \
            or num_iterations < 0:
        raise ValueError("num_iterations must be a non-negative integer. "
                         f"Received: num_iterations={num_iterations!r}")


def minimize_cost_graph(coefficients: np.ndarray, learning_rate: float = 0.01,
                        num_iterations: int = 1000) -> float:
    """Minimise ``J(w) = x0*w**2 + x1*w + x2`` the TensorFlow 1 way: a graph, then a session.

    Builds, inside a private ``tf.Graph()``, a ``tf.compat.v1.placeholder`` ``x`` of shape
    (3, 1), a float32 variable ``w`` that starts at 0, the cost, and
    ``tf.compat.v1.train.GradientDescentOptimizer(learning_rate).minimize(cost)``; then a
    ``tf.compat.v1.Session`` on that graph initialises ``w`` and runs the training operation
    ``num_iterations`` times with ``feed_dict={x: coefficients}``. Eager execution stays on for
    the rest of the program and the default graph is left untouched.

    Args:
        coefficients: ``[[x0], [x1], [x2]]``, shape (3, 1) (a flat (3,) is accepted).
        learning_rate: the gradient-descent step size ``alpha``.
        num_iterations: how many steps ``w <- w - alpha * (2*x0*w + x1)`` to take from w = 0.

    Returns:
        ``w`` after the last step, a Python float (0.2 after one step with ``[[1.], [-20.], [100.]]``
        and the default learning rate; close to 10 after the default 1000 steps).

    Raises:
        ValueError: ``coefficients`` do not hold 3 numbers, ``learning_rate`` is not positive or
            ``num_iterations`` is not a non-negative integer.
    """
    column = _coefficient_column(coefficients)  # float32, shape (3, 1): what x is fed
    _check_descent(learning_rate, num_iterations)
    ### BEGIN SOLUTION
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, shape=(3, 1), name="x")
        w = tf.compat.v1.Variable(0.0, dtype=tf.float32, name="w")
        cost = x[0][0] * w**2 + x[1][0] * w + x[2][0]
        train = tf.compat.v1.train.GradientDescentOptimizer(learning_rate).minimize(cost)
        init = tf.compat.v1.global_variables_initializer()
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(init)
            for _ in range(num_iterations):
                session.run(train, feed_dict={x: column})
            return float(session.run(w))
    ### END SOLUTION


def minimize_cost_eager(coefficients: np.ndarray, learning_rate: float = 0.01,
                        num_iterations: int = 1000) -> float:
    """Minimise ``J(w) = x0*w**2 + x1*w + x2`` the TensorFlow 2 way: eager, with a tape.

    ``w`` is a float32 ``tf.Variable`` that starts at 0. Each of the ``num_iterations`` steps
    computes the cost under a ``tf.GradientTape``, asks the tape for ``dJ/dw`` and lets
    ``keras.optimizers.SGD(learning_rate)`` apply it: the same iterates as
    :func:`minimize_cost_graph`.

    Args:
        coefficients: ``[[x0], [x1], [x2]]``, shape (3, 1) (a flat (3,) is accepted).
        learning_rate: the gradient-descent step size ``alpha``.
        num_iterations: how many steps ``w <- w - alpha * (2*x0*w + x1)`` to take from w = 0.

    Returns:
        ``w`` after the last step, a Python float.

    Raises:
        ValueError: ``coefficients`` do not hold 3 numbers, ``learning_rate`` is not positive or
            ``num_iterations`` is not a non-negative integer.
    """
    column = _coefficient_column(coefficients)  # float32, shape (3, 1): what x is fed
    _check_descent(learning_rate, num_iterations)
    ### BEGIN SOLUTION
    x = tf.constant(column)
    w = tf.Variable(0.0, dtype=tf.float32)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    for _ in range(num_iterations):
        with tf.GradientTape() as tape:
            cost = x[0][0] * w**2 + x[1][0] * w + x[2][0]
        gradient = tape.gradient(cost, w)
        optimizer.apply_gradients([(gradient, w)])
    return float(w.numpy())
    ### END SOLUTION


def linear_function(X: tf.Tensor, W: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    """The linear part of a layer, ``Y = W X + b``.

    Args:
        X: inputs, shape (n_x, m), one example per column.
        W: weights, shape (n_y, n_x).
        b: bias, shape (n_y, 1), broadcast over the m columns.
            All three share one float dtype (NumPy arrays or tensors).

    Returns:
        Y: a ``tf.Tensor`` of shape (n_y, m).

    Raises:
        ValueError: ``W`` does not have one column per row of ``X``.
    """
    if W.shape[-1] != X.shape[0]:
        raise ValueError(f"W (n_y, n_x) multiplies X (n_x, m) from the left, so W needs one column "
                         f"per row of X. Received: W.shape={tuple(W.shape)}, X.shape={tuple(X.shape)}")
    ### BEGIN SOLUTION
    return tf.add(tf.matmul(W, X), b)
    ### END SOLUTION


def sigmoid(z: object) -> tf.Tensor:
    """The logistic function ``1 / (1 + exp(-z))``, element-wise, in TensorFlow.

    TensorFlow's sigmoid is defined on floats only; an integer input (``sigmoid(0)``,
    ``np.array([-1, 0, 2])``) is cast to float32 first.

    Args:
        z: a number, array or tensor of any shape.

    Returns:
        a float ``tf.Tensor`` of ``z``'s shape with values in (0, 1).
    """
    ### BEGIN SOLUTION
    z = tf.convert_to_tensor(z)
    if not z.dtype.is_floating:
        z = tf.cast(z, tf.float32)
    return tf.keras.activations.sigmoid(z)
    ### END SOLUTION


def one_hot_matrix(label: object, depth: int) -> tf.Tensor:
    """One-hot encode class labels along axis 0, the course's class axis.

    A single label becomes a vector of length ``depth`` with a 1 at position ``label``
    (``one_hot_matrix(2, 4)`` is ``[0., 0., 1., 0.]``). A vector of ``m`` labels becomes the
    matrix ``Y`` of shape (depth, m) whose column ``j`` encodes ``label[j]``: the layout of
    :func:`compute_total_loss`'s ``labels``. Based on ``tf.one_hot(..., axis=0)``.

    Args:
        label: an integer class in ``[0, depth)``, shape (), or integer classes of shape (m,).
        depth: the number of classes C.

    Returns:
        a float32 ``tf.Tensor`` of shape (depth,) for a single label, (depth, m) for m labels.

    Raises:
        ValueError: ``depth`` is not a positive integer.
    """
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth is the number of classes, a positive integer. Received: depth={depth!r}")
    ### BEGIN SOLUTION
    return tf.one_hot(label, depth, axis=0)
    ### END SOLUTION


def initialize_parameters(layer_dims: Sequence[int], seed: int) -> dict[str, tf.Variable]:
    """Glorot-normal weights and zero biases for a fully connected network, as ``tf.Variable``s.

    Each weight matrix is drawn by ``keras.initializers.GlorotNormal``: a normal distribution
    truncated at two standard deviations and rescaled so that the entries of ``W[l]`` have
    standard deviation ``sqrt(2 / (n[l-1] + n[l]))``. The draws are reproducible from ``seed``.
    (A Keras initializer built with an integer seed returns the same numbers at every call; a
    ``keras.random.SeedGenerator`` built from the seed moves on after each draw.)

    Args:
        layer_dims: ``[n0, n1, ..., nL]``, the number of units of each layer, input first
            (the course's network: ``[12288, 25, 12, 6]``).
        seed: makes the weights reproducible.

    Returns:
        parameters: ``{"W1": ..., "b1": ..., ..., "WL": ..., "bL": ...}``, float32
        ``tf.Variable``s, ``W[l]`` of shape (n[l], n[l-1]) and ``b[l]`` of shape (n[l], 1), zeros.

    Raises:
        ValueError: fewer than two layers, or a layer without units.

    Reference:
        Glorot & Bengio, Understanding the difficulty of training deep feedforward neural
        networks, AISTATS 2010.
    """
    if len(layer_dims) < 2 or any(int(n) < 1 for n in layer_dims):
        raise ValueError("layer_dims lists the units of the input and of at least one layer, all "
                         f"positive. Received: layer_dims={list(layer_dims)!r}")
    ### BEGIN SOLUTION
    initializer = keras.initializers.GlorotNormal(seed=keras.random.SeedGenerator(seed))
    parameters = {}
    for l in range(1, len(layer_dims)):
        shape = (int(layer_dims[l]), int(layer_dims[l - 1]))
        parameters[f"W{l}"] = tf.Variable(initializer(shape=shape, dtype="float32"), name=f"W{l}")
        parameters[f"b{l}"] = tf.Variable(tf.zeros((shape[0], 1)), name=f"b{l}")
    return parameters
    ### END SOLUTION


def forward_propagation(X: tf.Tensor, parameters: Mapping[str, tf.Variable]) -> tf.Tensor:
    """LINEAR -> RELU -> LINEAR -> RELU -> LINEAR, stopping at the logits.

    ``Z1 = W1 X + b1``, ``A1 = relu(Z1)``, ``Z2 = W2 A1 + b2``, ``A2 = relu(Z2)``,
    ``Z3 = W3 A2 + b3``. No activation on the output: the loss applies the softmax.

    Args:
        X: inputs, shape (n_x, m), float32, one example per column.
        parameters: ``W1`` (n1, n_x), ``b1`` (n1, 1), ``W2`` (n2, n1), ``b2`` (n2, 1),
            ``W3`` (n_y, n2), ``b3`` (n_y, 1), as :func:`initialize_parameters` makes them.

    Returns:
        Z3: the logits, a ``tf.Tensor`` of shape (n_y, m).

    Raises:
        ValueError: ``X`` does not have one row per column of ``W1``.
    """
    if X.shape[0] != parameters["W1"].shape[1]:
        raise ValueError(f"X has one row per input feature, as many as W1 has columns "
                         f"({parameters['W1'].shape[1]}). Received: X.shape={tuple(X.shape)}")
    ### BEGIN SOLUTION
    Z1 = tf.math.add(tf.linalg.matmul(parameters["W1"], X), parameters["b1"])
    A1 = tf.keras.activations.relu(Z1)
    Z2 = tf.math.add(tf.linalg.matmul(parameters["W2"], A1), parameters["b2"])
    A2 = tf.keras.activations.relu(Z2)
    Z3 = tf.math.add(tf.linalg.matmul(parameters["W3"], A2), parameters["b3"])
    return Z3
    ### END SOLUTION


def compute_total_loss(logits: tf.Tensor, labels: tf.Tensor) -> tf.Tensor:
    """The categorical cross-entropy of a mini-batch, summed over its examples, from logits.

    ``total_loss = sum_j -log softmax(logits[:, j])[class of j]``, computed from the logits in
    one numerically stable piece (``from_logits=True``). Keras' losses want examples first,
    ``(m, n_y)``, so both arguments are transposed. The result is a tensor, so that a
    ``tf.GradientTape`` can differentiate it: ``d total_loss / d logits = softmax(logits) - labels``.

    Args:
        logits: ``Z3`` from :func:`forward_propagation`, shape (n_y, m), float32.
        labels: one-hot labels ``Y``, shape (n_y, m), same dtype, one column per example.

    Returns:
        total_loss: a 0-d float32 ``tf.Tensor``, the sum (not the mean) over the m examples.

    Raises:
        ValueError: ``logits`` and ``labels`` differ in shape.
    """
    if tuple(logits.shape) != tuple(labels.shape):
        raise ValueError("logits and labels are both (n_y, m). "
                         f"Received: logits.shape={tuple(logits.shape)}, labels.shape={tuple(labels.shape)}")
    ### BEGIN SOLUTION
    losses = keras.losses.categorical_crossentropy(tf.transpose(labels), tf.transpose(logits),
                                                   from_logits=True)
    return tf.reduce_sum(losses)
    ### END SOLUTION


def model(X_train: np.ndarray, Y_train: np.ndarray, X_test: np.ndarray, Y_test: np.ndarray,
          learning_rate: float = 0.0001, num_epochs: int = 1500, minibatch_size: int = 32,
          seed: int = 1, *, print_cost: bool = False
          ) -> tuple[dict[str, tf.Variable], list[float], list[float], list[float]]:
    """Train the three-layer network ``[n_x, 25, 12, n_y]`` with Adam on ``tf.data`` mini-batches.

    The parameters come from ``initialize_parameters([n_x, 25, 12, n_y], seed)``. Each epoch the
    whole training set is shuffled (``Dataset.shuffle`` with a buffer of ``m`` and ``seed``: a
    new order every epoch, the same orders every run) and cut into mini-batches of ``minibatch_size`` (the last one may be smaller). For each
    mini-batch, under a ``tf.GradientTape``: logits by :func:`forward_propagation`, the summed
    loss by :func:`compute_total_loss`; then ``keras.optimizers.Adam(learning_rate)`` updates
    the parameters. The same arguments give the same result; no global state is touched.

    Args:
        X_train: training inputs, shape (n_x, m), one example per column.
        Y_train: their one-hot labels, shape (n_y, m).
        X_test: test inputs, shape (n_x, m_test).
        Y_test: their one-hot labels, shape (n_y, m_test).
        learning_rate: Adam's learning rate.
        num_epochs: passes over the training set (0 returns the initial parameters).
        minibatch_size: examples per mini-batch.
        seed: for the initial parameters and the shuffling.
        print_cost: print the cost and the accuracies every 10 epochs; nothing otherwise.

    Returns:
        ``(parameters, costs, train_acc, test_acc)``:
        parameters: the trained ``tf.Variable``s ``W1, b1, W2, b2, W3, b3`` (course shapes).
        costs: ``num_epochs`` Python floats; ``costs[e]`` is the sum of epoch ``e``'s mini-batch
        total losses (each computed before that mini-batch's update) divided by ``m``.
        train_acc: ``num_epochs`` Python floats; ``train_acc[e]`` is the fraction of training
        examples classified correctly during epoch ``e``, each by the parameters its mini-batch
        met (as Keras' ``fit`` reports it).
        test_acc: ``num_epochs`` Python floats; ``test_acc[e]`` is the accuracy on the test set
        with the parameters at the end of epoch ``e``. The predicted class is the argmax of the
        logits over axis 0.

    Raises:
        ValueError: inputs and labels disagree on ``m`` or ``n``, or ``num_epochs`` or
            ``minibatch_size`` is out of range.
    """
    X_train, Y_train, X_test, Y_test = (np.asarray(a, dtype=np.float32)  # float32 NumPy from here on
                                        for a in (X_train, Y_train, X_test, Y_test))
    if X_train.shape[1] != Y_train.shape[1] or X_test.shape[1] != Y_test.shape[1] \
            or X_train.shape[0] != X_test.shape[0] or Y_train.shape[0] != Y_test.shape[0]:
        raise ValueError("X_* is (n_x, m) and Y_* is (n_y, m): one column per example. Received: "
                         f"X_train.shape={X_train.shape}, Y_train.shape={Y_train.shape}, "
                         f"X_test.shape={X_test.shape}, Y_test.shape={Y_test.shape}")
    if num_epochs < 0 or minibatch_size < 1:
        raise ValueError("num_epochs >= 0 and minibatch_size >= 1. "
                         f"Received: num_epochs={num_epochs!r}, minibatch_size={minibatch_size!r}")
    ### BEGIN SOLUTION
    (n_x, m), n_y = X_train.shape, Y_train.shape[0]
    parameters = initialize_parameters([n_x, *HIDDEN_UNITS, n_y], seed)
    variables = list(parameters.values())
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    train_accuracy = keras.metrics.CategoricalAccuracy()
    minibatches = (tf.data.Dataset.from_tensor_slices((X_train.T, Y_train.T))
                   .shuffle(m, seed=seed, reshuffle_each_iteration=True)
                   .batch(minibatch_size)
                   .prefetch(8))
    costs, train_acc, test_acc = [], [], []
    for epoch in range(num_epochs):
        epoch_total_loss = 0.0
        train_accuracy.reset_state()
        for minibatch_X, minibatch_Y in minibatches:  # examples first: (batch, n)
            with tf.GradientTape() as tape:
                Z3 = forward_propagation(tf.transpose(minibatch_X), parameters)
                minibatch_total_loss = compute_total_loss(Z3, tf.transpose(minibatch_Y))
            train_accuracy.update_state(minibatch_Y, tf.transpose(Z3))
            gradients = tape.gradient(minibatch_total_loss, variables)
            optimizer.apply_gradients(zip(gradients, variables))
            epoch_total_loss += float(minibatch_total_loss)
        costs.append(epoch_total_loss / m)
        train_acc.append(float(train_accuracy.result()))
        test_predictions = tf.argmax(forward_propagation(X_test, parameters), axis=0)
        test_acc.append(float(np.mean(test_predictions.numpy() == Y_test.argmax(axis=0))))
        if print_cost and epoch % 10 == 0:
            print(f"Cost after epoch {epoch}: {costs[-1]:.6f}; "
                  f"train accuracy {train_acc[-1]:.4f}, test accuracy {test_acc[-1]:.4f}")
    return parameters, costs, train_acc, test_acc
    ### END SOLUTION
