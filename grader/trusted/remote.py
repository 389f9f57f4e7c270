"""What a graded test holds in its hands instead of the student's objects, and what it sees when
the student's code fails.

A :class:`RemoteModule` is the student's module at a distance: ``impl.softmax(Z)`` is a request to
the worker. Objects that do not cross by value stay there behind a :class:`RemoteObject`, whose
``==`` is identity and whose truth is an error, so an object that claims to equal everything gets
nowhere. What the code raised comes back as a :class:`StudentError` of the same built-in class;
what happened to a worker that hung, crashed or broke the protocol, as a :class:`WorkerFailure`.
"""

from __future__ import annotations

import builtins
import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pytest

from grader.trusted.workers import format_bytes
from grader.worker.codec import EncodeError

if TYPE_CHECKING:
    from grader.trusted.isolation import ModuleSession

class WorkerFailure(pytest.fail.Exception):  # type: ignore[misc,name-defined]
    """The student's code hung, crashed, exited or broke the protocol: the test fails.

    A ``BaseException`` (pytest's ``Failed``), so that ``pytest.raises(Exception)`` in a test
    cannot mistake a dead worker for an expected error.

    Attributes:
        kind: ``timeout``, ``crash``, ``import`` or ``protocol``.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(msg=message, pytrace=False)
        self.kind = kind


class StudentError(Exception):
    """The student's code raised. Raised here as a subclass of the same built-in exception.

    Attributes:
        error_type: the name of the class the student's code raised.
        student_text: the message with the student's own frames of the traceback.
    """

    def __init__(self, text: str, error_type: str = "Exception") -> None:
        Exception.__init__(self, text)
        self.student_text = text
        self.error_type = error_type

    def __str__(self) -> str:
        return self.student_text


_ERROR_CLASSES: dict[type, type] = {}


def student_error(info: dict[str, Any], call: str, memory: int) -> StudentError:
    """A :class:`StudentError` that is also an instance of the built-in class the code raised."""
    names = [n for n in info.get("mro", []) if isinstance(n, str)]
    error_type = str(info.get("type", "Exception"))[:100]
    base: type = Exception
    for name in names:
        candidate = getattr(builtins, name, None)
        if isinstance(candidate, type) and issubclass(candidate, Exception) and candidate is not Exception:
            base = candidate
            break
    message = str(info.get("message", error_type))
    if error_type == "SystemExit":
        what = "a module must not exit when imported" if call.startswith("importing ") else \
            "a graded function must return a value"
        headline = f"{call} called sys.exit({message.partition(': ')[2] or ''}): {what}"
    elif error_type == "KeyboardInterrupt":
        headline = f"{call} raised KeyboardInterrupt"
    elif "MemoryError" in names or "ResourceExhaustedError" in error_type:
        headline = f"{call} ran out of memory (the limit is {format_bytes(memory)}): {message}"
    elif error_type == "EncodeError":
        headline = f"{call} returned a value the grader cannot receive: {message.partition(': ')[2] or message}"
    else:
        headline = f"{call} raised {message}"
    trace = str(info.get("traceback", ""))
    text = headline + (f"\nTraceback (your code, most recent call last):\n{trace.rstrip()}" if trace.strip() else "")
    cls = _ERROR_CLASSES.get(base)
    if cls is None:
        cls = type(base.__name__, (StudentError, base), {"__module__": "student", "__str__": StudentError.__str__})
        _ERROR_CLASSES[base] = cls
    try:
        return cls(text, error_type)
    except Exception:  # a built-in class with an unusual constructor
        return StudentError(text, error_type)


def describe_call(name: str, args: Iterable[Any], kwargs: dict[str, Any]) -> str:
    """``softmax(<array (4, 5)>, axis=0)``: what was called, for messages."""
    def short(value: Any) -> str:
        if isinstance(value, (RemoteObject, RemoteModule)):
            return repr(value)
        shape = getattr(value, "shape", None)
        if shape is not None:
            try:
                return f"<{type(value).__name__} of shape {tuple(shape)}>"
            except TypeError:
                pass
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"



class RemoteObject:
    """An object that lives in the worker: attribute access, calls and indexing go there.

    Comparison and truth never do: ``==`` is identity and ``bool()`` is an error, so an object
    whose ``__eq__`` always says True cannot pass a check.
    """

    __slots__ = ("_session", "_generation", "_handle", "_path", "_type", "_callable")

    def __init__(self, session: ModuleSession, *, handle: int | None = None, path: tuple[str, ...] | None = None,
                 type_name: str = "object", is_callable: bool = False) -> None:
        for name, value in (("_session", session), ("_generation", session.generation), ("_handle", handle),
                            ("_path", path), ("_type", type_name), ("_callable", is_callable)):
            object.__setattr__(self, name, value)

    def _spec(self, session: ModuleSession) -> dict[str, Any]:
        if session is not self._session:
            raise EncodeError("an object from another module's worker cannot be sent here")
        if self._path is not None:
            return {"t": "path", "p": list(self._path)}
        if self._generation != session.generation:
            raise WorkerFailure(f"{self!r} was made in a worker process that has since stopped "
                                "(after a crash or a time-out in an earlier call)", "crash")
        return {"t": "ref", "h": self._handle}

    @property
    def _name(self) -> str:
        return ".".join(self._path) if self._path else self._type.rpartition(".")[2]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._session.request("getattr", self, f"{self._name}.{name}", name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._session.request("setattr", self, f"setting {self._name}.{name}", name=name, value=value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.call(self, args, kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._session.request("getitem", self, f"{self._name}[{key!r:.40}]", key=key)

    def __len__(self) -> int:
        value = self._session.request("len", self, f"len({self._name})")
        if type(value) is not int or value < 0:
            raise TypeError(f"len() of {self!r} returned {type(value).__name__}, not a length")
        return value

    def __iter__(self) -> Any:
        value = self._session.request("iter", self, f"iterating over {self._name}")
        if type(value) is not list:
            raise TypeError(f"iterating over {self!r} did not give a list of items")
        return iter(value)

    @property
    def __signature__(self) -> inspect.Signature:
        """The remote callable's parameters (names, kinds, defaults), for ``inspect.signature``."""
        described = self._session.request("signature", self, f"inspect.signature({self._name})")
        parameters = []
        try:
            for name, kind, has_default, default in described:
                parameters.append(inspect.Parameter(name, inspect._ParameterKind(kind),
                                                    default=default if has_default else inspect.Parameter.empty))
            return inspect.Signature(parameters)
        except (TypeError, ValueError):
            raise ValueError(f"the signature of {self!r} could not be read") from None

    def __bool__(self) -> bool:
        raise TypeError(f"{self!r} lives in the student's process and has no truth value here: "
                        "graded functions return numbers, arrays, tuples or Keras objects")

    def __repr__(self) -> str:
        return f"<{self._type.rpartition('.')[2]} from your code>"


