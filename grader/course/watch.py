"""``course watch [MODULE]``: check the function being edited each time its file is saved.

A warm grader (:class:`grader.course.warm.WarmGrader`) holds the trusted side and a clean worker
between checks, so a save gets its verdict in about a second; each check is the same isolated
run as ``course check MODULE.FUNCTION``, with the same messages and the same status kept.

Which functions a save checks: the graded functions whose source changed since the last save;
when only the rest of the file changed (imports, helpers), every graded function already written
(no ``raise NotImplementedError`` left in it). A file that does not parse gets one line saying
where, and no check.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import sys
import tempfile
import time
from pathlib import Path

from grader import split_task
from grader.course import cli
from grader.course.warm import WarmGrader
from grader.trusted.submission import preload_for

REST = ""  # the key of everything in a file that is not a graded function


def graded_sources(path: Path, names: set[str]) -> dict[str, str] | str:
    """The source of each graded function of a module file (``names``), and of the rest under
    :data:`REST`; or the one line that says why the file cannot be read as Python."""
    try:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=path.name)
    except SyntaxError as err:
        return f"{path.name}, line {err.lineno}: SyntaxError: {err.msg} (not checked until it parses)"
    except (OSError, UnicodeDecodeError) as err:
        return f"{path.name} cannot be read ({err})"
    lines = source.splitlines(keepends=True)
    found, rest = {}, list(lines)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            found[node.name] = "".join(lines[first : node.end_lineno])
            rest[first : node.end_lineno] = [""] * (node.end_lineno - first)
    found[REST] = "".join(rest)
    return found


def to_check(before: dict[str, str], now: dict[str, str]) -> list[str]:
    """The graded functions a save should check (see the module's docstring)."""
    changed = [name for name in now if name != REST and now[name] != before.get(name)]
    if changed or now[REST] == before.get(REST):
        return changed
    return [name for name in now if name != REST and "raise NotImplementedError" not in now[name]]


def watch(args: argparse.Namespace) -> int:
    import watchfiles  # only this command needs it

    folder = Path(args.impl).resolve() if args.impl else cli.EXERCISES
    modules = cli.known_modules()
    if args.module is not None and args.module not in modules:
        raise cli.CourseError(f"no exercise module {args.module!r}; `course list` shows them all. "
                              f"Received: {args.module}")
    modules = [args.module] if args.module else modules
    tasks = cli.catalog()
    names = {m: {split_task(t)[1] for t in tasks if split_task(t)[0] == m} for m in modules}
    files = {m: folder / f"{m}.py" for m in modules}
    seen = {m: graded_sources(files[m], names[m]) for m in modules}
    private = Path(tempfile.mkdtemp(prefix="course-watch-"))
    warm = WarmGrader(cli.ROOT, cli.test_files_for(modules), preload_for(files.values()),
                      (args.time_limit, args.import_time_limit, args.memory_limit))
    where = cli.display_name(folder) + (f"{args.module}.py" if args.module else "")
    try:
        print(f"Watching {where}; starting the grader (TensorFlow and the tests, once) ...", file=sys.stderr)
        warm.start(private / "service.log")
        if not warm.ready(private / "ready.log"):
            raise cli.CourseError(f"the grader did not start (its log: {private / 'service.log'})")
        wanted = {str(path) for path in files.values()}
        ready = False
        for changes in watchfiles.watch(folder, watch_filter=lambda _, path: path in wanted, debounce=400, step=20,
                                        rust_timeout=200, yield_on_timeout=True, raise_interrupt=False):
            if not ready:  # the first (empty) answer: the watcher is in place
                print("Ready: save the file to check the function you changed (Ctrl-C stops).", file=sys.stderr)
                ready = True
            for module in sorted({Path(path).stem for _, path in changes}):
                now = graded_sources(files[module], names[module])
                if isinstance(now, str):
                    print(now, flush=True)
                    continue
                before, seen[module] = seen[module], now
                checked = to_check(before if isinstance(before, dict) else {}, now)
                if checked:
                    check(folder, [f"{module}.{name}" for name in checked], warm, args)
    finally:
        warm.close()
        if not args.debug:
            shutil.rmtree(private, ignore_errors=True)
    return 0


def check(folder: Path, tasks: list[str], warm: WarmGrader, args: argparse.Namespace) -> None:
    """One save's check, printed as `course check` prints it."""
    print(f"\n[{time.strftime('%H:%M:%S')}] checking {' '.join(tasks)}", flush=True)
    run = cli.run_graded(folder, tasks, prefix=cli.display_name(folder), warm=warm, **cli._limits(args))
    if not run.tests:
        print(f"not checked: {run.error or 'no graded tests ran'}", flush=True)
        return
    status = cli.load_status() if args.impl is None else None
    if status is not None:
        cli.remember(run, {split_task(t)[0]: folder / f"{split_task(t)[0]}.py" for t in tasks}, status)
    cli.report_check(run, status, verbose=args.verbose)
    sys.stdout.flush()
