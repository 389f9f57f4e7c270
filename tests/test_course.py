"""Tests of the ``course`` command and of the isolation machinery under it.

Fast unit tests of the codec, the proxies, the Keras allow-list and the result files come
first; then a few end-to-end runs (each a grading process: a few seconds): ``course check`` and
``course list`` on the stubs, ``course grade`` on the references, a grading run that dies, and
the Gradescope autograder zip run as Gradescope would run it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import types
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from grader import graded
from grader.course import cli as course
from grader.worker import codec
from grader.worker.codec import DecodeError, EncodeError, Frame
from grader.trusted import results
from grader.trusted.rebuild import _config_allowed, rebuild_keras
from grader.trusted.remote import RemoteObject, StudentError, student_error
from grader.trusted.results import FunctionResult, GradingRun, TestOutcome
from grader.stubgen import generate

ROOT = Path(__file__).resolve().parent.parent
SOFTMAX_TASKS = ("--task", "c2w3_softmax.softmax", "--task", "c2w3_softmax.hardmax")


def _no_fallback(value: object, frame: Frame) -> dict:
    raise EncodeError(f"cannot send {type(value).__name__}")


def _round_trip(value: object, hooks: dict | None = None) -> object:
    frame = Frame()
    frame.message["v"] = codec.encode(value, frame, _no_fallback)
    data = codec.pack(frame)
    body, text = codec.body_length(data[: codec.header_size()])
    received = codec.unpack(data[codec.header_size():], text)
    return codec.decode(received.message["v"], received, hooks)


# ---------------------------------------------------------------------------------------------
# The codec
# ---------------------------------------------------------------------------------------------

def test_codec_round_trips_values_with_their_types() -> None:
    value = {"a": [1, 2.5, None, True, "x"], (1, 2): (np.float32(1.5), np.int64(-3)), "big": 2**70,
             "nan": float("nan"), "inf": -float("inf"), "bytes": b"\x00\xff", "slice": slice(1, None, 2),
             "set": {1, 2}, "complex": 1 + 2j}
    back = _round_trip(value)
    assert back["a"] == value["a"] and back["big"] == 2**70 and back["bytes"] == b"\x00\xff"
    assert back[(1, 2)] == (1.5, -3) and type(back[(1, 2)][0]) is np.float32 and type(back[(1, 2)][1]) is np.int64
    assert np.isnan(back["nan"]) and back["inf"] == -float("inf") and back["slice"] == slice(1, None, 2)
    assert back["set"] == {1, 2} and back["complex"] == 1 + 2j


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "int8", "uint64", "bool", "complex128"])
def test_codec_round_trips_arrays_of_every_numeric_dtype_and_shape(dtype: str) -> None:
    for shape in [(), (0,), (3,), (2, 3, 4)]:
        array = np.arange(int(np.prod(shape)), dtype="float64").reshape(shape).astype(dtype)
        back = _round_trip(array)
        assert back.dtype == array.dtype and back.shape == array.shape and np.array_equal(back, array)
        assert back.flags.writeable


def test_codec_keeps_tensors_variables_and_generators_apart() -> None:
    rng = np.random.default_rng(7)
    rng.normal(size=3)
    back = _round_trip([tf.constant([1.0, 2.0]), tf.Variable([[3]], name="w"), keras.Variable([1.0]), rng])
    assert isinstance(back[0], tf.Tensor) and back[0].dtype == tf.float32
    assert isinstance(back[1], tf.Variable) and back[1].dtype == tf.int32
    assert isinstance(back[2], keras.Variable)
    assert back[3].normal() == rng.normal()


@pytest.mark.parametrize("forged, reason", [
    ({"t": "ndarray", "d": "|O8", "s": [1], "b": 0}, "object dtype"),
    ({"t": "ndarray", "d": "<f8", "s": [3], "b": 0}, "size does not match"),
    ({"t": "ndarray", "d": "<f8", "s": [1], "b": 5}, "bad blob"),
    ({"t": "ref", "h": 1}, "a reference the trusted side does not accept"),
    ({"t": "callback", "c": 1}, "a callback"),
    ({"t": "pickle", "v": "gASV"}, "unknown tag"),
    ({"t": "rng", "bg": "os.system", "state": {"t": "dict", "k": [], "v": []}}, "bit generator"),
    ({"v": 1}, "untagged"),
    ([1, 2], "a bare JSON list"),
])
def test_codec_refuses_forged_values(forged: object, reason: str) -> None:
    frame = Frame({"blobs": [8]}, [memoryview(b"\x00" * 8)])
    with pytest.raises(DecodeError):
        codec.decode(forged, frame)


def test_codec_refuses_oversized_frames_and_deep_nesting() -> None:
    with pytest.raises(DecodeError):
        codec.body_length(codec._HEADER.pack(2**62, 10))
    nested: list = []
    for _ in range(codec.MAX_DEPTH + 5):
        nested = [nested]
    with pytest.raises(EncodeError):
        codec.encode(nested, Frame(), _no_fallback)


def test_codec_sends_unknown_objects_through_the_fallback() -> None:
    class Student:
        pass

    frame = Frame()
    assert codec.encode([Student()], frame, lambda v, f: {"t": "handle", "h": 1}) == {
        "t": "list", "v": [{"t": "handle", "h": 1}]}


# ---------------------------------------------------------------------------------------------
# What the trusted side makes of what comes back
# ---------------------------------------------------------------------------------------------

def _remote() -> RemoteObject:
    return RemoteObject(types.SimpleNamespace(generation=1), handle=1, type_name="student.AlwaysEqual")  # type: ignore[arg-type]


def test_remote_object_cannot_pass_for_equal_or_true() -> None:
    proxy = _remote()
    assert (proxy == 0) is False and (proxy == _remote()) is False and proxy == proxy
    assert not (np.zeros(3) == proxy).any()
    with pytest.raises(TypeError):
        bool(proxy)
    with pytest.raises((TypeError, ValueError)):  # what checks.to_array turns into a failure
        np.array(proxy, dtype=np.float64)


def test_student_errors_are_builtin_errors_with_the_students_frames() -> None:
    info = {"type": "ShapeError", "mro": ["ValueError", "Exception", "BaseException", "object"],
            "message": "ShapeError: bad shape", "traceback": '  File "exercises/m.py", line 3, in f\n'}
    error = student_error(info, "f(<ndarray of shape (2,)>)", 2**30)
    assert isinstance(error, ValueError) and isinstance(error, StudentError)
    assert "f(<ndarray of shape (2,)>) raised ShapeError: bad shape" in str(error)
    assert 'exercises/m.py", line 3' in str(error)
    exit_error = student_error({"type": "SystemExit", "mro": ["SystemExit", "BaseException", "object"],
                                "message": "SystemExit: 3"}, "f()", 2**30)
    assert isinstance(exit_error, Exception) and "called sys.exit(3)" in str(exit_error)
    memory = student_error({"type": "_ArrayMemoryError", "mro": ["MemoryError", "Exception"], "message": "x"},
                           "f()", 2**30)
    assert isinstance(memory, MemoryError) and "the limit is 1 GiB" in str(memory)


def _description(layer: keras.layers.Layer) -> tuple[dict, Frame]:
    frame = Frame()
    encoder = codec.Encoder(frame, _no_fallback)
    data = {"keras": json.dumps(keras.saving.serialize_keras_object(layer)),
            "weights": [encoder.array(w) for w in layer.get_weights()], "build": layer.get_build_config()}
    if isinstance(layer, keras.Model) and layer.compiled:
        data["compile"] = json.dumps(layer.get_compile_config())
    return data, frame


def test_standard_keras_models_are_rebuilt_on_the_trusted_side() -> None:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    rebuilt = rebuild_keras(*_description(model))
    assert isinstance(rebuilt, keras.Sequential) and rebuilt is not model
    assert all(np.array_equal(a, b) for a, b in zip(rebuilt.get_weights(), model.get_weights()))
    assert rebuilt.loss.get_config()["from_logits"] is True
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(3, activation="relu", name="hidden")(inputs)
    functional = keras.Model(inputs, keras.layers.Dense(2, name="head")(hidden))  # a functional model too
    rebuilt = rebuild_keras(*_description(functional))
    assert isinstance(rebuilt, keras.Model) and [layer.name for layer in rebuilt.layers][1:] == ["hidden", "head"]
    x = np.ones((2, 4), "float32")
    assert np.allclose(rebuilt(x), functional(x))


def test_keras_configs_outside_the_allow_list_stay_in_the_worker() -> None:
    lambda_model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda x: x * 2)])
    assert rebuild_keras(*_description(lambda_model)) is None
    assert not _config_allowed({"module": "student_module", "class_name": "BatchNorm", "config": {}})
    assert not _config_allowed({"module": "keras.layers", "class_name": "Dense", "config": {"units": 10**12}})
    assert not _config_allowed({"module": "keras.src.utils", "class_name": "function", "config": "get_file"})
    assert _config_allowed({"module": "keras.activations", "class_name": "function", "config": "relu"})


# ---------------------------------------------------------------------------------------------
# Result files
# ---------------------------------------------------------------------------------------------

def _run() -> GradingRun:
    tests = [
        TestOutcome("t::a1", "c2w3_softmax.softmax", 2, outcome="passed", kind="passed"),
        TestOutcome("t::a2", "c2w3_softmax.softmax", 1, outcome="failed", kind="check", message="column 2 sums to 0.7"),
        TestOutcome("t::h1", "c2w3_softmax.softmax", 3, hidden=True, outcome="failed", kind="check", message="secret"),
        TestOutcome("t::b1", "c2w3_softmax.hardmax", 2, outcome="failed", kind="not_started", message="stub"),
        TestOutcome("t::c1", "c2w3_batch_norm.batchnorm_forward", 3, outcome="passed", kind="passed"),
    ]
    return GradingRun(tests=tests, seconds=12.3)


def test_gradescope_results_follow_the_specification() -> None:
    data = results.gradescope(_run())
    assert data["score"] == 5.0 and data["max_score"] == 11.0 and data["execution_time"] == 12
    names = [t["name"] for t in data["tests"]]
    assert names == ["c2w3_batch_norm.batchnorm_forward", "c2w3_softmax.softmax", "c2w3_softmax.softmax (hidden tests)",
                     "c2w3_softmax.hardmax"]  # course order: batch norm's lecture comes before softmax's
    for test in data["tests"]:
        assert set(test) >= {"name", "number", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in ("passed", "failed")
    softmax, hidden = data["tests"][1], data["tests"][2]
    assert (softmax["score"], softmax["max_score"], softmax["visibility"]) == (2.0, 3.0, "visible")
    assert "column 2 sums to 0.7" in softmax["output"]
    assert (hidden["score"], hidden["max_score"], hidden["visibility"]) == (0.0, 3.0, "after_published")
    assert [t["number"] for t in data["tests"]] == ["1.1", "2.1", "2.2", "2.3"]


def test_function_status_tells_not_started_from_failed() -> None:
    functions = {(f.task, f.hidden): f for f in _run().functions()}
    assert functions[("c2w3_softmax.hardmax", False)].status == "not_started"
    assert functions[("c2w3_softmax.softmax", False)].status == "failed"
    assert functions[("c2w3_batch_norm.batchnorm_forward", False)].status == "passed"
    assert FunctionResult("m.f", False, []).status == "passed"


def test_junit_xml_is_valid_and_keeps_hidden_messages_back() -> None:
    tree = ElementTree.fromstring(results.junit_xml(_run()))
    suite = tree.find("testsuite")
    assert suite is not None and suite.get("tests") == "5" and suite.get("failures") == "3"
    text = ElementTree.tostring(tree, encoding="unicode")
    assert "column 2 sums to 0.7" in text and "secret" not in text


def test_results_replace_a_fake_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    target.write_text('{"score": 1000}')
    results.write_atomically(target, json.dumps(results.gradescope(_run())))
    assert json.loads(target.read_text())["score"] == 5.0
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_hidden_tests_are_marked_and_count() -> None:
    marker = graded("c2w3_softmax.softmax", points=2, hidden=True).mark
    assert marker.kwargs == {"task": "c2w3_softmax.softmax", "points": 2, "hidden": True}
    assert "hidden" not in graded("c2w3_softmax.softmax").mark.kwargs


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private .course/ folder and freshly generated stubs in place of exercises/, so that tests
    never touch the student's status, nor depend on what the student has written."""
    monkeypatch.setattr(course, "STATE", tmp_path / ".course")
    monkeypatch.setattr(course, "EXERCISES", _fresh_stubs(tmp_path / "exercises"))
    return tmp_path / ".course"


