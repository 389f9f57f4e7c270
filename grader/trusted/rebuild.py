"""Keras objects a worker returns, rebuilt on the trusted side — only standard ones, within bounds.

A model a test trains and inspects should be a trusted object. The worker sends a returned Keras
layer or model as its config, weights and compile config; it is rebuilt here in Keras' safe mode
when every class in the config is Keras' own, and only within a time and memory bound that is
charged to the student's test: a forged config (a layer of 131072 x 131072 units, a thousand
layers) is refused with a message, never paid for by the grading process.
"""

from __future__ import annotations

import contextlib
import json
import re
import resource
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from grader.trusted.workers import format_bytes
from grader.worker import codec
from grader.worker.codec import Encoder, Frame


_DENIED_CLASSES = frozenset({"Lambda", "TFSMLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer",
                             "__lambda__", "__typespec__"})
_FUNCTION_MODULES = frozenset({"keras.activations", "keras.losses", "keras.metrics"})
_VALUE_CLASSES = frozenset({"__tensor__", "__numpy__", "__bytes__",
                            "__keras_tensor__"})  # a functional model's reference to a layer's output
_LARGEST_NUMBER = 2**17  # a size in a config beyond this (units, a dimension) is refused
_MOST_WEIGHTS = 2**24  # numbers in all the weights of a rebuilt object


def _config_allowed(node: Any, depth: int = 0) -> bool:
    """Only Keras' own classes and functions, no lambdas, no file-loading layers, no huge sizes."""
    if depth > 60:
        return False
    if isinstance(node, dict):
        if "class_name" in node:
            name, module = node.get("class_name"), node.get("module")
            if not isinstance(name, str) or name in _DENIED_CLASSES:
                return False
            if name == "function":
                if module not in _FUNCTION_MODULES or not isinstance(node.get("config"), str):
                    return False
            elif name not in _VALUE_CLASSES and not (isinstance(module, str)
                                                     and (module == "keras" or module.startswith("keras."))):
                return False
        return all(_config_allowed(v, depth + 1) for k, v in node.items()
                   if not (k == "seed" and (v is None or type(v) is int)))  # a seed allocates nothing
    if isinstance(node, (list, tuple)):
        return all(_config_allowed(v, depth + 1) for v in node)
    if isinstance(node, int) and not isinstance(node, bool):
        return abs(node) <= _LARGEST_NUMBER
    return node is None or isinstance(node, (str, float, bool))


REBUILD_SECONDS = 20.0  # at most, of the test's time limit, for rebuilding one returned object
REBUILD_BYTES = 1 * 2**30  # memory a rebuild may add to the grading process
_CONFIG_CHARS = 2**20  # a model's config larger than this is not rebuilt
_CONFIG_LAYERS = 1000  # nor one with more classes in it


class RebuildRefused(Exception):
    """A returned Keras object that would cost the grading process too much to rebuild."""


class _OutOfTime(BaseException):  # a BaseException: Keras' own `except Exception` cannot swallow it
    pass


@contextlib.contextmanager
def bounded(seconds: float, extra_bytes: int) -> Iterator[dict[str, bool]]:
    """Run the block with at most ``seconds`` of wall time (SIGALRM) and ``extra_bytes`` more
    memory than this process uses now (a lower soft RLIMIT_DATA), both put back afterwards.

    Raises:
        RebuildRefused: the block ran out of either.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    used = _data_bytes()
    ceiling = used + extra_bytes if hard == resource.RLIM_INFINITY else min(used + extra_bytes, hard)
    main = threading.current_thread() is threading.main_thread()
    state = {"expired": False}  # also when a library turned the alarm into an error of its own

    def alarm(number: int, frame: Any) -> None:
        state["expired"] = True
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, alarm) if main else None
    try:
        if used:
            resource.setrlimit(resource.RLIMIT_DATA, (ceiling, hard))
        if main:
            signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
        yield state
    except _OutOfTime:
        raise RebuildRefused(f"it took more than {seconds:.3g} s") from None
    except MemoryError:
        raise RebuildRefused(f"it needed more than {format_bytes(extra_bytes)} of memory") from None
    finally:
        if main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _data_bytes() -> int:
    """This process's data segment and private mappings (what RLIMIT_DATA counts), or 0."""
    try:
        found = re.search(r"^VmData:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    except OSError:
        return 0
    return int(found.group(1)) * 1024 if found else 0


def rebuild_keras(data: dict[str, Any], frame: Frame, seconds: float = REBUILD_SECONDS) -> Any | None:
    """A trusted copy of a standard Keras layer or model, or None when it is not standard.

    The rebuild runs :func:`bounded` in time and memory, after checks on the config's size.

    Raises:
        RebuildRefused: a standard object, but too large or too slow to rebuild.
    """
    import keras

    text, compiled = data.get("keras"), data.get("compile")
    if not (isinstance(text, str) and (compiled is None or isinstance(compiled, str))):
        return None
    if len(text) + len(compiled or "") > _CONFIG_CHARS or text.count('"class_name"') > _CONFIG_LAYERS:
        raise RebuildRefused(f"its config is over {_CONFIG_CHARS // 2**20} MiB or {_CONFIG_LAYERS} classes")
    try:
        config = json.loads(text)
        compile_config = json.loads(compiled) if compiled else None
        build = data.get("build")
        if not (_config_allowed(config) and _config_allowed(compile_config) and _config_allowed(build)):
            return None
        weights = [codec.decode_array(w, frame) for w in data.get("weights", [])]
        if sum(w.size for w in weights) > _MOST_WEIGHTS:
            raise RebuildRefused(f"it has more than {_MOST_WEIGHTS} weights")
        with bounded(seconds, REBUILD_BYTES) as limits:
            layer = keras.saving.deserialize_keras_object(config, safe_mode=True)
            if not isinstance(layer, keras.layers.Layer):
                return None
            if build and not layer.built:
                layer.build_from_config(build)
            if sum(int(np.prod(w.shape)) for w in layer.weights) > _MOST_WEIGHTS:
                raise RebuildRefused(f"it has more than {_MOST_WEIGHTS} weights")
            if weights:
                layer.set_weights(weights)
            if compile_config is not None and isinstance(layer, keras.Model):
                layer.compile_from_config(compile_config)
        return layer
    except RebuildRefused:
        raise
    except Exception as err:  # anything odd: the object stays in the worker, behind a handle
        if "RESOURCE_EXHAUSTED" in str(err) or "OOM" in str(err):
            raise RebuildRefused(f"it needed more than {format_bytes(REBUILD_BYTES)} of memory") from None
        if "limits" in locals() and limits["expired"]:
            raise RebuildRefused(f"it took more than {seconds:.3g} s") from None
        return None


def keras_config(layer: Any, encoder: Encoder) -> dict[str, Any]:
    """A trusted Keras object sent to the worker, which rebuilds it (a model a test trained)."""
    import keras

    entry: dict[str, Any] = {"t": "keras_config", "config": json.dumps(keras.saving.serialize_keras_object(layer)),
                             "weights": [encoder.array(np.asarray(w)) for w in layer.get_weights()],
                             "build": layer.get_build_config() if layer.built else None}
    if isinstance(layer, keras.Model) and getattr(layer, "compiled", False):
        entry["compile"] = json.dumps(layer.get_compile_config())
    return entry
