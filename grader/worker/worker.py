"""The worker: the only process that runs a student's code.

Started fresh (``python -I -c ...``, never forked from a process that has imported TensorFlow)
by :mod:`grader.trusted.workers`, as an unprivileged user when the grader runs as root. It sets its
own resource limits, may import TensorFlow ahead of time (trusted code, so that the import
overlaps with the grader's own start), waits for the word to load the student's module, and
then serves requests on a pipe: look up an attribute, call a function, index an object.
Values cross with :mod:`grader.worker.codec`; anything that cannot cross by value (a student's class,
a closure, a model with custom layers) stays here and goes back as a numbered handle.

Variables the grader has seen are *mirrored*: the grader keeps one copy of each, changes it
(an SGD step a test takes) and the change is applied here before the next request; a request
that changes them here (a layer updating its moving mean) reports the new values. A call the
grader makes while a ``tf.GradientTape`` records is *recorded* here too, so that the grader
can ask for the vector-Jacobian product and a test's tape differentiates through the student's
code as if it ran in the test's own process.

The worker decides nothing: it reports what the code returned or raised, what it printed
(capped), and whether it changed global TensorFlow state. A student's code can forge any of
that, which buys nothing: the trusted side judges the values it receives.

This file, ``codec.py`` and ``loader.py`` are copied into a private folder that the worker can
read; they import nothing else from :mod:`grader`.
"""

from __future__ import annotations

import faulthandler
import importlib
import io
import itertools
import json
import os
import resource
import signal
import sys
import time
import traceback
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from .codec import (EncodeError, Encoder, Frame, body_length, decode, decode_array, header_size,
                    pack, unpack)
from .loader import load_module

OUTPUT_CHARS = 4000  # printed characters kept per request (the rest is counted, not kept)
TRACEBACK_FRAMES = 8  # student frames kept at each end of a long traceback
RECORDS_KEPT = 32  # recorded calls kept for gradients


class CappedOutput(io.TextIOBase):
    """Replaces ``sys.stdout`` and ``sys.stderr``: keeps the first characters, counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = max(self.limit - self.size, 0)
        if room:
            self.kept.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - room)
        return len(text)

    def take(self) -> str:
        text = "".join(self.kept)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters of output not shown]"
        self.kept, self.size, self.dropped = [], 0, 0
        return text


class Connection:
    """Length-prefixed frames on two pipe file descriptors."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd, self.write_fd = read_fd, write_fd

    def _read_exact(self, size: int) -> bytes:
        chunks, remaining = [], size
        while remaining:
            chunk = os.read(self.read_fd, min(remaining, 1 << 20))
            if not chunk:
                raise EOFError("the grader closed the connection")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def receive(self) -> Frame:
        body, text = body_length(self._read_exact(header_size()))
        return unpack(self._read_exact(body), text)

    def send(self, frame: Frame) -> None:
        data = memoryview(pack(frame))
        while data:
            data = data[os.write(self.write_fd, data):]


