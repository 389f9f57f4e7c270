"""The two pytest plugins: ``graded`` (what is under test: ``--impl``, ``--task``, ``--audit``, the
scores) and ``isolated`` (running it in worker processes: the ``impl`` fixture, the report)."""
