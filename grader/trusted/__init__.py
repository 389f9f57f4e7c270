"""The trusted side of grading: what runs in the grader's own processes, never the student's code.

``isolation`` (module sessions and the grading run), ``remote`` (the proxies a test holds and the
errors it sees), ``workers`` (one worker process, its pipes and deadlines), ``sandbox`` (user ids,
folders, namespaces), ``rebuild`` (Keras objects rebuilt within bounds), ``submission`` (reading a
submission without trusting it), ``results`` (results.json, JUnit, the table).
"""