class Worker:
    """One worker's state: the module, the handles it gave out, mirrored variables, records."""

    def __init__(self, connection: Connection, output: CappedOutput) -> None:
        self.connection = connection
        self.output = output
        self.running = False  # in a request (the student's code may run)
        signal.signal(signal.SIGINT, self.interrupt)
        self.clean = fingerprint()  # the process before any student code ran
        self.reset()

    def reset(self, folder: Path = Path("/nonexistent"), module: str = "", display: str = "") -> None:
        """Forget the previous module: a worker may serve the next module of the same student."""
        self.folder, self.module_name, self.display = folder, module, display
        self.module: Any = None
        self.handles: dict[int, Any] = {}
        self.numbers = itertools.count(1)
        self.ids: dict[int, int] = {}  # id(object) -> handle, for variables and their tf.Variable
        self.mirrored: dict[int, np.ndarray] = {}  # handle of a variable -> value last reported
        self.records: OrderedDict[int, tuple[Any, list[Any], list[Any]]] = OrderedDict()
        self.callbacks_open = False
        self.watched: list[Any] | None = None  # tensors the grader asked to watch in this call
        self.outputs: list[Any] | None = None  # float tensors of a recorded call's result
        self.arguments: list[tuple[int, np.ndarray, Any]] = []  # arrays passed in, and their bytes

    # -- values ------------------------------------------------------------------------------
    def register(self, value: Any) -> int:
        handle = self.ids.get(id(value))
        if handle is None:
            handle = next(self.numbers)
            self.handles[handle] = value
            self.ids[id(value)] = handle
        return handle

    def fallback(self, value: Any, frame: Frame) -> dict[str, Any]:
        """Objects that do not cross by value become handles; Keras objects carry their config."""
        entry: dict[str, Any] = {"t": "handle", "h": self.register(value), "type": _qualname(type(value)),
                                 "callable": callable(value)}
        keras = sys.modules.get("keras")
        if keras is not None and isinstance(value, keras.layers.Layer):
            entry.update(self.keras_description(value, frame))
        return entry

    def identify(self, variable: Any) -> int:
        """Number a variable (and the tf.Variable under a Keras one) and mirror it from now on."""
        handle = self.register(variable)
        inner = getattr(variable, "_value", None)
        if inner is not None:
            self.ids.setdefault(id(inner), handle)
            self.handles.setdefault(-handle, inner)  # keeps the inner variable alive with its id
        self.mirrored[handle] = np.array(variable.numpy())
        return handle

    def encoder(self, frame: Frame) -> Encoder:
        encoder = Encoder(frame, self.fallback, self.identify)
        if self.outputs is not None:
            tensor = encoder.tensorflow

            def numbered(value: Any) -> dict[str, Any] | None:  # a recorded call's float outputs
                entry = tensor(value)
                if entry is not None and entry["t"] == "tensor" and value.dtype.is_floating:
                    entry["o"] = len(self.outputs)
                    self.outputs.append(value)
                return entry

            encoder.tensorflow = numbered  # type: ignore[method-assign]
        return encoder

    def decode_value(self, data: Any, frame: Frame) -> Any:
        return decode(data, frame, {"ref": self._ref, "path": self._path, "callback": self._callback,
                                    "keras_config": _rebuild_keras, "tensor": self._tensor,
                                    "ndarray": self._argument})

    def _argument(self, data: dict[str, Any], frame: Frame) -> np.ndarray:
        """An array the grader passed: remembered, so that changes made in place go back."""
        array = decode_array(data, frame)
        if isinstance(data.get("a"), int):
            self.arguments.append((data["a"], array, array.copy()))
        return array

    def _ref(self, data: dict[str, Any], frame: Frame) -> Any:
        try:
            return self.handles[data["h"]]
        except KeyError:
            raise LookupError(f"handle {data.get('h')!r} is not known to this worker") from None

    def _path(self, data: dict[str, Any], frame: Frame) -> Any:
        target = self.module
        for name in data["p"]:
            target = getattr(target, name)
        return target

    def _tensor(self, data: dict[str, Any], frame: Frame) -> Any:
        import tensorflow as tf

        tensor = tf.constant(decode_array(data, frame), dtype=tf.as_dtype(data["dtype"]))
        if self.watched is not None and "w" in data:
            self.watched.append(tensor)
        return tensor

    def _callback(self, data: dict[str, Any], frame: Frame) -> Any:
        """A callable that lives on the trusted side (an objective function a test passes in)."""
        number = data["c"]

        def call_grader(*args: Any, **kwargs: Any) -> Any:
            if not self.callbacks_open:
                raise RuntimeError("a function the grader passed in can only be called during that call")
            request = Frame({"op": "callback", "c": number})
            encoder = Encoder(request, self.fallback, self.identify)
            request.message["args"] = encoder(list(args))
            request.message["kwargs"] = encoder(kwargs)
            self.connection.send(request)
            reply = self.connection.receive()
            if "error" in reply.message:
                raise RuntimeError(f"the grader's function failed: {reply.message['error']}")
            return self.decode_value(reply.message["value"], reply)

        call_grader.__name__ = str(data.get("name", "grader_function"))
        return call_grader

    def keras_description(self, layer: Any, frame: Frame) -> dict[str, Any]:
        """A Keras layer or model's config, weights and compile config, for a rebuild in safe mode."""
        import keras

        try:
            encoder = Encoder(frame, self.fallback)
            description = {"keras": json.dumps(keras.saving.serialize_keras_object(layer)),
                           "weights": [encoder(np.asarray(w)) for w in layer.get_weights()],
                           "build": getattr(layer, "get_build_config", lambda: None)()}
            if isinstance(layer, keras.Model) and getattr(layer, "compiled", False):
                description["compile"] = json.dumps(layer.get_compile_config())
            json.dumps(description["build"])
            return description
        except Exception:  # a config that cannot be written: the object stays a handle
            return {}

    # -- requests ----------------------------------------------------------------------------
    def interrupt(self, number: int, frame: Any) -> None:
        """SIGINT: a KeyboardInterrupt in the student's code; between requests it is ignored."""
        if self.running:
            raise KeyboardInterrupt

    def handle(self, frame: Frame) -> Frame:
        message = frame.message
        op = message.get("op")
        reply = Frame({"op": "reply", "seq": message.get("seq")})
        before = GlobalState()
        self.running = True
        try:
            self.assign(message.get("assign", []), frame)
            if op == "vjp":
                result = self.vjp(message, frame)
            else:
                result = self.request(op, message, frame, reply)
            reply.message["value"] = self.encoder(reply)(result)
        except BaseException as err:  # noqa: B036 - everything the student's code raises is reported
            reply = Frame({"op": "reply", "seq": message.get("seq"), "error": self.describe(err)})
        finally:
            self.outputs = self.watched = None
            self.running = False
        self.report_arguments(reply)
        reply.message["output"] = self.output.take()
        try:
            self.report_variables(reply)
        except BaseException as err:  # noqa: B036 - a variable the student's code broke
            reply.message["error"] = self.describe(err)
        changed = before.restore()
        if changed:
            reply.message["effects"] = changed
        if changed.get("eager_disabled"):
            reply.message["tainted"] = "your code turned off eager execution"
        return reply

    def request(self, op: str, message: dict[str, Any], frame: Frame, reply: Frame) -> Any:
        recording = op == "call" and bool(message.get("record"))
        if recording:
            self.watched = []
        spec = message.get("target")
        target = self.module if spec is None else self.decode_value(spec, frame)
        if op == "getattr":
            return getattr(target, message["name"])
        if op == "setattr":
            setattr(target, message["name"], self.decode_value(message["value"], frame))
            return None
        if op == "call":
            args = self.decode_value(message["args"], frame)
            kwargs = self.decode_value(message["kwargs"], frame)
            self.callbacks_open = True
            try:
                if not recording:
                    return target(*args, **kwargs)
                return self.record(target, args, kwargs, reply)
            finally:
                self.callbacks_open = False
        if op == "getitem":
            return target[self.decode_value(message["key"], frame)]
        if op == "len":
            return len(target)
        if op == "iter":
            return list(_take(iter(target), int(message.get("limit", 100_000))))
        if op == "signature":
            import inspect

            return [[p.name, int(p.kind), p.default is not p.empty, None if p.default is p.empty else p.default]
                    for p in inspect.signature(target).parameters.values()]
        if op in ("repr", "str"):
            return (repr if op == "repr" else str)(target)[:2000]
        raise ValueError(f"unknown request {op!r}")

    def record(self, target: Any, args: Any, kwargs: Any, reply: Frame) -> Any:
        """Call under a persistent tape; the grader may ask for gradients of the result later."""
        import tensorflow as tf

        inputs = list(self.watched or [])
        self.watched = None
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(inputs)
            result = target(*args, **kwargs)
        variables = [v for v in tape.watched_variables() if v.trainable]
        self.outputs = []
        number = max(self.records, default=0) + 1
        self.records[number] = (tape, inputs, variables, self.outputs)
        while len(self.records) > RECORDS_KEPT:
            self.records.popitem(last=False)
        owners = _keras_owners(target, args, kwargs)
        watched = [owners.get(id(v), v) for v in variables]
        reply.message["record"] = {"id": number, "vars": Encoder(reply, self.fallback, self.identify)(watched)}
        return result

    def vjp(self, message: dict[str, Any], frame: Frame) -> list[Any]:
        """Gradients of a recorded call: d(sum(outputs * dys))/d(inputs and variables)."""
        import tensorflow as tf

        try:
            tape, inputs, variables, outputs = self.records[message["record"]]
        except KeyError:
            raise LookupError("that call's gradient tape is no longer kept") from None
        dys = self.decode_value(message["dys"], frame)
        wanted = [self.handles[h] for h in message["vars"]]
        sources = inputs + [getattr(v, "_value", v) for v in wanted]
        gradients = tape.gradient(outputs, sources,
                                  output_gradients=[tf.cast(d, o.dtype) for d, o in zip(dys, outputs)])
        return [None if g is None else tf.convert_to_tensor(g) for g in gradients]

    def assign(self, updates: list[Any], frame: Frame) -> None:
        """Apply the grader's changes to mirrored variables before the request runs."""
        for update in updates:
            variable = self.handles[update["vid"]]
            value = decode_array(update, frame)
            variable.assign(value.astype(np.asarray(variable.numpy()).dtype))
            self.mirrored[update["vid"]] = value

    def report_arguments(self, reply: Frame) -> None:
        """The numbers of the arrays the student's code changed in place (the test's own arrays
        are never touched: the test learns only which ones, through :func:`grader.effects.observe`)."""
        arguments, self.arguments = self.arguments, []
        changed = [number for number, array, before in arguments
                   if array.shape != before.shape or not np.array_equal(array, before, equal_nan=True)]
        if changed:
            reply.message["mutated"] = changed

    def report_variables(self, reply: Frame) -> None:
        """Send the new values of mirrored variables that this request changed."""
        changed = []
        encoder = Encoder(reply, self.fallback)
        for handle, last in self.mirrored.items():
            value = np.asarray(self.handles[handle].numpy())
            if value.shape != last.shape or not np.array_equal(value, last, equal_nan=True):
                self.mirrored[handle] = np.array(value)
                changed.append({**encoder.array(value), "vid": handle})
        if changed:
            reply.message["vars"] = changed

    def describe(self, err: BaseException) -> dict[str, Any]:
        """The exception as the student should see it: type, message and their own frames."""
        mro = [c.__name__ for c in type(err).__mro__ if c.__module__ == "builtins"]
        if isinstance(err, EncodeError):
            mro = ["EncodeError"]
        frames = [f for f in traceback.extract_tb(err.__traceback__)
                  if Path(f.filename).parent == self.folder]
        if len(frames) > 2 * TRACEBACK_FRAMES:
            hidden = len(frames) - 2 * TRACEBACK_FRAMES
            lines = (traceback.format_list(frames[:TRACEBACK_FRAMES])
                     + [f"  ... {hidden} more frames of your code ...\n"]
                     + traceback.format_list(frames[-TRACEBACK_FRAMES:]))
        else:
            lines = traceback.format_list(frames)
        text = "".join(lines).replace(str(self.folder) + os.sep, self.display)
        try:
            message = "".join(traceback.format_exception_only(type(err), err)).strip()
        except BaseException:  # noqa: B036 - a student's exception whose __str__ fails
            message = type(err).__name__
        return {"type": type(err).__name__, "mro": mro, "message": message[:3000], "traceback": text[:6000]}

    # -- lifecycle ---------------------------------------------------------------------------
    def load(self, message: dict[str, Any]) -> Frame:
        self.reset(Path(str(message["folder"])).resolve(), str(message["module"]), str(message.get("display", "")))
        started = time.perf_counter()
        reply = Frame({"op": "ready"})
        self.running = True
        try:
            self.module = load_module(self.folder, self.module_name)
        except BaseException as err:  # noqa: B036 - an import-time exit or interrupt is an answer too
            reply.message["error"] = self.describe(err)
        finally:
            self.running = False
        reply.message["seconds"] = time.perf_counter() - started
        reply.message["output"] = self.output.take()
        reply.message["eager"] = _eager()
        return reply

    def release(self) -> Frame:
        """Done with a module: still clean enough to serve the student's next module?"""
        for name in [n for n, m in sys.modules.items()
                     if str(getattr(m, "__file__", "") or "").startswith(str(self.folder) + os.sep)]:
            del sys.modules[name]
        self.reset()
        now = fingerprint()
        changed = sorted(key for key, value in self.clean.items()
                         if not (value <= now.get(key, frozenset()) if isinstance(value, frozenset)
                                 else now.get(key) == value))  # library attributes may be added, not replaced
        return Frame({"op": "released", "clean": not changed, "changed": changed[:10]})

    def serve(self) -> None:
        self.connection.send(Frame({"op": "preloaded"}))  # the student's import is timed from here
        while True:
            frame = self.connection.receive()
            op = frame.message.get("op")
            if op == "exit":
                return
            if op == "load":
                reply = self.load(frame.message)
            elif op == "release":
                reply = self.release()
                if not reply.message["clean"]:
                    self.connection.send(reply)
                    return
            else:
                reply = self.handle(frame)
            try:
                self.connection.send(reply)
            except EncodeError as err:
                self.connection.send(Frame({"op": "reply", "seq": frame.message.get("seq"),
                                            "error": self.describe(err), "output": ""}))


