"""The exercises as notebooks: built from the stubs, read back as modules, graded like the files.

Fast unit tests first (the cell rule of :func:`grader.notebook.module_source`, the generated
notebooks, the drift check and the protection of a student's notebook, reading a submission);
then one grading run that grades a notebook and the equivalent module file side by side; then
notebooks run by a real kernel, whose every check cell is a grading run of its own.
"""

from __future__ import annotations

import ast
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from grader import notebook, stubgen
from grader.course import cli as course
from grader.course.serve import ENVIRONMENT
from grader.notebook import assemble, make_notebook, module_source, read_module
from grader.trusted import submission

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = '''\
"""A module that teaches something.

It has a literal block::

    y = x * x
"""

import numpy as np

SCALE = 2.0


def _helper(x):
    return x + 1


def square(x: float) -> float:
    """Return x squared.

    Example:
        ``square(3.0)`` is ``9.0``.
    """
    ### BEGIN SOLUTION
    return x * x
    ### END SOLUTION


class Layer:
    """A layer whose call is graded."""

    def call(self, x):
        ### BEGIN SOLUTION
        return _helper(x) * SCALE
        ### END SOLUTION


def _after(x):
    return square(x)
'''


def _namespace(source: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(compile(source, "module", "exec"), namespace)
    return namespace


def _cells(text: str) -> list[nbformat.NotebookNode]:
    return nbformat.reads(text, as_version=4).cells


def _stubgen(tmp_path: Path, *options: str) -> int:
    return stubgen.main([*options, "--solutions", str(tmp_path / "solutions"),
                         "--exercises", str(tmp_path / "exercises"), "--notebooks", str(tmp_path / "notebooks")])


def _commit(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    subprocess.run(["git", "-C", str(folder), "add", "."], check=True)
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "s"],
                   check=True)


def filled_in(path: Path, module: str) -> nbformat.NotebookNode:
    """The notebook at ``path`` with each stub cell replaced by the reference's definition."""
    source = (ROOT / "solutions" / f"{module}.py").read_text()
    references = {node.name: ast.get_source_segment(source, node) for node in ast.parse(source).body
                  if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    filled = nbformat.read(path, as_version=4)
    for cell in filled.cells:
        if cell.cell_type == "code" and "raise NotImplementedError(" in cell.source:
            cell.source = references[ast.parse(cell.source).body[0].name]  # type: ignore[attr-defined]
    return filled


# ---------------------------------------------------------------------------------------------
# module_source: which cells and statements make the module
# ---------------------------------------------------------------------------------------------

def test_module_source_keeps_definitions_and_imports_and_drops_bare_expressions() -> None:
    source = module_source(["import math\nRATE = 0.5\nmath.sqrt(RATE)\n",
                            "def f(x):\n    return 2 * x\n\nf(3)\nprint('hi')\n",
                            "class A:\n    pass\nA()\n"])
    tree = ast.parse(source)
    assert [type(node).__name__ for node in tree.body] == ["Import", "Assign", "FunctionDef", "ClassDef"]
    assert "print" not in source and "sqrt(" not in source


def test_module_source_ignores_cells_that_define_and_import_nothing() -> None:
    source = module_source(["x = 1\nprint(x)\n", "def f():\n    return x\n"])
    assert "x = 1" not in source and "def f" in source


def test_module_source_later_definitions_win() -> None:
    namespace = _namespace(module_source(["def f():\n    raise NotImplementedError('m.f')\n",
                                          "def f():\n    return 'mine'\n"]))
    assert namespace["f"]() == "mine"  # type: ignore[operator]


def test_module_source_drops_check_cells_and_the_check_import() -> None:
    source = module_source([f"import numpy as np\n{notebook.CHECK_IMPORT}\n",
                            'def f():\n    return 1\ncheck("m.f")\n', 'check("m.f")\n'])
    assert "check" not in source and "def f" not in source and "import numpy as np" in source


def test_module_source_turns_magics_into_calls_and_drops_them() -> None:
    source = module_source(["%matplotlib inline\nimport numpy as np\n!ls\n"])
    assert source.strip() == "import numpy as np"


def test_module_source_puts_future_imports_first_once() -> None:
    setup = "from __future__ import annotations\nimport math\n"
    source = module_source([setup, "def f() -> int:\n    return 1\n", setup])  # the setup cell run twice
    assert source.startswith("from __future__ import annotations\n") and source.count("__future__") == 1
    _namespace(source)


def test_module_source_keeps_decorators() -> None:
    source = module_source(["import functools\n@functools.lru_cache\ndef f():\n    return 1\n"])
    assert "@functools.lru_cache\ndef f():" in source


def test_assemble_leaves_out_a_cell_that_is_not_python_and_says_so() -> None:
    assembled = assemble(["def f(:\n    return 1\n", "def g():\n    return 2\n"])
    assert "def g" in assembled.source and "def f" not in assembled.source
    assert assembled.left_out == ["the code cell that starts 'def f(:' is not valid Python "
                                  "(line 1: invalid syntax) and was left out"]


# ---------------------------------------------------------------------------------------------
# The generated notebooks
# ---------------------------------------------------------------------------------------------

def _made() -> str:
    stub, graded = stubgen._stub_body(SOLUTION, "mod", "mod.py")
    return make_notebook(stub, "mod", graded)


def test_make_notebook_is_deterministic_and_valid() -> None:
    text = _made()
    assert text == _made()
    nbformat.validate(nbformat.reads(text, as_version=4))
    cells = _cells(text)
    assert [cell.id for cell in cells] == [f"mod-{index}" for index in range(len(cells))]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in cells if cell.cell_type == "code")


