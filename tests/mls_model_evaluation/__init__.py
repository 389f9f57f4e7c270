"""The graded tests of mls_model_evaluation: shared oracles and data in oracles.py, one file per graded function."""