WATCHED_MODULES = ("builtins", "sys", "os", "math", "random", "numpy", "numpy.linalg", "numpy.random",
                   "numpy.testing", "tensorflow", "tensorflow.math", "tensorflow.nn", "tensorflow.linalg",
                   "keras", "keras.ops", "keras.layers", "keras.losses", "keras.optimizers", "keras.backend")


def fingerprint() -> dict[str, Any]:
    """The process-wide state a module could change for the next one: attributes of the
    libraries (replaced or deleted, not added), NumPy's error and print settings, TensorFlow's
    and Keras' global modes, signal handlers, threads, hooks, the environment."""
    import threading

    state: dict[str, Any] = {}
    for name in WATCHED_MODULES:
        module = sys.modules.get(name)
        if module is not None:
            state[f"module {name}"] = frozenset((key, id(value)) for key, value in list(vars(module).items())
                                                if not isinstance(value, type(sys)))
    state["numpy settings"] = (repr(np.geterr()), repr(sorted(np.get_printoptions().items(), key=str)))
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        state["tensorflow modes"] = (tf.executing_eagerly(), tf.config.functions_run_eagerly())
    keras = sys.modules.get("keras")
    if keras is not None:
        state["keras settings"] = (keras.config.floatx(), keras.config.epsilon(), keras.config.image_data_format(),
                                   str(keras.config.dtype_policy().name))
    state["signals"] = tuple(repr(signal.getsignal(s)) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM))
    state["threads"] = threading.active_count()
    state["hooks"] = (id(sys.gettrace()), id(sys.getprofile()), id(sys.excepthook), id(sys.stdout),
                      sys.getrecursionlimit(), tuple(sys.path), os.getcwd())
    state["environment"] = tuple(sorted(os.environ.items()))
    return state


