"""The graded tests of c2w3_softmax: shared oracles and data in oracles.py, one file per graded function."""
