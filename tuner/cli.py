"""The `tuner` command line: `sweep`, `report`, `best`, `plot`.

    tuner sweep  --config tuner/configs/digits.toml --dir runs/digits   # run, or resume
    tuner sweep  --dir runs/lr --param learning_rate=1e-4:1:log --param beta=0.9:0.999:one_minus_log
    tuner report --dir runs/digits [--format table|csv|json] [--top N]
    tuner best   --dir runs/digits [--format table|csv|json]
    tuner plot   --dir runs/digits --out runs/digits/search.png

Data goes to stdout, progress and errors to stderr. An error is one line and a non-zero exit
code (2 for bad settings, 1 for a sweep that could not finish); `--debug` adds the traceback.
Only `sweep` imports TensorFlow.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from tuner import distributed
from tuner.config import ALGORITHMS, DIRECTIONS, PROPOSALS, SweepConfig, build_config, load_file, parse_cli_params
from tuner.errors import CONFIG_EXIT, FAILED_EXIT, ConfigError, ResultsError, SweepFailed
from tuner.results import (FORMATS, best_trial, format_best, format_trials, read_sweep,
                           read_trials, sort_trials, sweep_status)
from tuner.space import Param, SpaceError

if TYPE_CHECKING:
    from tuner.sweep import SweepOutcome  # TensorFlow: imported for `sweep` only

RESTART_MB = 512.0
RESTARTED = "TUNER_RESTARTED"  # set in the environment of a process that replaced itself
CHIEF_GONE_WAIT_S = 10.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tuner", description="Coarse-to-fine random search on the right "
                                     "scale, built on keras-tuner.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dir", required=True, type=Path, help="the sweep directory")
    common.add_argument("--debug", action="store_true", help="show tracebacks and TensorFlow's start-up notes")

    sweep = commands.add_parser("sweep", parents=[common], help="run a sweep, or resume it",
                                description="Run a sweep, or resume the one in --dir.")
    sweep.add_argument("--config", type=Path, metavar="FILE", help="TOML file with [sweep], [model] and [params] tables")
    sweep.add_argument("--param", action="append", default=[], metavar="NAME=LOW:HIGH:SCALE",
                       help="a parameter (repeatable), e.g. learning_rate=1e-4:1:log, beta=0.9:0.999:one_minus_log, "
                            "hidden_units=16:256:int_log, batch_norm=false,true:choice")
    sweep.add_argument("--algorithm", choices=ALGORITHMS)
    for flag, kind, text in (("--rounds", int, "coarse-to-fine rounds"),
                             ("--trials-per-round", int, "trials in each round"),
                             ("--top-k", int, "best trials the next round's box must hold"),
                             ("--margin", float, "fraction of a round's width added on each side of the next box"),
                             ("--worker-timeout", float, "seconds of silence after which a worker's trial goes "
                                                         "to another worker (default 30)"),
                             ("--max-trials", int, "trials of random and bayesian"),
                             ("--hyperband-iterations", int, "hyperband iterations"),
                             ("--epochs", int, "epochs per trial"),
                             ("--batch-size", int, "fit's batch size when the model does not tune it"),
                             ("--seed", int, "the sweep's seed (>= 1)"),
                             ("--threads", int, "TensorFlow threads per process")):
        sweep.add_argument(flag, type=kind, help=text, metavar="N" if kind is int else "X")
    sweep.add_argument("--proposal", choices=PROPOSALS, help="coarse-to-fine: draw each trial uniformly in the box "
                       "(the course's rule, default) or as the best of many candidates by a surrogate of the objective")
    sweep.add_argument("--prune", action="store_true", default=None,
                       help="stop a trial whose objective is behind its round's median at the same epoch")
    sweep.add_argument("--objective", metavar="METRIC", help="metric to optimise (default val_accuracy)")
    sweep.add_argument("--direction", choices=DIRECTIONS)
    sweep.add_argument("--model", metavar="MODULE:ATTR", help="a build(hp) function or keras_tuner.HyperModel "
                                                             "(default tuner.digits:DigitsMLP)")
    sweep.add_argument("--data", metavar="MODULE:ATTR", help="a function returning model.fit keyword arguments "
                                                            "(default tuner.digits:load_data)")
    sweep.add_argument("--save-models", action="store_true", default=None, help="keep each trial's best weights")
    sweep.add_argument("--tensorboard", action="store_true", default=None,
                       help="log each trial with its hyperparameters for TensorBoard's HParams dashboard "
                            "(DIR/tensorboard/)")
    sweep.add_argument("--workers", type=int, default=0, metavar="N",
                       help="run N worker processes and a chief on this machine (127.0.0.1)")
    sweep.add_argument("--overwrite", action="store_true", help="delete the sweep in --dir and start again")
    sweep.add_argument("--restart-mb", type=float, default=RESTART_MB, metavar="MB",
                       help="start the training process again, between two trials, once it has grown by MB "
                            "since its first trial (TensorFlow keeps some memory after each fit); 0: never "
                            f"(default {RESTART_MB:g})")
    sweep.set_defaults(run=_sweep)

    report = commands.add_parser("report", parents=[common], help="every trial, best first")
    report.add_argument("--format", choices=FORMATS, default="table")
    report.add_argument("--top", type=int, metavar="N", help="only the N best trials")
    report.set_defaults(run=_report)

    best = commands.add_parser("best", parents=[common], help="the best trial")
    best.add_argument("--format", choices=FORMATS, default="table")
    best.set_defaults(run=_best)

    plot = commands.add_parser("plot", parents=[common], help="PNG: the objective against each parameter")
    plot.add_argument("--out", type=Path, help="the PNG to write (default: DIR/search.png)")
    plot.add_argument("--log-y", action="store_true", help="the objective on a log axis (for a loss)")
    plot.set_defaults(run=_plot)
    return parser


def _say(text: str) -> None:
    print(f"tuner: {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------- sweep
def _config(args: argparse.Namespace) -> SweepConfig:
    file_settings, file_params = load_file(args.config) if args.config else ({}, ())
    cli = {"algorithm": args.algorithm, "rounds": args.rounds, "trials_per_round": args.trials_per_round,
           "top_k": args.top_k, "margin": args.margin, "max_trials": args.max_trials,
           "hyperband_iterations": args.hyperband_iterations, "epochs": args.epochs,
           "batch_size": args.batch_size, "seed": args.seed, "threads": args.threads,
           "objective": args.objective, "direction": args.direction, "model": args.model,
           "data": args.data, "save_models": args.save_models, "worker_timeout": args.worker_timeout,
           "tensorboard": args.tensorboard, "prune": args.prune, "proposal": args.proposal}
    return build_config(file_settings, file_params, cli, parse_cli_params(args.param))


def _remove_sweep(directory: Path) -> None:
    """`--overwrite`: delete a sweep directory, never a directory that holds something else."""
    if not directory.exists():
        return
    names = {p.name for p in directory.iterdir()} if directory.is_dir() else {directory.name}
    if names and not names & {"sweep.json", "oracle.json"}:
        raise ConfigError(f"refusing to delete {directory}: it holds no sweep. Received: --dir {directory}")
    shutil.rmtree(directory)


def _check_writable(directory: Path) -> None:
    """Create the sweep directory, and prove it takes a file, before TensorFlow loads."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".tuner-probe-"):
            pass
    except OSError as error:
        raise ConfigError(f"cannot write to the sweep directory ({error.strerror or error}). "
                          f"Received: --dir {directory}") from None


