"""The code that runs inside a worker process, beside the student's code.

These three files are copied for the worker to read and import nothing of the grader beyond
each other: ``worker.py`` (the request loop), ``codec.py`` (the wire format, shared with the
trusted side), ``loader.py`` (imports a module file under a private name).
"""
