"""The graded tests of c2w3_batch_norm: shared oracles and data in oracles.py, one file per graded function."""