def _take(iterator: Any, limit: int) -> Any:
    for count, item in enumerate(iterator):
        if count >= limit:
            raise ValueError(f"more than {limit} items")
        yield item


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _eager() -> bool:
    tf = sys.modules.get("tensorflow")
    return True if tf is None else bool(tf.executing_eagerly())


class GlobalState:
    """The process-wide state a graded function must leave alone, taken before a request and put
    back after it: TensorFlow's eager mode, its global default graph and global seed, NumPy's
    global random state. :meth:`restore` says what the request changed."""

    def __init__(self) -> None:
        self.numpy = np.random.get_state()
        tf = sys.modules.get("tensorflow")
        self.eager, self.operations, self.seed = True, 0, None
        if tf is not None:
            from tensorflow.python.eager import context

            self.eager = bool(tf.executing_eagerly())
            self.operations = len(tf.compat.v1.get_default_graph().get_operations())
            self.seed = context.global_seed()


    def restore(self) -> dict[str, Any]:
        """Put the state back; return what had changed (empty when nothing did)."""
        changed: dict[str, Any] = {}
        state = np.random.get_state()
        if not (state[0] == self.numpy[0] and np.array_equal(state[1], self.numpy[1])
                and state[2:] == self.numpy[2:]):
            changed["numpy_global_random"] = True
            np.random.set_state(self.numpy)
        tf = sys.modules.get("tensorflow")
        if tf is None:
            return changed
        from tensorflow.python.eager import context

        if self.eager and not tf.executing_eagerly():
            changed["eager_disabled"] = True
            context.default_execution_mode = context.EAGER_MODE
            context.context()._thread_local_data.is_eager = True  # what enable_eager_execution would do
        added = len(tf.compat.v1.get_default_graph().get_operations()) - self.operations
        if added > 0:
            changed["graph_operations"] = added
            try:
                tf.compat.v1.reset_default_graph()
            except Exception:  # noqa: BLE001 - inside a graph context the graph stays; the test is told
                pass
        if context.global_seed() != self.seed:
            changed["tensorflow_seed"] = repr(context.global_seed())[:40]
            tf.random.set_seed(self.seed)
        return changed


