"""The graded tests of c1w2_logistic_regression: shared oracles and data in oracles.py, one file per graded function."""