@contextlib.contextmanager
def _quiet_native_stderr(enabled: bool) -> Iterator[None]:
    """TensorFlow's C++ start-up notes (oneDNN, CUDA) bypass Python: silence fd 2 while it loads."""
    if not enabled:
        yield
        return
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _import_sweep(debug: bool) -> ModuleType:
    """`tuner.sweep`, which loads TensorFlow (quietly unless --debug)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())  # --model and --data name modules of the current directory
    with _quiet_native_stderr(not debug):
        import tensorflow as tf

        tf.config.list_physical_devices()  # the CUDA probe's note comes here
        if not debug:
            tf.get_logger().setLevel("ERROR")  # e.g. "triggered tf.function retracing": each trial is a new model
        from tuner import sweep

        sweep.show_trial_tracebacks(debug)  # else a failed trial is one progress line
    return sweep


def _sweep(args: argparse.Namespace, argv: Sequence[str]) -> int:
    config = _config(args)
    if args.workers < 0:
        raise ConfigError(f"--workers must be >= 0. Received: --workers {args.workers}")
    if not args.restart_mb >= 0:
        raise ConfigError(f"--restart-mb must be >= 0. Received: --restart-mb {args.restart_mb:g}")
    if args.overwrite and distributed.role() == "worker":
        raise ConfigError("--overwrite deletes the sweep: give it to the chief, not to a worker. "
                          f"Received: KERASTUNER_TUNER_ID={os.environ[distributed.TUNER_ID]}")
    if args.overwrite:
        _remove_sweep(args.dir)
    _check_writable(args.dir)
    if args.workers:
        return _sweep_with_workers(args, argv, config)
    if distributed.role() == "worker" and os.environ.get(RESTARTED):
        # keras-tuner's workers wait up to an hour for a chief: one that restarted just as the
        # sweep ended must not wait for a chief that has gone
        host, port = os.environ[distributed.ORACLE_IP], int(os.environ[distributed.ORACLE_PORT])
        if not distributed.chief_listening(host, port, CHIEF_GONE_WAIT_S):
            _say(f"nothing listens at {host}:{port} any more: the chief has ended the sweep")
            return 0
    sweep = _import_sweep(args.debug)
    while True:
        outcome = sweep.run_sweep(config, args.dir, stream=sys.stderr, restart_mb=args.restart_mb or None)
        if not outcome.restart:
            break
        if args.own_process:
            _start_again(argv)
    if distributed.role() == "worker":
        return 0 if outcome.finished else 1
    return _after_sweep(outcome.finished, args.dir, outcome)


def _start_again(argv: Sequence[str]) -> None:
    """Replace this process by a fresh `python -m tuner` with the same arguments, less
    `--overwrite`: the same pid and environment, without what TensorFlow held; it resumes the sweep."""
    sys.stdout.flush()
    sys.stderr.flush()
    again = distributed.without_options(argv, valued=[], flags=["--overwrite"])
    os.execve(sys.executable, [sys.executable, "-m", "tuner", *again], {**os.environ, RESTARTED: "1"})


def _after_sweep(finished: bool, directory: Path, outcome: SweepOutcome | None = None) -> int:
    if not finished:
        raise SweepFailed(f"the sweep in {directory} stopped before its end; run the same command to resume")
    if outcome is not None and outcome.trials and not outcome.completed:
        raise SweepFailed(f"every trial failed ({outcome.trials} of {outcome.trials}); "
                          f"`tuner report --dir {directory}` shows their errors")
    _say(f"next: tuner report --dir {directory}   (or: tuner best, tuner plot)")
    return 0


def _sweep_with_workers(args: argparse.Namespace, argv: Sequence[str], config: SweepConfig) -> int:
    if distributed.role() != "standalone":
        raise ConfigError("--workers starts its own chief and workers: unset KERASTUNER_ORACLE_IP first. "
                          f"Received: KERASTUNER_ORACLE_IP={os.environ[distributed.ORACLE_IP]}")
    if sweep_status(args.dir, config.fingerprint()) == "finished":
        _say(f"the sweep in {args.dir} is finished already; nothing to do")
        return _after_sweep(True, args.dir)
    worker_argv = distributed.without_options(list(argv)[1:], valued=["--workers"], flags=["--overwrite"])
    if args.threads is None:
        worker_argv += ["--threads", str(max(1, (os.cpu_count() or 1) // args.workers))]
    port = distributed.free_port()
    workers = distributed.start_workers(worker_argv, args.workers, distributed.LOOPBACK, port)
    chief = distributed.chief_environment(distributed.LOOPBACK, port)
    saved = {k: os.environ.get(k) for k in chief}
    os.environ.update(chief)
    ended = False
    try:
        with _terminated_as_exit():
            sweep = _import_sweep(args.debug)
            outcome = sweep.run_sweep(config, args.dir, stream=sys.stderr,
                                      keep_serving=lambda: any(w.poll() is None for w in workers))
        ended = True
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        codes = distributed.stop_workers(workers, grace_s=30.0 if ended else 0.0)  # stopped: at once
    if not outcome.finished:
        if CONFIG_EXIT in codes:  # a worker stopped on a ConfigError, and printed its line
            raise ConfigError("the workers stopped on an error in the sweep's settings (their line is above); "
                              f"fix it, then run the same command. Received: worker exit codes {codes}")
        raise SweepFailed(f"the workers exited before the sweep finished (exit codes {codes}); "
                          "run the same command to resume")
    lost = [f"worker{i} ({code})" for i, code in enumerate(codes) if code != 0]
    if lost:
        _say(f"the sweep finished without {', '.join(lost)}: its trials went to the others")
    return _after_sweep(True, args.dir, outcome)


@contextlib.contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """SIGTERM raises `SystemExit(143)` here, so that what follows (stopping the workers) runs."""
    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --------------------------------------------------------------------- reading results
def _space(sweep: dict) -> list[Param]:
    return [Param.from_dict(d) for d in sweep["space"]]


def _report(args: argparse.Namespace, argv: Sequence[str]) -> int:
    if args.top is not None and args.top < 1:
        raise ConfigError(f"--top must be >= 1. Received: --top {args.top}")
    sweep = read_sweep(args.dir)
    trials = sort_trials(read_trials(args.dir), sweep["objective"], sweep["direction"])
    if args.top is not None:
        trials = trials.head(args.top)
    sys.stdout.write(format_trials(trials, args.format, _space(sweep)))
    return 0


def _best(args: argparse.Namespace, argv: Sequence[str]) -> int:
    sweep = read_sweep(args.dir)
    trial = best_trial(read_trials(args.dir), sweep["objective"], sweep["direction"])
    sys.stdout.write(format_best(trial, args.format, _space(sweep)))
    return 0


def _plot(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from tuner.plot import plot_sweep

    out = plot_sweep(args.dir, args.out or args.dir / "search.png", log_y=args.log_y)
    _say(f"wrote {out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `tuner` command; return its exit code (0 ok, 1 failed, 2 bad settings).

    As the program itself (`argv` None), a sweep whose process has grown too much replaces the
    process by a fresh one (see `--restart-mb`); called with `argv`, it resumes in this process.
    """
    own_process = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse has printed its one-line error and the usage
        return int(exit_.code or 0)
    args.own_process = own_process
    try:
        return args.run(args, argv)
    except (ConfigError, SpaceError, ResultsError, SweepFailed) as error:
        if args.debug:
            traceback.print_exc()
        print(f"tuner: error: {error}", file=sys.stderr)
        return FAILED_EXIT if isinstance(error, (ResultsError, SweepFailed)) else CONFIG_EXIT
    except KeyboardInterrupt:
        print("tuner: interrupted; run the same command to resume", file=sys.stderr)
        return 130
    except Exception as error:  # a bug or an environment problem: one line unless --debug
        if args.debug:
            traceback.print_exc()
        print(f"tuner: error: {type(error).__name__}: {error} (--debug shows the traceback)", file=sys.stderr)
        return 1