def test_make_notebook_cells_in_course_order() -> None:
    cells = _cells(_made())
    kinds = [(cell.cell_type, cell.source.splitlines()[0]) for cell in cells]
    assert kinds == [("markdown", "# mod"), ("code", "import numpy as np"),
                     ("markdown", "## `square`"), ("code", "def square(x: float) -> float:"),
                     ("code", 'check("mod.square")'), ("markdown", "**Expected output**"),
                     ("markdown", "## `Layer`"), ("code", "class Layer:"), ("code", 'check("mod.Layer")')]
    assert "It has a literal block:\n\n    y = x * x" in cells[0].source  # reST `::` as Markdown
    setup = cells[1].source
    assert notebook.CHECK_IMPORT in setup and "SCALE = 2.0" in setup
    assert setup.index("def _helper") < setup.index("def _after")  # every helper, in the file's order
    assert "Return x squared." in cells[2].source and "``square(3.0)`` is ``9.0``." in cells[5].source
    assert 'raise NotImplementedError("mod.square")' in cells[3].source


def test_a_generated_notebook_reads_back_as_the_stub_module() -> None:
    stub = stubgen.make_stub(SOLUTION, "mod")
    namespace, from_notebook = _namespace(stub), _namespace(module_source(
        [cell.source for cell in _cells(_made()) if cell.cell_type == "code"]))
    assert set(from_notebook) == set(namespace) - {"__doc__"}  # the docstring is the first Markdown cell
    with pytest.raises(NotImplementedError, match=r"^mod\.square$"):
        from_notebook["square"](2.0)  # type: ignore[operator]


def test_repository_notebooks_are_in_sync_with_solutions() -> None:
    problems = stubgen.notebooks_out_of_sync(ROOT / "solutions", ROOT / "notebooks")
    assert problems == [], "notebooks/ is stale; run `make stubs`: " + "; ".join(problems)


def test_repository_notebooks_define_what_the_stubs_define() -> None:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        stub = ast.parse((ROOT / "exercises" / f"{path.stem}.py").read_text())
        from_notebook = ast.parse(read_module(path))
        names = [{getattr(node, "name", None) for node in tree.body} - {None} for tree in (stub, from_notebook)]
        assert names[0] == names[1], path.name


# ---------------------------------------------------------------------------------------------
# Drift check and a student's notebook (as stubgen's own tests do for exercises/)
# ---------------------------------------------------------------------------------------------

def test_check_flags_a_changed_missing_or_orphan_notebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "a.py").write_text(SOLUTION)
    assert _stubgen(tmp_path) == 0
    assert _stubgen(tmp_path, "--check") == 0
    notebooks = tmp_path / "notebooks"
    (notebooks / "a.ipynb").write_text((notebooks / "a.ipynb").read_text().replace("Return x squared", "Changed"))
    (notebooks / "orphan.ipynb").write_text("{}")
    (tmp_path / "solutions" / "b.py").write_text(SOLUTION)
    capsys.readouterr()
    assert _stubgen(tmp_path, "--check") == 1
    assert stubgen.notebooks_out_of_sync(tmp_path / "solutions", notebooks) == [
        "b.ipynb: missing", "a.ipynb: differs from the generated stub", "orphan.ipynb: has no solution in solutions/"]
    assert "notebooks/a.ipynb: differs" in capsys.readouterr().err


