"""The course's TF1 program as written in 2017: graph mode for everyone, the global graph."""

import numpy as np
import tensorflow as tf


def minimize_cost_graph(coefficients, learning_rate=0.01, num_iterations=1000):
    tf.compat.v1.disable_eager_execution()
    tf.random.set_seed(1)
    graph = tf.compat.v1.get_default_graph()
    with graph.as_default():
        w = tf.Variable(0.0, dtype=tf.float32)
        x = tf.compat.v1.placeholder(tf.float32, [3, 1])
        cost = x[0][0] * w**2 + x[1][0] * w + x[2][0]
        train = tf.compat.v1.train.GradientDescentOptimizer(learning_rate).minimize(cost)
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(tf.compat.v1.global_variables_initializer())
            for _ in range(num_iterations):
                session.run(train, feed_dict={x: np.reshape(coefficients, (3, 1))})
            return float(session.run(w))
