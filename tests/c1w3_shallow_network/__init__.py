"""The graded tests of c1w3_shallow_network: shared oracles and data in oracles.py, one file per graded function."""
