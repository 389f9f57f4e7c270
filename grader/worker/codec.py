"""A safe wire format for values that cross between the trusted grader and a worker process.

Nothing here unpickles: a frame is a JSON document plus raw byte blobs, and decoding builds
only plain Python values, NumPy arrays of numeric dtypes, and objects of a few trusted types
(TensorFlow tensors and variables, Keras variables, NumPy random generators) from validated
data. Anything else stays where it was made and crosses as a *reference* that the receiving
side turns into a proxy through a hook; so the trusted side never runs code that a student
wrote, and a forged frame can at worst describe a wrong value, which the tests then judge.

A frame on the pipe::

    u64 body length | u32 JSON length | JSON (UTF-8) | blob 0 | blob 1 | ...

The JSON holds the message; array data sits in the blobs, referred to by index, so that a
10 MB array costs a memcpy, not a base64 round trip. JSON scalars (null, booleans, numbers,
strings) stand for themselves; every other value is an object with a tag ``"t"``.

This module imports only the standard library and NumPy at import time, so that a worker can
load it before any student code; TensorFlow and Keras are touched only when a value of theirs
is met. The worker loads it from a private copy (see :mod:`grader.trusted.sandbox`), so it does not
import anything else from :mod:`grader`.
"""

from __future__ import annotations

import json
import math
import struct
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["DecodeError", "EncodeError", "Encoder", "Frame", "MAX_DEPTH", "MAX_FRAME_BYTES", "decode",
           "decode_array", "decode_tensor", "decode_variable", "encode", "pack", "unpack"]

MAX_FRAME_BYTES = 256 * 2**20  # a frame larger than this is refused by the reader
MAX_JSON_BYTES = 32 * 2**20
MAX_DEPTH = 64  # nesting of containers in one value
_NUMERIC_KINDS = "biufc"  # bool, signed, unsigned, float, complex: never object or void
_TF_DTYPES = frozenset({"float16", "bfloat16", "float32", "float64", "int8", "int16", "int32",
                        "int64", "uint8", "uint16", "uint32", "uint64", "bool", "complex64",
                        "complex128"})
_BIT_GENERATORS = frozenset({"PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"})
_HEADER = struct.Struct("<QI")


class EncodeError(TypeError):
    """A value that cannot be sent (too deep, too large, or of a kind with no fallback)."""


class DecodeError(ValueError):
    """A frame or value that is malformed: the sender broke the protocol."""


class Frame:
    """A message and its blobs while being built or after being read."""

    def __init__(self, message: dict[str, Any] | None = None, blobs: list[bytes] | None = None) -> None:
        self.message = message if message is not None else {}
        self.blobs = blobs if blobs is not None else []


def pack(frame: Frame) -> bytes:
    """Serialize a frame to bytes (header, JSON, blobs)."""
    text = json.dumps(frame.message, allow_nan=True, separators=(",", ":")).encode()
    if len(text) > MAX_JSON_BYTES:
        raise EncodeError(f"the message is too large ({len(text)} bytes of JSON; limit {MAX_JSON_BYTES})")
    body = len(text) + sum(len(b) for b in frame.blobs)
    if body > MAX_FRAME_BYTES:
        raise EncodeError(f"the value is too large to send ({body} bytes; limit {MAX_FRAME_BYTES})")
    return b"".join([_HEADER.pack(body, len(text)), text, *frame.blobs])


def header_size() -> int:
    return _HEADER.size


def body_length(header: bytes) -> tuple[int, int]:
    """``(body length, JSON length)`` from a frame header; raises DecodeError when out of bounds."""
    body, text = _HEADER.unpack(header)
    if body > MAX_FRAME_BYTES or text > min(body, MAX_JSON_BYTES):
        raise DecodeError(f"frame of {body} bytes (JSON {text}) is over the limit")
    return body, text


def unpack(body: bytes, json_length: int) -> Frame:
    """Parse a frame body; the blobs are the byte ranges named by ``message["blobs"]``."""
    try:
        message = json.loads(body[:json_length].decode())
    except (ValueError, RecursionError) as err:
        raise DecodeError(f"malformed message: {err}") from None
    if not isinstance(message, dict):
        raise DecodeError("a message must be a JSON object")
    sizes = message.get("blobs", [])
    if not (isinstance(sizes, list) and all(type(s) is int and s >= 0 for s in sizes)):
        raise DecodeError("malformed blob table")
    if json_length + sum(sizes) != len(body):
        raise DecodeError("blob table does not match the frame length")
    blobs, offset = [], json_length
    view = memoryview(body)
    for size in sizes:
        blobs.append(view[offset : offset + size])
        offset += size
    return Frame(message, blobs)


