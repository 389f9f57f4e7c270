"""The ``course`` command (:mod:`grader.course.cli`) and the Gradescope scripts it ships."""

from grader.course.cli import main

__all__ = ["main"]
