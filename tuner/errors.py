"""The tool's errors. Each message is one line; the command line prints it and exits non-zero.

- `ConfigError` (exit 2): settings that cannot make a sweep — an invalid parameter or option, a
  model that cannot be imported, a directory that holds a sweep with other settings;
- `ResultsError` (exit 1): a directory without the files a command reads;
- `SweepFailed` (exit 1): a sweep that stopped before its end (the message says how to resume).

A failed *trial* is none of these: it is recorded in `trials.csv` and the sweep goes on.
"""

CONFIG_EXIT = 2  # the exit code of a ConfigError (and of argparse's own errors)
FAILED_EXIT = 1  # that of a ResultsError or a SweepFailed


class ConfigError(ValueError):
    """Settings that cannot make a sweep."""


class ResultsError(RuntimeError):
    """A sweep directory without the files a command needs."""


class SweepFailed(RuntimeError):
    """A sweep that stopped before its last trial."""
