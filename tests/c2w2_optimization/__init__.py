"""The graded tests of c2w2_optimization: shared oracles and data in oracles.py, one file per graded function."""
