"""The graded tests of mls_neural_networks: shared oracles and data in oracles.py, one file per graded function."""