def test_regenerating_never_loses_a_students_notebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "a.py").write_text(SOLUTION)
    assert _stubgen(tmp_path) == 0
    _commit(tmp_path)
    path = tmp_path / "notebooks" / "a.ipynb"
    mine = path.read_text().replace("raise NotImplementedError(\\\"a.square\\\")", "return x * x")
    assert mine != path.read_text()
    path.write_text(mine)  # the student's work
    assert stubgen.notebooks_out_of_sync(tmp_path / "solutions", tmp_path / "notebooks") == []
    (tmp_path / "solutions" / "a.py").write_text(SOLUTION.replace("Return x squared", "Square x"))
    assert _stubgen(tmp_path) == 0
    assert path.read_text() == mine
    assert "left" in capsys.readouterr().err
    assert (tmp_path / "exercises" / "a.py").read_text() == stubgen.make_stub(
        (tmp_path / "solutions" / "a.py").read_text(), "a", str(tmp_path / "solutions" / "a.py"))
    assert _stubgen(tmp_path, "--force") == 0
    backups = list((tmp_path / "notebooks").glob("a.ipynb.orig-*"))
    assert len(backups) == 1 and backups[0].read_text() == mine


def test_a_notebook_written_before_is_replaced_without_a_commit_and_the_record_keeps_both(tmp_path: Path) -> None:
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "a.py").write_text(SOLUTION)
    assert _stubgen(tmp_path) == 0
    (tmp_path / "solutions" / "a.py").write_text(SOLUTION.replace("Return x squared", "Square x"))
    assert _stubgen(tmp_path) == 0
    assert "Square x" in (tmp_path / "notebooks" / "a.ipynb").read_text()
    record = json.loads((tmp_path / ".course" / "stubs-written.json").read_text())
    assert len(record["a.py"]) == 2 and len(record["a.ipynb"]) == 2  # one record for both folders


# ---------------------------------------------------------------------------------------------
# A notebook in a submission
# ---------------------------------------------------------------------------------------------

def test_scan_reads_a_notebook_as_its_module(tmp_path: Path) -> None:
    shutil.copy(ROOT / "notebooks" / "c1w2_logistic_regression.ipynb", tmp_path)
    found = submission.scan(tmp_path, ["c1w2_logistic_regression"])
    assert found.paths == {"c1w2_logistic_regression": "c1w2_logistic_regression.ipynb"}
    assert found.files["c1w2_logistic_regression"].decode() == read_module(
        tmp_path / "c1w2_logistic_regression.ipynb")
    assert not found.problems and not found.notes


def test_scan_grades_the_module_file_where_both_are_there(tmp_path: Path) -> None:
    shutil.copy(ROOT / "notebooks" / "c1w2_logistic_regression.ipynb", tmp_path)
    (tmp_path / "exercises").mkdir()
    shutil.copy(ROOT / "exercises" / "c1w2_logistic_regression.py", tmp_path / "exercises")
    found = submission.scan(tmp_path, ["c1w2_logistic_regression"])
    assert found.paths["c1w2_logistic_regression"] == "exercises/c1w2_logistic_regression.py"
    assert found.notes == ["c1w2_logistic_regression is in the submission as a module file and as a notebook "
                           "(exercises/c1w2_logistic_regression.py, c1w2_logistic_regression.ipynb): "
                           "exercises/c1w2_logistic_regression.py is graded"]


@pytest.mark.parametrize(("content", "reason"), [
    (b'{"cells": [', "it is not JSON, as a notebook file is"),
    (b"\xff\xfe", "it is not UTF-8 text"),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 3}]}',
     "not a Jupyter notebook"),
], ids=["not-json", "not-utf8", "bad-cell"])
def test_scan_reports_a_notebook_it_cannot_read_in_one_sentence(tmp_path: Path, content: bytes, reason: str) -> None:
    (tmp_path / "m.ipynb").write_bytes(content)
    found = submission.scan(tmp_path, ["m"])
    assert not found.files and found.problems["m"].startswith("m.ipynb is not a notebook Jupyter can read (")
    assert reason in found.problems["m"] and found.problems["m"].endswith(": not graded")


