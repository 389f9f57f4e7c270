"""Run a student's module in worker processes and give the graded tests a proxy for it.

The trusted process (pytest with the graded tests, their oracles and :mod:`grader.checks`)
never imports a student's file. For each exercise module it starts a worker
(:mod:`grader.worker.worker`) with ``python -I -c`` — a fresh interpreter, not a fork of this one,
which has TensorFlow loaded — as an unprivileged user when it runs as root, with limits on
memory, CPU time and file size. The ``impl`` fixture then hands the test a
:class:`RemoteModule`: ``impl.softmax(Z)`` sends the call to the worker and returns what came
back, decoded by :mod:`grader.worker.codec` into plain values, NumPy arrays, tensors and variables; any
other object stays in the worker behind a :class:`RemoteObject`, and standard Keras models are
rebuilt here from their config in Keras' safe mode, from an allow-list of classes.

What the worker sends is data, never a verdict: the test compares it with the oracle here.
When the worker hangs past the test's time limit, crashes, exits or breaks the protocol, the
running test fails with a :class:`WorkerFailure` that says what happened; the worker is
stopped (with every process of its user) and the next test gets a fresh one. A module whose
import fails, hangs or crashes fails each of its tests with that message; every other module
is graded as usual.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grader import effects
from grader.trusted.rebuild import REBUILD_SECONDS, RebuildRefused, keras_config, rebuild_keras
from grader.trusted.remote import (RemoteModule, RemoteObject, StudentError, WorkerFailure, describe_call,
                                   remote_class, student_error)
from grader.trusted.sandbox import IDS_PER_RUN, Sandbox
from grader.trusted.submission import NotRegular, preload_for, status
from grader.trusted.workers import Budget, Limits, WorkerDied, WorkerProcess
from grader.worker import codec
from grader.worker.codec import DecodeError, EncodeError, Encoder, Frame

__all__ = ["Isolation", "Limits", "ModuleSession", "RemoteModule", "RemoteObject", "StudentError", "WorkerFailure"]


def _recording() -> bool:
    """True while a ``tf.GradientTape`` records in this (trusted) process."""
    if "tensorflow" not in sys.modules:
        return False
    from tensorflow.python.eager import record

    return bool(record.could_possibly_record())


def _float_tensors(value: Any, found: dict[int, Any], depth: int = 0) -> None:
    tf = sys.modules["tensorflow"]
    if depth > 20:
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _float_tensors(item, found, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            _float_tensors(item, found, depth + 1)
    elif isinstance(value, tf.Tensor) and value.dtype.is_floating:
        found.setdefault(id(value), value)


def _replace(value: Any, swap: dict[int, Any]) -> Any:
    if id(value) in swap:
        return swap[id(value)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(_replace(v, swap) for v in value)
    if isinstance(value, dict):
        return {k: _replace(v, swap) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------------
# One module's session: its worker, its mirrors, its failures
# ---------------------------------------------------------------------------------------------

@dataclass
class TestContext:
    """The running test, as the isolation layer sees it."""

    task: str
    budget: Budget
    failure: WorkerFailure | None = None
    outputs: list[str] = field(default_factory=list)
    tainted: str | None = None


class ModuleSession:
    """Everything about one student module in one grading run."""

    def __init__(self, isolation: Isolation, folder: Path, module: str, display: str, owner: str = "") -> None:
        self.isolation = isolation
        self.folder, self.module, self.display, self.owner = folder, module, display, owner
        self.display_file = f"{display}{module}.py"
        self.worker: WorkerProcess | None = None
        self.generation = 0
        self.broken: WorkerFailure | None = None
        self.timed_out: dict[str, str] = {}
        self.mirrors: dict[int, Any] = {}
        self.synced: dict[int, np.ndarray] = {}
        self.by_variable: dict[int, int] = {}
        self.callbacks: dict[int, Callable[..., Any]] = {}
        self.sequence = itertools.count(1)
        self.staged: Path | None = None
        self.import_note = ""
        self.refused = ""  # why a Keras object it returned was not rebuilt

    @property
    def limits(self) -> Limits:
        return self.isolation.limits

    # -- the worker --------------------------------------------------------------------------
    def spawn(self) -> None:
        """Start a worker (it preloads TensorFlow, and waits before touching the student's file)."""
        if self.worker is not None or self.broken is not None:
            return
        if self.staged is None:
            try:
                self.staged = self.isolation.sandbox.stage(self.folder / f"{self.module}.py", self.module, self.owner)
            except OSError as err:
                self.broken = WorkerFailure(f"{self.display_file} cannot be graded: it is {err}" if isinstance(
                    err, NotRegular) else f"{self.display_file} cannot be read ({err.strerror})", "import")
                return
        self.worker = self.isolation.take_spare(self.owner)
        if self.worker is None:
            self.worker = WorkerProcess(self.isolation.sandbox, self.isolation.next_slot(), self.owner,
                                        self.limits, self.isolation.preload_for(self.folder))
        self.generation += 1
        self.mirrors.clear()
        self.synced.clear()
        self.by_variable.clear()

    def activate(self) -> None:
        """A worker, told to import this module (it does so as soon as its preload is done)."""
        self.spawn()
        if self.worker is not None and not self.worker.load_sent:
            assert self.staged is not None
            self.worker.load(self.staged, self.module, self.display)

    def ensure(self) -> WorkerProcess:
        """A worker with the module imported; an import that fails breaks the module for good."""
        if self.broken is not None:
            raise self.broken
        self.activate()
        if self.broken is not None:
            raise self.broken
        worker = self.worker
        assert worker is not None
        if worker.ready is not None:
            return worker
        what = f"importing {self.display_file}"
        try:
            ready = worker.wait_ready()
        except WorkerDied as died:
            self.broken = WorkerFailure(f"{what} {died.text}" if died.kind != "timeout" else
                                        f"{what} timed out after {self.limits.import_time:g} s", "import")
            self.worker = None
            raise self.broken from None
        error = ready.message.get("error")
        if error is not None:
            failure = student_error(error, what, self.limits.memory)
            self.broken = WorkerFailure(failure.student_text.replace(f"{what} raised", f"{what} failed:", 1),
                                        "import")
            worker.close()
            self.worker = None
            raise self.broken
        if not ready.message.get("eager", True):
            self.import_note = ("your module turned off eager execution when imported "
                                "(tf.compat.v1.disable_eager_execution): TensorFlow code runs in graph mode")
        return worker

    def retire(self, reuse: bool = False) -> None:
        """Let the worker go; the next request starts a fresh one. ``reuse``: a worker that is
        still clean may serve the student's next module (no second TensorFlow import)."""
        worker, self.worker = self.worker, None
        if worker is None:
            return
        if reuse and worker.release():
            self.isolation.keep_spare(self.owner, worker)
        else:
            worker.close()

    # -- requests ----------------------------------------------------------------------------
    def request(self, op: str, target: RemoteObject | None, call: str, **fields: Any) -> Any:
        return self._exchange(op, target, call, fields)[0]

    def call(self, target: RemoteObject, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        text = describe_call(target._name, args, kwargs)
        if _recording():
            return self._bridged_call(target, args, kwargs, text)
        return self.request("call", target, text, args=list(args), kwargs=dict(kwargs))

    def _exchange(self, op: str, target: RemoteObject | None, call: str, fields: dict[str, Any],
                  watch: dict[int, int] | None = None, outputs: list[Any] | None = None) -> tuple[Any, dict[str, Any]]:
        test = self.isolation.test
        if test is not None and test.failure is not None:
            raise test.failure
        if test is not None and test.task in self.timed_out:
            test.failure = WorkerFailure(self.timed_out[test.task], "timeout")
            raise test.failure
        worker = self.ensure()
        frame = Frame({"op": op, "seq": next(self.sequence)})
        encoder = _TrustedEncoder(self, frame, watch or {})
        message = frame.message
        message["target"] = None if target is None else target._spec(self)
        for key, value in fields.items():
            message[key] = encoder(value) if key in ("args", "kwargs", "key", "value", "dys") else value
        assignments = self._assignments(encoder)
        if assignments:
            message["assign"] = assignments
        budget = test.budget if test is not None else Budget(self.limits.time)
        try:
            reply = worker.exchange(frame, budget, self._serve_callback)
        except WorkerDied as died:
            self.worker = None
            failure = WorkerFailure(f"{call} {died.text}", died.kind)
            if died.kind == "timeout" and test is not None:
                self.timed_out[test.task] = (f"not run: {call.split('(')[0]} already timed out in an earlier "
                                             f"test (limit {self.limits.time:g} s)")
            if test is not None:
                test.failure = failure
            raise failure from None
        answer = reply.message
        printed = answer.get("output") if isinstance(answer.get("output"), str) else ""
        if test is not None and printed:
            test.outputs.append(printed)
        if answer.get("tainted") and test is not None:
            test.tainted = str(answer["tainted"])
        try:
            self._update_mirrors(answer.get("vars", []), reply)
            _report_effects(answer, printed, encoder.arrays)
            if "error" in answer:
                error = answer["error"] if isinstance(answer["error"], dict) else {}
                raise student_error(error, call, self.limits.memory)
            value = codec.decode(answer.get("value"), reply, self._hooks(outputs))
            if isinstance(answer.get("record"), dict):  # the variables a recorded call used, mirrored
                variables = codec.decode(answer["record"].get("vars"), reply, self._hooks(None))
                answer["record"]["vars"] = variables if isinstance(variables, list) else []
        except DecodeError as err:
            worker.stop()
            self.worker = None
            failure = WorkerFailure(f"{call} sent back something the grader cannot read ({err})", "protocol")
            if test is not None:
                test.failure = failure
            raise failure from None
        return value, answer

    def _bridged_call(self, target: RemoteObject, args: tuple[Any, ...], kwargs: dict[str, Any], text: str) -> Any:
        """A call inside a trusted ``tf.GradientTape``: gradients flow through the worker."""
        import tensorflow as tf

        found: dict[int, Any] = {}
        _float_tensors((args, kwargs), found)
        inputs = list(found.values())
        watch = {key: index for index, key in enumerate(found)}
        result: dict[str, Any] = {}

        @tf.custom_gradient
        def bridged(*tensors: Any) -> Any:
            outputs: list[Any] = []
            value, answer = self._exchange("call", target, text, {"args": list(args), "kwargs": dict(kwargs),
                                                                 "record": True}, watch, outputs)
            record = answer.get("record") or {}
            variables = [v for v in record.get("vars", []) if id(v) in self.by_variable]
            for variable in variables:
                tf.convert_to_tensor(variable)  # a read, so that the tape sees the variable
            result["value"], result["outputs"] = value, outputs

            def gradient(*dys: Any, variables: Any = None) -> Any:
                wanted = [self.by_variable.get(id(v)) for v in (variables or [])]
                upstream = [tf.zeros_like(o) if d is None else d for d, o in zip(dys, outputs)]
                grads = self.request("vjp", None, f"the gradient of {text}", record=record.get("id"),
                                     dys=upstream, vars=[w for w in wanted if w is not None])
                grads = list(grads) if isinstance(grads, list) else []
                grads += [None] * (len(inputs) + len(wanted) - len(grads))
                as_tensor = [None if g is None else tf.convert_to_tensor(g) for g in grads]
                var_grads = iter(as_tensor[len(inputs):])
                return as_tensor[:len(inputs)], [None if w is None else next(var_grads) for w in wanted]

            return (outputs or [tf.constant(0.0)]), gradient

        produced = bridged(*inputs)
        outputs = result["outputs"]
        produced = produced if isinstance(produced, (list, tuple)) else [produced]
        return _replace(result["value"], {id(o): p for o, p in zip(outputs, produced)})

    def _serve_callback(self, frame: Frame) -> Frame:
        """The worker calls a function that a test passed in: run it here, on decoded data."""
        answer = Frame({"op": "callback_result"})
        try:
            function = self.callbacks[int(frame.message.get("c", -1))]
            args = codec.decode(frame.message.get("args"), frame, self._hooks(None))
            kwargs = codec.decode(frame.message.get("kwargs"), frame, self._hooks(None))
            if not (isinstance(args, list) and isinstance(kwargs, dict) and all(isinstance(k, str) for k in kwargs)):
                raise DecodeError("malformed callback arguments")
            answer.message["value"] = _TrustedEncoder(self, answer, {})(function(*args, **kwargs))
        except Exception as err:  # the grader's function failed: the worker's call raises
            answer = Frame({"op": "callback_result", "error": f"{type(err).__name__}: {err}"[:2000]})
        return answer

    # -- values ------------------------------------------------------------------------------
    def _hooks(self, outputs: list[Any] | None) -> dict[str, Callable[[dict[str, Any], Frame], Any]]:
        def tensor(data: dict[str, Any], frame: Frame) -> Any:
            value = codec.decode_tensor(data, frame)
            if outputs is not None and isinstance(data.get("o"), int):
                outputs.append(value)
            return value

        return {"handle": self._handle, "variable": self._mirror, "kvariable": self._mirror, "tensor": tensor}

    def _handle(self, data: dict[str, Any], frame: Frame) -> Any:
        if "keras" in data:  # rebuilt here, on the test's time: the student's, not the grader's
            test = self.isolation.test
            budget = test.budget if test is not None else Budget(self.limits.time)
            started = time.monotonic()
            what = f"the code returned a Keras {str(data.get('type', 'object')).rpartition('.')[2]}"
            if self.refused:  # one refusal is enough: the next forged object costs nothing more
                raise WorkerFailure(f"{what}, and an earlier one was not rebuilt: {self.refused}", "protocol")
            try:
                rebuilt = rebuild_keras(data, frame, min(REBUILD_SECONDS, max(budget.left, 0.0)))
            except RebuildRefused as err:
                self.refused = str(err)
                raise WorkerFailure(f"{what} that the grader will not rebuild: {err}", "protocol") from None
            finally:
                budget.left -= time.monotonic() - started
            if rebuilt is not None:
                return rebuilt
        if type(data.get("h")) is not int:
            raise DecodeError("malformed handle")
        type_name = str(data.get("type", "object"))[:200]
        return remote_class(type_name)(self, handle=data["h"], type_name=type_name,
                                       is_callable=bool(data.get("callable")))

    def _mirror(self, data: dict[str, Any], frame: Frame) -> Any:
        """One trusted variable per worker variable, updated in place as the worker's changes."""
        vid = data.get("vid")
        if type(vid) is not int:
            return codec.decode_variable(data, frame)
        value = codec.decode_array(data, frame)
        mirror = self.mirrors.get(vid)
        if mirror is None or tuple(mirror.shape) != value.shape:
            mirror = codec.decode_variable(data, frame)
            self.mirrors[vid] = mirror
            self.by_variable[id(getattr(mirror, "_value", mirror))] = vid
            self.by_variable[id(mirror)] = vid
        else:
            mirror.assign(value.astype(np.asarray(mirror.numpy()).dtype))
        self.synced[vid] = np.array(mirror.numpy())
        return mirror

    def _update_mirrors(self, updates: Any, frame: Frame) -> None:
        if not isinstance(updates, list):
            raise DecodeError("malformed variable updates")
        for update in updates:
            if not isinstance(update, dict) or update.get("vid") not in self.mirrors:
                continue
            mirror = self.mirrors[update["vid"]]
            value = codec.decode_array(update, frame)
            if value.shape == tuple(mirror.shape):
                mirror.assign(value.astype(np.asarray(mirror.numpy()).dtype))
                self.synced[update["vid"]] = np.array(mirror.numpy())

    def _assignments(self, encoder: Encoder) -> list[dict[str, Any]]:
        """Mirrors that a test changed since the worker last saw them."""
        changed = []
        for vid, mirror in self.mirrors.items():
            value = np.asarray(mirror.numpy())
            if not np.array_equal(value, self.synced.get(vid), equal_nan=True):
                changed.append({**encoder.array(value), "vid": vid})
                self.synced[vid] = np.array(value)
        return changed


def _report_effects(answer: dict[str, Any], printed: str, arrays: list[np.ndarray]) -> None:
    """What the call did besides returning, for :func:`grader.effects.observe`; the test's own
    arrays are never written to."""
    mutated, facts = answer.get("mutated", []), answer.get("effects", {})
    if not (isinstance(mutated, list) and all(type(i) is int and 0 <= i < len(arrays) for i in mutated)
            and isinstance(facts, dict)):
        raise DecodeError("malformed report of the call's effects")
    known = {key: facts[key] for key in ("eager_disabled", "graph_operations", "tensorflow_seed",
                                         "numpy_global_random") if key in facts}
    if not all(isinstance(v, (bool, int, str)) for v in known.values()):
        raise DecodeError("malformed report of the call's effects")
    effects.report(printed=printed, mutated=[arrays[i] for i in mutated], **known)


class _TrustedEncoder(Encoder):
    """Encodes a test's arguments: mirrors go back as references, functions as callbacks."""

    def __init__(self, session: ModuleSession, frame: Frame, watch: dict[int, int]) -> None:
        super().__init__(frame, self._fallback)
        self.session, self.watch = session, watch
        self.arrays: list[np.ndarray] = []

    def ndarray(self, array: np.ndarray) -> dict[str, Any]:
        self.arrays.append(array)
        return {**self.array(array), "a": len(self.arrays) - 1}

    def tensorflow(self, value: Any) -> dict[str, Any] | None:
        vid = self.session.by_variable.get(id(value))
        if vid is not None and self.session.mirrors.get(vid) is value:
            return {"t": "ref", "h": vid}
        entry = super().tensorflow(value)
        if entry is not None and entry["t"] == "tensor" and id(value) in self.watch:
            entry["w"] = self.watch[id(value)]
        return entry

    def _fallback(self, value: Any, frame: Frame) -> dict[str, Any]:
        if isinstance(value, RemoteObject):
            return value._spec(self.session)
        keras = sys.modules.get("keras")
        if keras is not None and isinstance(value, keras.layers.Layer):
            return keras_config(value, self)
        if callable(value) and not isinstance(value, (RemoteModule, type)):
            number = len(self.session.callbacks) + 1
            self.session.callbacks[number] = value
            return {"t": "callback", "c": number, "name": str(getattr(value, "__name__", "function"))[:100]}
        raise EncodeError(f"the grader cannot send a {type(value).__name__} to the student's code")


# ---------------------------------------------------------------------------------------------
# The grading run
# ---------------------------------------------------------------------------------------------

class Isolation:
    """All module sessions of one grading run, the running test, and clean-up.

    Args:
        limits: what each worker may use.
        protect: paths the workers must not read.
        work_dir: where the run's folders go (the ``course`` command removes it afterwards, even
            when this process was killed).
        preload: what every worker imports first (default: NumPy, and TensorFlow where needed).
        modules: the modules the run grades, when not all: only their files decide the preload.
    """

    def __init__(self, limits: Limits | None = None, protect: Iterable[Path] = (),
                 work_dir: Path | None = None, *, preload: str | None = None,
                 modules: Iterable[str] = ()) -> None:
        self.limits = limits or Limits()
        self.protect = list(protect)
        self.sandbox = Sandbox(self.protect, work_dir)
        self.preload = preload
        self.modules = set(modules)  # the modules this run grades (all when empty): what workers preload for
        self.sessions: dict[tuple[Path, str], ModuleSession] = {}
        self.test: TestContext | None = None
        self.spares: dict[str, WorkerProcess] = {}  # a clean worker per owner (student), between modules
        self.kept = False  # a warm service's: clean workers wait for the next run, files stay staged
        self._slots = itertools.count()

    @property
    def notes(self) -> list[str]:
        return self.sandbox.notes

    def next_slot(self) -> int:
        return next(self._slots) % IDS_PER_RUN

    def session(self, folder: Path, module: str, display: str, owner: str = "") -> ModuleSession | None:
        """The module's session, or None when the file is missing (not attempted).

        ``owner``: whose code it is; a worker that stays clean serves the owner's next module. A
        link or a special file named like the module is never opened: its tests fail, saying so.
        """
        found = status(folder / f"{module}.py")
        if found == "missing":
            return None
        key = (folder, module)
        if key not in self.sessions:
            session = self.sessions[key] = ModuleSession(self, folder, module, display, owner)
            if found != "file":
                session.broken = WorkerFailure(f"{session.display_file} is {found}: only a regular file is "
                                               "graded (submit the file itself)", "import")
        return self.sessions[key]

    def preload_for(self, folder: Path) -> str:
        """The trusted imports a worker does before the code: TensorFlow if a file it will grade
        uses it (a check of a NumPy module does not wait for TensorFlow's import)."""
        if self.preload is not None:
            return self.preload
        return preload_for(path for path in folder.glob("*.py") if not self.modules or path.stem in self.modules)

    def warm(self, owner: str, folder: Path) -> None:
        """Start a worker for ``owner`` now, so that its imports overlap with the grader's start."""
        if owner not in self.spares:
            try:
                self.spares[owner] = WorkerProcess(self.sandbox, self.next_slot(), owner, self.limits,
                                                   self.preload_for(folder))
            except OSError:
                pass

    def prepare(self, folder: Path, module: str, display: str, load: bool, owner: str = "") -> None:
        """Start a module's worker ahead of its tests (``load``: import the student's file too)."""
        session = self.session(folder, module, display, owner)
        if session is None or session.broken is not None:
            return
        try:
            session.activate() if load else session.spawn()
        except (OSError, WorkerDied):
            session.worker = None

    def begin_test(self, task: str) -> TestContext:
        self.test = TestContext(task, Budget(self.limits.time))
        return self.test

    def end_test(self) -> TestContext | None:
        """Close the running test; a worker it tainted (eager execution off) is replaced."""
        test, self.test = self.test, None
        if test is not None and test.tainted:
            module = test.task.partition(".")[0]
            for (folder, name), session in self.sessions.items():
                if name == module:
                    session.retire()
        return test

    def finish(self, folder: Path, module: str, owner: str = "", reuse: bool = False) -> None:
        """A module's tests are done (it may have had no session: a missing file); ``reuse``: the
        same owner has more modules to grade, else its workers and staged files go now."""
        reuse = reuse or self.kept
        session = self.sessions.get((folder, module))
        if session is not None:
            session.retire(reuse)
        if not reuse:
            spare = self.spares.pop(owner, None)
            if spare is not None:
                spare.close()
            self.sandbox.unstage(owner)

    def take_spare(self, owner: str) -> WorkerProcess | None:
        """The owner's clean worker, if one is still alive (and, kept from run to run, not worn)."""
        spare = self.spares.pop(owner, None)
        if spare is not None and (spare.process.poll() is not None or (self.kept and spare.worn())):
            spare.close()
            return None
        return spare

    def keep_spare(self, owner: str, worker: WorkerProcess) -> None:
        old = self.spares.pop(owner, None)
        if old is not None:
            old.close()
        self.spares[owner] = worker

    def settle(self) -> None:
        """A kept isolation's run is over (:mod:`grader.trusted.service`): each clean worker
        waits for the owner's next run, the others go, and a fresh worker starts importing."""
        for (folder, _), session in self.sessions.items():
            session.retire(reuse=True)
            spare = self.take_spare(session.owner)  # a worn one goes now, not at the next check
            if spare is not None:
                self.spares[session.owner] = spare
            else:
                self.warm(session.owner, folder)
        self.sessions.clear()
        self.test = None

    def close(self) -> None:
        for session in self.sessions.values():
            session.retire()
        for spare in self.spares.values():
            spare.close()
        self.sandbox.close()
