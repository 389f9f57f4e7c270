"""The graded tests of c2w1_initialization: shared oracles and checks in oracles.py, one file per graded function."""
