"""The graded tests of c2w1_regularization: shared oracles and data in oracles.py, one file per graded function."""
