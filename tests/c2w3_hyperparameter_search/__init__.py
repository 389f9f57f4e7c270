"""The graded tests of c2w3_hyperparameter_search: shared oracles and checks in oracles.py, one file per graded function."""
