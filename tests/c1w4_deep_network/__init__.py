"""The graded tests of c1w4_deep_network: shared oracles and data in oracles.py, one file per graded function."""