def _keras_owners(target: Any, args: Any, kwargs: Any) -> dict[int, Any]:
    """id(tf.Variable) -> the Keras variable that wraps it, for the layers involved in a call."""
    keras = sys.modules.get("keras")
    if keras is None:
        return {}
    owners: dict[int, Any] = {}
    for candidate in [target, getattr(target, "__self__", None), *args, *kwargs.values()]:
        if isinstance(candidate, keras.layers.Layer):
            for variable in candidate.weights:
                owners[id(getattr(variable, "_value", variable))] = variable
    return owners


def _rebuild_keras(data: dict[str, Any], frame: Frame) -> Any:
    """A Keras object the trusted side sends in (a model a test built or trained)."""
    import keras

    layer = keras.saving.deserialize_keras_object(json.loads(data["config"]), safe_mode=False)
    if data.get("build") and not layer.built:
        layer.build_from_config(data["build"])
    if data.get("weights"):
        layer.set_weights([decode_array(w, frame) for w in data["weights"]])
    if data.get("compile"):
        layer.compile_from_config(json.loads(data["compile"]))
    return layer


def _die_with_parent() -> None:
    """Be killed when the grader dies, even in the middle of a student's endless loop."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the grader died before prctl
            os._exit(0)
    except (OSError, AttributeError):
        pass


def _limit(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(which, (value, value))


def main(argv: list[str]) -> None:
    """``read_fd write_fd memory_bytes cpu_seconds file_bytes preload``."""
    _die_with_parent()
    read_fd, write_fd = int(argv[0]), int(argv[1])
    memory, cpu, file_size = int(argv[2]), int(argv[3]), int(argv[4])
    if memory:
        _limit(resource.RLIMIT_DATA, memory)  # heap and private mappings: MemoryError, not a kill
    _limit(resource.RLIMIT_CPU, cpu)
    _limit(resource.RLIMIT_FSIZE, file_size)
    _limit(resource.RLIMIT_CORE, 0)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the file limit fails instead
    faulthandler.enable(file=sys.__stderr__, all_threads=False)
    for name in filter(None, argv[5].split(",")):
        try:  # trusted imports before any student code, while the grader starts up too
            importlib.import_module(name)
        except Exception:
            pass
    output = CappedOutput(OUTPUT_CHARS)
    sys.stdout = sys.stderr = output
    worker = Worker(Connection(read_fd, write_fd), output)
    try:
        worker.serve()
    except (EOFError, BrokenPipeError):
        pass
    finally:
        os._exit(0)  # skip interpreter teardown: TensorFlow's can hang or crash