_REMOTE_CLASSES: dict[str, type] = {}


def remote_class(type_name: str) -> type:
    """A :class:`RemoteObject` subclass named like the remote object's class, for messages
    ("got AlwaysEqual of shape (4, 5)"); it adds nothing else."""
    name = type_name.rpartition(".")[2]
    if not name.isidentifier():
        return RemoteObject
    if name not in _REMOTE_CLASSES:
        _REMOTE_CLASSES[name] = type(name, (RemoteObject,), {"__slots__": (), "__module__": "student"})
    return _REMOTE_CLASSES[name]


class RemoteModule:
    """What the ``impl`` fixture returns in isolated mode: the student's module, at a distance."""

    __slots__ = ("_session",)

    def __init__(self, session: ModuleSession) -> None:
        object.__setattr__(self, "_session", session)

    def __getattr__(self, name: str) -> Any:
        session = self._session
        if name == "__name__":
            return session.module
        if name == "__file__":
            return session.display_file
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = session.request("getattr", None, f"{session.module}.{name}", name=name)
        if isinstance(value, RemoteObject) and value._callable:  # re-found by name after a restart
            return RemoteObject(session, path=(name,), type_name=value._type, is_callable=True)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        self._session.request("setattr", None, f"setting {self._session.module}.{name}", name=name, value=value)

    def __repr__(self) -> str:
        return f"<module {self._session.module} from {self._session.display_file}, in a worker process>"