def test_scan_reads_a_notebook_with_large_outputs_up_to_its_own_bound(tmp_path: Path) -> None:
    cell = nbformat.v4.new_code_cell("import math", id="a", outputs=[nbformat.v4.new_output(
        "display_data", data={"image/png": "A" * (submission.MAX_FILE_BYTES + 1)})])
    (tmp_path / "m.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook(cells=[cell])))
    assert submission.scan(tmp_path, ["m"]).files["m"] == b"import math\n"
    (tmp_path / "m.ipynb").write_bytes(b" " * (submission.MAX_NOTEBOOK_BYTES + 1))
    assert submission.scan(tmp_path, ["m"]).problems["m"] == (
        "m.ipynb is larger than 16 MiB: not graded (clear its outputs and submit it again)")


def test_scan_notes_a_notebook_cell_that_is_not_python(tmp_path: Path) -> None:
    cells = [nbformat.v4.new_code_cell("import math", id="a"), nbformat.v4.new_code_cell("def f(:", id="b")]
    (tmp_path / "m.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook(cells=cells)))
    found = submission.scan(tmp_path, ["m"])
    assert found.files["m"] == b"import math\n"
    assert found.notes == ["m.ipynb: the code cell that starts 'def f(:' is not valid Python "
                           "(line 1: invalid syntax) and was left out"]


# ---------------------------------------------------------------------------------------------
# Grading a notebook submission (one grading process: a few seconds)
# ---------------------------------------------------------------------------------------------

def test_a_notebook_submission_is_graded_as_the_module_file(tmp_path: Path) -> None:
    """The references, with a wrong sigmoid, as ``.py`` and as ``.ipynb``: the same per test."""
    module = "c1w2_logistic_regression"
    wrong = "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"  # the sign of the exponent
    as_file, as_notebook = tmp_path / "py", tmp_path / "ipynb"
    as_file.mkdir()
    as_notebook.mkdir()
    source = (ROOT / "solutions" / f"{module}.py").read_text()
    (as_file / f"{module}.py").write_text(source + "\n\n" + wrong)
    filled = filled_in(ROOT / "notebooks" / f"{module}.ipynb", module)
    filled.cells.append(nbformat.v4.new_code_cell(wrong, id="wrong"))
    nbformat.write(filled, as_notebook / f"{module}.ipynb")
    tasks = [f"{module}.sigmoid", f"{module}.initialize_with_zeros"]
    runs = course.run_many({"py": as_file, "ipynb": as_notebook}, tasks)  # one grading process for both
    outcomes = {name: {_test_of(test.nodeid, name): (test.outcome, test.points, test.kind, test.message)
                       for test in run.tests} for name, run in runs.items()}
    assert outcomes["py"] == outcomes["ipynb"] and len(outcomes["py"]) == len(runs["py"].tests) > 2
    by_task = {f.task: f.status for f in runs["ipynb"].functions()}
    assert by_task == {f"{module}.sigmoid": "failed", f"{module}.initialize_with_zeros": "passed"}
    assert any("sigmoid(" in test.message for test in runs["ipynb"].tests)  # the messages compared are real


def _test_of(nodeid: str, submission: str) -> str:
    """A test's node id without the submission's parameter (``test_f[py]``, ``test_f[case-py]``)."""
    for tail in (f"[{submission}]", f"-{submission}]"):
        if nodeid.endswith(tail):
            return nodeid[: -len(tail)] + ("]" if tail.startswith("-") else "")
    return nodeid


# ---------------------------------------------------------------------------------------------
# Notebooks in a real kernel: every check cell graded by the session's warm grader
# ---------------------------------------------------------------------------------------------

MODULES = sorted(path.stem for path in (ROOT / "notebooks").glob("*.ipynb"))
OWN_SERVER = ("c1w2_logistic_regression", True)  # this case's kernel finds no server and starts its own


@pytest.fixture(scope="module")
def shared_grader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One `course serve` for every kernel of these tests, as a student's session would have."""
    socket = tmp_path_factory.mktemp("serve") / "grader.sock"
    server = subprocess.Popen([sys.executable, "-m", "grader.course", "serve", "--socket", str(socket),
                               "--until-stdin-closes"], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not socket.exists():
        assert server.poll() is None and time.monotonic() < deadline, "course serve did not start"
        time.sleep(0.1)
    yield str(socket)
    assert server.stdin is not None
    server.stdin.close()  # the server ends when its stdin closes
    server.wait(60)


def _executed(nb: nbformat.NotebookNode, env: dict[str, str], extra: str = "") -> list[tuple[str, str, float]]:
    """Run ``nb`` (and a last cell ``extra``) in a python3 kernel started from notebooks/ with
    ``env``; return each check cell's ``(source, printed text, seconds)``."""
    from nbclient import NotebookClient

    if extra:
        nb.cells.append(nbformat.v4.new_code_cell(extra, id="extra"))
    NotebookClient(nb, kernel_name="python3", timeout=900,
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute(env=env)
    checks = []
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.source.startswith("check(") or cell.id == "extra"):
            timing = cell.metadata.get("execution", {})
            seconds = (_stamp(timing.get("shell.execute_reply")) - _stamp(timing.get("iopub.execute_input"))
                       if timing else 0.0)
            checks.append((cell.source, "".join(out.get("text", "") for out in cell.outputs), seconds))
    return checks


def _stamp(value: str | None) -> float:
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() if value else 0.0


Case = tuple[str, bool]  # (module, filled in with the references)
CASES: list[Case] = [(module, filled) for module in MODULES for filled in (True, False)]


def _numpy_only(module: str) -> bool:
    return not re.search(r"\b(tensorflow|keras)\b", (ROOT / "exercises" / f"{module}.py").read_text())


@pytest.fixture(scope="module")
def executed(shared_grader: str) -> dict[Case, list[tuple[str, str, float]] | BaseException]:
    """Every notebook, filled in and as stubs, run in kernels of its own, three at a time (one
    kernel's start and imports overlap another's checks); what each check cell printed."""
    def run(case: Case) -> list[tuple[str, str, float]] | BaseException:
        module, filled = case
        env = {key: value for key, value in os.environ.items() if key != ENVIRONMENT}
        if case != OWN_SERVER:
            env[ENVIRONMENT] = shared_grader
        path = ROOT / "notebooks" / f"{module}.ipynb"
        nb = filled_in(path, module) if filled else nbformat.read(path, as_version=4)
        try:
            return _executed(nb, env, "import sys\nprint('tensorflow' in sys.modules)" if _numpy_only(module) else "")
        except Exception as err:  # noqa: BLE001 - reported by this case's test
            return err

    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(CASES, pool.map(run, CASES)))


@pytest.mark.parametrize("module, filled", CASES, ids=[f"{m}-{'references' if f else 'stubs'}" for m, f in CASES])
def test_every_check_cell_of_a_notebook_reports_its_function(module: str, filled: bool, executed: dict) -> None:
    """References: every check passes. Stubs: every function is not started, or fails saying
    which of its building blocks is not written yet (a backward pass graded on its forward's cache)."""
    cells = executed[(module, filled)]
    if isinstance(cells, BaseException):
        raise cells
    cells = list(cells)
    extra = cells.pop() if _numpy_only(module) else None
    seconds = [round(s, 1) for _, _, s in cells]
    print(f"{module} ({'references' if filled else 'stubs'}): {len(cells)} check cells, "
          f"{sum(seconds):.1f} s, {sum(seconds) / max(len(seconds), 1):.1f} s each: {seconds}", file=sys.stderr)
    for source, text, _ in cells:
        if filled:
            assert "1 passed, 0 failed, 0 not started" in text, f"{source}\n{text}"
        else:
            assert "0 passed, 0 failed, 1 not started" in text or (
                "0 passed, 1 failed, 0 not started" in text and "is not written yet" in text), f"{source}\n{text}"
    path = ROOT / "notebooks" / f"{module}.ipynb"
    assert len(cells) == sum(cell.source.startswith("check(") for cell in nbformat.read(path, as_version=4).cells) > 0
    if extra is not None:
        assert extra[1].strip() == "False"  # the checks imported no TensorFlow into the kernel