# ---------------------------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------------------------

Fallback = Callable[[Any, Frame], dict[str, Any]]
Identify = Callable[[Any], "int | None"]


class Encoder:
    """Encodes values into JSON-able data, appending array bytes to ``frame.blobs``.

    Args:
        frame: the frame being built; ``frame.message["blobs"]`` is kept in step.
        fallback: called as ``fallback(value, frame)`` for any value this codec does not carry
            by value; returns the tagged reference (a worker registers a handle, the trusted
            side a callback) or raises :class:`EncodeError`.
        identify: gives a TensorFlow or Keras variable a number (``"vid"``) so that the other
            side can keep one mirror per variable; None leaves variables unnumbered.
    """

    def __init__(self, frame: Frame, fallback: Fallback, identify: Identify | None = None) -> None:
        self.frame, self.fallback, self.identify = frame, fallback, identify

    def __call__(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise EncodeError(f"the value is nested more than {MAX_DEPTH} levels deep")
        kind = type(value)
        if value is None or kind in (bool, str):
            return value
        if kind is int:
            return value if abs(value) < 2**63 else {"t": "bigint", "v": str(value)}
        if kind is float:
            return value if math.isfinite(value) else {"t": "float", "v": repr(value)}
        if kind is complex:
            return {"t": "complex", "re": self(value.real), "im": self(value.imag)}
        if isinstance(value, (list, tuple, set, frozenset)):  # subclasses (namedtuple) as their base
            base = next(t for t in (list, tuple, set, frozenset) if isinstance(value, t))
            return {"t": base.__name__, "v": [self(v, depth + 1) for v in value]}
        if isinstance(value, dict):
            items = list(value.items())
            return {"t": "dict", "k": [self(k, depth + 1) for k, _ in items],
                    "v": [self(v, depth + 1) for _, v in items]}
        if kind is bytes or kind is bytearray:
            return {"t": kind.__name__, "b": self.blob(bytes(value))}
        if kind is slice:
            return {"t": "slice", "v": [self(x, depth + 1) for x in (value.start, value.stop, value.step)]}
        if value is Ellipsis:
            return {"t": "ellipsis"}
        if isinstance(value, np.ndarray) and value.dtype.kind in _NUMERIC_KINDS and not value.dtype.fields:
            return self.ndarray(value)
        if isinstance(value, np.generic) and value.dtype.kind in _NUMERIC_KINDS:
            return {**self.array(np.asarray(value)), "t": "npscalar"}
        if isinstance(value, np.dtype) and value.kind in _NUMERIC_KINDS:
            return {"t": "npdtype", "v": value.str}
        if isinstance(value, type) and issubclass(value, np.generic) and np.dtype(value).kind in _NUMERIC_KINDS:
            return {"t": "nptype", "v": np.dtype(value).str}
        if isinstance(value, np.random.Generator):
            generator = value.bit_generator
            return {"t": "rng", "bg": type(generator).__name__, "state": self(generator.state, depth + 1)}
        tagged = self.tensorflow(value)
        if tagged is not None:
            return tagged
        return self.fallback(value, self.frame)

    def blob(self, data: bytes) -> int:
        self.frame.blobs.append(data)
        self.frame.message.setdefault("blobs", []).append(len(data))
        return len(self.frame.blobs) - 1

    def ndarray(self, array: np.ndarray) -> dict[str, Any]:
        """An array met as a value (a subclass may number it, to report changes made in place)."""
        return self.array(array)

    def array(self, array: np.ndarray) -> dict[str, Any]:
        array = np.array(array, order="C", subok=False, copy=not array.flags.c_contiguous)  # keeps 0-d
        return {"t": "ndarray", "d": array.dtype.str, "s": list(array.shape), "b": self.blob(array.tobytes())}

    def tensorflow(self, value: Any) -> dict[str, Any] | None:
        """Tensors and variables by value, with their kind, so ``isinstance`` checks still hold."""
        tf = sys.modules.get("tensorflow")
        keras = sys.modules.get("keras")
        entry: dict[str, Any] | None = None
        if keras is not None and isinstance(value, keras.Variable):
            entry = {**self.array(np.asarray(value.numpy())), "t": "kvariable", "name": str(value.name),
                     "trainable": bool(value.trainable)}
        elif tf is None:
            return None
        elif isinstance(value, tf.Variable):
            entry = {**self.array(np.asarray(value.numpy())), "t": "variable", "dtype": value.dtype.name,
                     "name": str(value.name).split(":")[0], "trainable": bool(value.trainable)}
        elif isinstance(value, tf.Tensor):
            if not hasattr(value, "numpy"):
                raise EncodeError("a symbolic (graph-mode) tensor has no value: was eager execution turned off?")
            return {**self.array(np.asarray(value.numpy())), "t": "tensor", "dtype": value.dtype.name}
        elif isinstance(value, tf.dtypes.DType) and value.name in _TF_DTYPES:
            return {"t": "tfdtype", "v": value.name}
        if entry is not None and self.identify is not None:
            vid = self.identify(value)
            if vid is not None:
                entry["vid"] = vid
        return entry


def encode(value: Any, frame: Frame, fallback: Fallback, identify: Identify | None = None) -> Any:
    """Encode one value into ``frame`` (see :class:`Encoder`)."""
    return Encoder(frame, fallback, identify)(value)


# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------

Hook = Callable[[dict[str, Any], Frame], Any]


def decode(data: Any, frame: Frame, hooks: dict[str, Hook] | None = None, depth: int = 0) -> Any:
    """Rebuild a value from :func:`encode`'s output; tags in ``hooks`` are handed to the hook.

    Raises:
        DecodeError: the data is malformed in any way (wrong types, sizes, dtypes, depth).
    """
    if depth > MAX_DEPTH + 2:
        raise DecodeError("value nested too deeply")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is not dict or type(data.get("t")) is not str:
        raise DecodeError(f"untagged value of type {type(data).__name__}")
    tag = data["t"]
    hooks = hooks or {}
    if tag in hooks:
        return hooks[tag](data, frame)
    try:
        return _DECODERS[tag](data, frame, hooks, depth)
    except KeyError:
        if tag not in _DECODERS:
            raise DecodeError(f"unknown tag {tag!r}") from None
        raise DecodeError(f"malformed {tag!r} value") from None
    except (TypeError, ValueError, OverflowError, IndexError, AttributeError) as err:
        if isinstance(err, DecodeError):
            raise
        raise DecodeError(f"malformed {tag!r} value: {err}") from None


def _items(data: dict[str, Any], key: str = "v") -> list[Any]:
    items = data[key]
    if type(items) is not list:
        raise DecodeError("expected a list")
    return items


def _container(data: dict[str, Any], frame: Frame, hooks: dict[str, Hook], depth: int) -> Any:
    values = [decode(v, frame, hooks, depth + 1) for v in _items(data)]
    return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[data["t"]](values)


def _dict(data: dict[str, Any], frame: Frame, hooks: dict[str, Hook], depth: int) -> dict[Any, Any]:
    keys, values = _items(data, "k"), _items(data, "v")
    if len(keys) != len(values):
        raise DecodeError("dict with unequal keys and values")
    return {decode(k, frame, hooks, depth + 1): decode(v, frame, hooks, depth + 1) for k, v in zip(keys, values)}


def _safe_dtype(text: Any) -> np.dtype:
    if type(text) is not str or len(text) > 8:
        raise DecodeError("malformed dtype")
    dtype = np.dtype(text)
    if dtype.kind not in _NUMERIC_KINDS or dtype.fields or dtype.hasobject:
        raise DecodeError(f"dtype {text!r} is not numeric")
    return dtype


def decode_array(data: dict[str, Any], frame: Frame, hooks: Any = None, depth: int = 0) -> np.ndarray:
    """The NumPy array of an ``ndarray``-like entry (also tensors and variables)."""
    dtype = _safe_dtype(data["d"])
    shape = data["s"]
    if not (type(shape) is list and len(shape) <= 32 and all(type(n) is int and n >= 0 for n in shape)):
        raise DecodeError("malformed shape")
    index = data["b"]
    if type(index) is not int or not 0 <= index < len(frame.blobs):
        raise DecodeError("bad blob index")
    blob = frame.blobs[index]
    if math.prod(shape) * dtype.itemsize != len(blob):
        raise DecodeError("array data does not match its shape and dtype")
    return np.frombuffer(blob, dtype=dtype).reshape(shape).copy()


def _npscalar(data: dict[str, Any], frame: Frame, hooks: dict[str, Hook], depth: int) -> np.generic:
    array = decode_array(data, frame)
    if array.shape != ():
        raise DecodeError("a NumPy scalar has shape ()")
    return array[()]


def _tensor(data: dict[str, Any], frame: Frame, hooks: dict[str, Hook], depth: int) -> Any:
    import tensorflow as tf

    if data["dtype"] not in _TF_DTYPES:
        raise DecodeError(f"tensor dtype {data['dtype']!r} not accepted")
    return tf.constant(decode_array(data, frame), dtype=tf.as_dtype(data["dtype"]))


def _clean_name(name: Any) -> str:
    text = "".join(c for c in str(name)[:100] if c.isalnum() or c in "_.-")
    return text or "variable"


def _variable(data: dict[str, Any], frame: Frame, hooks: dict[str, Hook], depth: int) -> Any:
    import tensorflow as tf

    if data["dtype"] not in _TF_DTYPES:
        raise DecodeError(f"variable dtype {data['dtype']!r} not accepted")
    return tf.Variable(decode_array(data, frame), dtype=tf.as_dtype(data["dtype"]),
                       trainable=bool(data["trainable"]), name=_clean_name(data["name"]))


def _kvariable(data: dict[str, Any], frame: Frame, hooks: dict[str, Hook], depth: int) -> Any:
    import keras

    return keras.Variable(decode_array(data, frame), trainable=bool(data["trainable"]),
                          name=_clean_name(data["name"]).replace("/", "_"))


def decode_tensor(data: dict[str, Any], frame: Frame) -> Any:
    """A new ``tf.Tensor`` from a ``tensor`` entry."""
    try:
        return _tensor(data, frame, {}, 0)
    except (KeyError, TypeError, ValueError) as err:
        raise DecodeError(f"malformed tensor: {err}") from None


def decode_variable(data: dict[str, Any], frame: Frame) -> Any:
    """A new ``tf.Variable`` or ``keras.Variable`` from a ``variable`` or ``kvariable`` entry."""
    try:
        return (_kvariable if data["t"] == "kvariable" else _variable)(data, frame, {}, 0)
    except (KeyError, TypeError, ValueError) as err:
        raise DecodeError(f"malformed variable: {err}") from None


def _rng(data: dict[str, Any], frame: Frame, hooks: dict[str, Hook], depth: int) -> np.random.Generator:
    name = data["bg"]
    if name not in _BIT_GENERATORS:
        raise DecodeError(f"bit generator {name!r} not accepted")
    state = decode(data["state"], frame, hooks, depth + 1)
    if type(state) is not dict:
        raise DecodeError("malformed generator state")
    generator = getattr(np.random, name)()
    generator.state = state
    return np.random.Generator(generator)


def _scalar(data: dict[str, Any], frame: Frame, hooks: dict[str, Hook], depth: int) -> Any:
    tag = data["t"]
    if tag == "bigint":
        text = data["v"]
        if type(text) is not str or len(text) > 4000:
            raise DecodeError("malformed integer")
        return int(text)
    if tag == "float":
        if data["v"] not in ("nan", "inf", "-inf"):
            raise DecodeError("malformed float")
        return float(data["v"])
    if tag == "complex":
        parts = [decode(data[k], frame, hooks, depth + 1) for k in ("re", "im")]
        if not all(type(p) in (int, float) for p in parts):
            raise DecodeError("malformed complex")
        return complex(*parts)
    if tag in ("bytes", "bytearray"):
        index = data["b"]
        if type(index) is not int or not 0 <= index < len(frame.blobs):
            raise DecodeError("bad blob index")
        return (bytes if tag == "bytes" else bytearray)(frame.blobs[index])
    if tag == "slice":
        parts = [decode(v, frame, hooks, depth + 1) for v in _items(data)]
        if len(parts) != 3 or not all(p is None or type(p) is int for p in parts):
            raise DecodeError("malformed slice")
        return slice(*parts)
    if tag == "ellipsis":
        return Ellipsis
    if tag == "npdtype":
        return _safe_dtype(data["v"])
    if tag == "nptype":
        return _safe_dtype(data["v"]).type
    if tag == "tfdtype":
        import tensorflow as tf

        if data["v"] not in _TF_DTYPES:
            raise DecodeError("dtype not accepted")
        return tf.as_dtype(data["v"])
    raise DecodeError(f"unknown tag {tag!r}")


_DECODERS: dict[str, Callable[[dict[str, Any], Frame, dict[str, Hook], int], Any]] = {
    "list": _container, "tuple": _container, "set": _container, "frozenset": _container,
    "dict": _dict, "ndarray": decode_array, "npscalar": _npscalar, "tensor": _tensor,
    "variable": _variable, "kvariable": _kvariable, "rng": _rng,
    **{tag: _scalar for tag in ("bigint", "float", "complex", "bytes", "bytearray", "slice",
                                "ellipsis", "npdtype", "nptype", "tfdtype")},
}
