"""The graded tests of c2w1_setup_and_diagnosis: shared oracles and data in oracles.py, one file per graded function."""
