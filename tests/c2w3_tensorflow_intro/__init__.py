"""The graded tests of c2w3_tensorflow_intro: shared oracles and data in oracles.py, one file per graded function."""