def _fresh_stubs(folder: Path) -> Path:
    folder.mkdir()
    for path, text in generate(ROOT / "solutions", folder).items():
        path.write_text(text)
    return folder


def test_hint_shows_the_next_hint_each_time(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hints = course.load_hints("c2w3_softmax")["softmax"]
    for number in range(1, len(hints) + 2):
        assert course.main(["hint", "c2w3_softmax.softmax"]) == 0
        shown = min(number, len(hints))
        out = capsys.readouterr().out
        assert f"Hint {shown} of {len(hints)}" in out and hints[shown - 1].split()[0] in out
    assert "last hint" in out
    assert course.main(["hint", "c2w3_softmax.softmax", "--reset", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["hint"] == 1


def test_errors_are_one_line_and_exit_2(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert course.main(["hint", "c2w3_softmax"]) == 2
    assert course.main(["hint", "c2w3_softmax.no_such_function"]) == 2
    assert course.main(["check", "no_such_module"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and all(line.startswith("course: ") for line in err.splitlines())


def test_check_list_and_next_step_on_the_stubs(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert course.main(["check", "c2w3_softmax.softmax", "--time-limit", "10"]) == 1  # a stub: not passed
    out = capsys.readouterr().out
    assert "softmax" in out and "not started" in out and "Next: write c2w3_softmax.softmax" in out
    saved = json.loads((state / "status.json").read_text())["functions"]
    assert saved["c2w3_softmax.softmax"]["status"] == "not_started"
    assert course.main(["list", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    tasks = [f["task"] for f in listing["functions"]]
    assert tasks.index("c2w3_batch_norm.batchnorm_forward") < tasks.index("c2w3_softmax.softmax")
    assert listing["next"] == tasks[0]
    assert course.main(["list"]) == 0
    assert "total 0/" in capsys.readouterr().out


def test_grade_gives_the_references_full_marks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = course.main(["grade", "--submission", str(ROOT / "solutions"), "--results", str(tmp_path / "r.json"),
                        "--junit", str(tmp_path / "j.xml"), "--task", "c2w3_batch_norm", *SOFTMAX_TASKS])
    assert code == 0
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["score"] == data["max_score"] > 0 and all(t["status"] == "passed" for t in data["tests"])
    assert ElementTree.parse(tmp_path / "j.xml").getroot().find("testsuite").get("failures") == "0"
    assert "c2w3_batch_norm" in capsys.readouterr().out


def test_results_are_written_when_the_grading_process_dies(tmp_path: Path) -> None:
    code = course.main(["grade", "--submission", str(_fresh_stubs(tmp_path / "stubs")), "--results", str(tmp_path / "r.json"),
                        "--total-time-limit", "0.5"])
    assert code == 3
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["score"] == 0 and "could not run" in data["output"]


def test_autograder_zip_runs_as_gradescope_runs_it(tmp_path: Path) -> None:
    """Unzip into a fake /autograder, submit an honest file, run run_autograder."""
    bundle = tmp_path / "autograder.zip"
    assert course.main(["autograder-zip", "--out", str(bundle)]) == 0
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert {"setup.sh", "run_autograder", "requirements.txt", "pyproject.toml"} <= set(names)
        assert archive.read("requirements.txt") == (ROOT / "requirements.txt").read_bytes()
        assert any(name.startswith("solutions/") for name in names)  # the recognised mistakes are built from them
        assert (archive.getinfo("run_autograder").external_attr >> 16) & 0o111
        home = tmp_path / "autograder"
        archive.extractall(home / "source")
    subprocess.run(["bash", "-n", str(home / "source" / "setup.sh")], check=True)
    (home / "submission").mkdir()
    shutil.copy(Path(__file__).parent / "adversarial" / "honest" / "c2w3_softmax.py", home / "submission")
    (home / "submission" / "c2w3_batch_norm.py").write_text(REFERENCE_THIEF.replace("/autograder", str(home)))
    env = dict(os.environ, AUTOGRADER_ROOT=str(home), AUTOGRADER_PYTHON=sys.executable)
    run = subprocess.run(["bash", str(home / "source" / "run_autograder")], env=env, capture_output=True,
                         text=True, timeout=600)
    data = json.loads((home / "results" / "results.json").read_text())
    scores = {t["name"]: t["score"] for t in data["tests"]}
    assert scores["c2w3_softmax.softmax"] == 5.0 and scores["c2w3_softmax.hardmax"] == 2.0, run.stdout[-2000:]
    if os.geteuid() == 0:  # as on Gradescope: the workers cannot read the references the zip ships
        assert scores["c2w3_batch_norm.batchnorm_forward"] == 0.0, run.stdout[-2000:]


REFERENCE_THIEF = '''"""Looks for the references in the autograder's folder and beside the grader's own files, and
runs them as its answer."""
import os
import sys


def _steal():
    starts = ["/autograder/source"] + sys.path + [os.path.dirname(os.path.abspath(m.__file__))
                                                  for m in list(sys.modules.values())
                                                  if isinstance(getattr(m, "__file__", None), str)]
    for folder in starts:
        for _ in range(6):
            try:
                with open(os.path.join(folder, "solutions", "c2w3_batch_norm.py")) as file:
                    return file.read()
            except OSError:
                folder = os.path.dirname(folder)
    return None


_source = _steal()
if _source is not None:
    exec(compile(_source, "stolen", "exec"))
'''


def test_a_clean_worker_serves_the_students_next_module_and_a_tainted_one_does_not() -> None:
    """Worker reuse between modules of one student: one TensorFlow import instead of one per module."""
    from grader.trusted.isolation import Isolation, Limits, RemoteModule

    corpus = Path(__file__).parent / "adversarial"
    isolation = Isolation(Limits(time=20, import_time=20))
    try:
        spares = {}
        for case in ("honest", "patch_numpy"):
            folder = corpus / case
            session = isolation.session(folder, "c2w3_softmax", f"{case}/", owner=case)
            assert session is not None
            RemoteModule(session).softmax(np.zeros((2, 3)))  # imports the module, runs student code
            isolation.finish(folder, "c2w3_softmax", case, reuse=True)
            spares[case] = isolation.spares.get(case)
        assert spares["honest"] is not None and spares["patch_numpy"] is None
        session = isolation.session(corpus / "honest", "c2w3_batch_norm", "honest/", owner="honest")
        assert session is not None
        Z = np.arange(6.0).reshape(2, 3)
        Z_tilde, _ = RemoteModule(session).batchnorm_forward(Z, np.ones((2, 1)), np.zeros((2, 1)))
        assert session.worker is spares["honest"] and np.allclose(Z_tilde.mean(axis=1), 0)
    finally:
        isolation.close()


def test_workers_preload_tensorflow_only_for_the_modules_a_run_grades() -> None:
    """A check of a NumPy module: its worker does not import TensorFlow (3 s of CPU on 2 cores)
    because another file of the folder uses it; a run of the whole folder does."""
    from grader.trusted.isolation import Isolation

    def preload(*modules: str) -> str:
        isolation = Isolation(modules=modules)
        try:
            return isolation.preload_for(ROOT / "exercises")
        finally:
            isolation.close()

    assert preload("c1w2_logistic_regression") == "numpy"
    assert preload("c1w2_logistic_regression", "c2w3_batch_norm") == "numpy,tensorflow,keras"
    assert preload() == "numpy,tensorflow,keras"


@pytest.mark.parametrize("task, imports_tensorflow", [("c2w2_optimization.random_mini_batches", False),
                                                      ("c2w3_softmax.softmax", True)])
def test_a_check_imports_tensorflow_only_when_its_tests_need_it(task: str, imports_tensorflow: bool) -> None:
    """The trusted side of a check of a NumPy function whose oracles are NumPy's never waits for
    TensorFlow's 4 s import (docs/CONTRIBUTING.md); one whose oracle is tf.nn.softmax does."""
    module, function = task.split(".")
    code = ("import sys, pytest; code = pytest.main(['-q', '-p', 'no:cacheprovider', '--impl=solutions', "
            f"'--task={task}', 'tests/{module}/test_{function}.py']); print(int(code), 'tensorflow' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout.split()[-2:] == ["0", str(imports_tensorflow)], done.stdout[-2000:] + done.stderr[-2000:]


def test_without_root_workers_run_as_the_current_user_and_the_output_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.trusted import isolation, sandbox

    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
    grading = isolation.Isolation(isolation.Limits(time=20, import_time=20))
    try:
        assert grading.sandbox.mode == "self" and grading.sandbox.protected == []
        assert any("not running as root" in note for note in grading.notes)
        session = grading.session(Path(__file__).parent / "adversarial" / "honest", "c2w3_softmax", "honest/")
        assert session is not None
        A = isolation.RemoteModule(session).softmax(np.array([[0.0, 1000.0], [0.0, -1000.0]]))
        assert np.allclose(A, [[0.5, 1.0], [0.5, 0.0]])
    finally:
        grading.close()


def test_the_worker_side_imports_nothing_of_the_trusted_side() -> None:
    """grader/worker/ runs beside the student's code: the standard library, NumPy, and itself."""
    import ast

    allowed = set(sys.stdlib_module_names) | {"numpy", "tensorflow", "keras"}
    for path in sorted((ROOT / "grader" / "worker").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [] if node.level else [node.module or ""]
            else:
                continue
            assert all(name.split(".")[0] in allowed for name in names), f"{path.name} imports {names}"
