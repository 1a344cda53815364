"""Line-mode correction on a Ray cluster: the same outputs as the local engine, from many machines.

The driver reads the inputs (so workers need no shared file system) and cuts each into shards of
``shard_lines`` lines; shards go to a pool of actors that each load the model once and correct a
shard in the same 64-line chunks as the local engine (:func:`mtfix.engine.batch.correct_lines`), so the
bytes are the same. The driver writes the shards back in input order through the local engine's
writers (:class:`mtfix.engine.batch.Batch`): outputs appear atomically, finished ones are skipped on a rerun.

A worker that dies mid-shard is restarted and the shard retried (Ray's ``max_restarts`` and
``max_task_retries``); a shard's lines are written once, when the driver takes its one result.
When the output is a file, each finished shard is also kept in ``.OUTPUT.mtfix-shards/`` beside it
(named by a hash of its lines and the model's signature), so a run interrupted half way redoes only
the missing shards; the folder is removed once the output is complete.

Ray is imported only here, and only when a run starts: ``pip install 'mtfix[ray]'``.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from mtfix.config import DEFAULT, Config
from mtfix.engine.batch import LINE_CHUNK, Batch, Options, Progress, correct_lines
from mtfix.text.textio import InputError, iter_lines, label_of
from mtfix.version import __version__

INSTALL_HINT = "pip install 'mtfix[ray]'"
SHARD_SUFFIX = ".mtfix-shards"  # the work folder beside an output: .NAME.mtfix-shards/
STREAMING_FORMATS = ("text", "jsonl")  # what the Ray engine writes: formats that are written line by line


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide a Ray run is."""

    address: str | None = None  # a cluster ("auto", "ray://HEAD:10001"); None: $RAY_ADDRESS, else a new local one
    workers: int = 0  # actors, each holding one copy of the model; 0 = as many as the cluster's CPUs allow
    threads: int = 1  # CPU threads of each worker's model (and the Ray CPUs it reserves)
    shard_lines: int = 256  # lines per shard: the unit of scheduling, retry and resume; a multiple of 64
    max_retries: int = 3  # restarts of a dead worker, and retries of the shard it was correcting

    def __post_init__(self) -> None:
        if self.shard_lines < LINE_CHUNK or self.shard_lines % LINE_CHUNK:
            raise ValueError(f"shard_lines must be a positive multiple of {LINE_CHUNK} (the lines corrected "
                             f"together), got {self.shard_lines}")
        for name in ("workers", "max_retries"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, got {getattr(self, name)}")
        if self.threads < 1:
            raise ValueError(f"threads must be 1 or more, got {self.threads}")


class EngineError(Exception):
    """Ray is missing or unreachable, or its workers cannot correct; the message says what to do."""


def import_ray() -> Any:
    """The ``ray`` module, or an ImportError that says how to install it."""
    try:
        import ray
    except ImportError:
        raise ImportError(f"the Ray engine needs the ray package: {INSTALL_HINT}") from None
    return ray


def corrector_factory(model: str | None = None, config: Config = DEFAULT) -> Callable[[], Any]:
    """A picklable recipe for the Corrector each worker builds (a model directory is made absolute)."""
    from mtfix.pipeline import Corrector

    if model is not None and os.path.isdir(model):
        model = os.path.abspath(model)
    return functools.partial(Corrector, model=model, config=config)


class Worker:
    """A Ray actor: builds its Corrector once, then corrects shards of lines."""

    def __init__(self, make_corrector: Callable[[], Any]) -> None:
        self.corrector = make_corrector()

    def signature(self) -> dict[str, Any]:
        """The signature of the loaded model (loading it now)."""
        return self.corrector.signature.to_dict()

    def correct(self, label: str, lines: Sequence[tuple[int, str, str]], fmt: str) -> str:
        """``lines`` (number, content, ending) of input ``label`` corrected in ``fmt``, chunk by chunk."""
        out = []
        for start in range(0, len(lines), LINE_CHUNK):
            chunk = [(f"{label}:{number}", body, ending, 1) for number, body, ending in lines[start:start + LINE_CHUNK]]
            out.append(correct_lines(self.corrector, chunk, fmt))
        return "".join(out)


@dataclass(eq=False)
class _Shard:
    job: _Job
    lines: list[tuple[int, str, str]]  # kept until done, to give the shard to another worker if need be
    count: int  # lines in the shard
    path: Path | None  # where the finished shard is kept (None: in memory only)
    text: str | None = None  # the corrected shard, when done and not on disk
    running: bool = False  # given to a worker, result not yet taken
    failures: int = 0  # results lost other than by a worker's death
    done: bool = False
    error: InputError | None = None  # reading the input failed after the lines above


@dataclass(eq=False)
class _Job:
    name: str
    work: Path | None  # the shard folder, None when the output is a stream
    reader: Iterator[list[tuple[int, str, str]]] | None = None


class RayBatch(Batch):
    """A :class:`~mtfix.engine.batch.Batch` whose line-mode work is done by a pool of Ray actors.

    Each of ``to_stream``, ``to_file``, ``to_folder`` and ``in_place`` starts Ray (or connects to
    ``options.address``), runs, and shuts down what it started.
    """

    def __init__(self, make_corrector: Callable[[], Any], opts: Options, on_error: Callable[[str], None],
                 progress: Progress | None = None, options: RayOptions = RayOptions()) -> None:
        if not opts.lines:
            raise ValueError("the Ray engine corrects line by line: give Options(lines=True) (--lines)")
        if opts.fmt not in STREAMING_FORMATS:
            raise ValueError(f"the Ray engine writes {' or '.join(STREAMING_FORMATS)}, not {opts.fmt!r}")
        super().__init__(None, opts, on_error, progress)
        self.make_corrector = make_corrector
        self.options = options
        self._ray: Any = None
        self._actors: list[Any] = []
        self._key = ""
        self._jobs: deque[_Job] = deque()
        self._reading: deque[_Job] = deque()
        self._window: deque[_Shard] = deque()  # shards read and not yet written out, in input order
        self._running: dict[Any, tuple[_Shard, Any]] = {}  # object ref -> (shard, actor)
        self._idle: list[Any] = []

    # --- the Batch entry points, each inside a Ray session ---

    def to_stream(self, names: Sequence[str], out: IO[str]) -> None:
        with self._session():
            super().to_stream(names, out)

    def to_file(self, names: Sequence[str], path: str) -> None:
        with self._session():
            super().to_file(names, path)
        if self.failed < len(names):
            self._remove_work(_work_dir(Path(path)))

    def to_folder(self, names: Sequence[str], folder: str, overwrite: bool = False) -> None:
        with self._session():
            super().to_folder(names, folder, overwrite)

    def in_place(self, names: Sequence[str], suffix: str, overwrite: bool = False) -> None:
        with self._session():
            super().in_place(names, suffix, overwrite)

    # --- hooks called by Batch ---

    def _begin(self, jobs: Sequence[tuple[str, Path | None]]) -> None:
        for name, target in jobs:
            job = _Job(name, _work_dir(target) if target is not None else None)
            self._jobs.append(job)
            self._reading.append(job)
        if jobs:
            self._start_workers()

    def _one(self, name: str, sink: Callable[[str], None]) -> bool | None:
        job = self._next_job(name)
        try:
            for shard in self._shards_of(job):
                if shard.error is not None:
                    raise shard.error
                sink(shard.text if shard.path is None else _read_shard(shard.path))
                if self.progress is not None:
                    self.progress(shard.count, 0)
        except InputError as exc:
            self.on_error(str(exc))
            self.failed += 1
            return False
        self._complete.add(name)
        return None

    def _write_one(self, name: str, target: Path, backup: Path | None = None) -> None:
        super()._write_one(name, target, backup)
        if name in self._complete:  # written and committed
            self._remove_work(_work_dir(target))

    # --- the scheduler ---

    def _next_job(self, name: str) -> _Job:
        """The job of input ``name``, dropping those before it that Batch gave up on without reading."""
        while self._jobs and self._jobs[0].name != name:
            dropped = self._jobs.popleft()
            if dropped in self._reading:
                self._reading.remove(dropped)
            self._window = deque(s for s in self._window if s.job is not dropped)
        if not self._jobs:
            raise RuntimeError(f"{name} was not announced to the Ray engine")
        return self._jobs.popleft()

    def _shards_of(self, job: _Job) -> Iterator[_Shard]:
        """The shards of ``job`` in order, each once it is done; work on later inputs goes on meanwhile."""
        while True:
            self._fill()
            if self._window and self._window[0].job is job:
                head = self._window[0]
                if head.done or head.error is not None:
                    self._window.popleft()
                    yield head
                    continue
            elif job not in self._reading:
                return  # all of its shards were read and written out
            self._wait()

    def _fill(self) -> None:
        """Read ahead (a bounded number of shards) and give idle workers the earliest waiting shards."""
        ahead = 4 * max(1, len(self._actors))
        while self._reading and len(self._window) < ahead:
            job = self._reading[0]
            if job.reader is None:
                job.reader = _read_shards(job.name, self.opts.errors, self.options.shard_lines)
            try:
                lines = next(job.reader)
            except StopIteration:
                self._reading.popleft()
                continue
            except InputError as exc:
                self._window.append(_Shard(job, [], 0, None, error=exc))
                self._reading.popleft()
                continue
            self._window.append(self._new_shard(job, lines))
        for shard in self._window:
            if not self._idle:
                break
            if not (shard.done or shard.running or shard.error):
                self._submit(shard, self._idle.pop())

    def _new_shard(self, job: _Job, lines: list[tuple[int, str, str]]) -> _Shard:
        path = None
        if job.work is not None:
            payload = json.dumps([self._key, label_of(job.name), lines], ensure_ascii=True)
            path = job.work / f"{lines[0][0]:012d}-{hashlib.sha256(payload.encode()).hexdigest()[:24]}.out"
        shard = _Shard(job, lines, len(lines), path)
        if path is not None and path.is_file():  # finished in an interrupted run
            shard.done, shard.lines = True, []
        return shard

    def _submit(self, shard: _Shard, actor: Any) -> None:
        ref = actor.correct.remote(label_of(shard.job.name), shard.lines, self.opts.fmt)
        self._running[ref] = (shard, actor)
        shard.running = True

    def _wait(self) -> None:
        """Wait for one shard to finish, and take its result (or give it to another worker)."""
        ray = self._ray
        if not self._running:
            raise EngineError("no Ray worker is left to correct the remaining lines")
        (ref,), _ = ray.wait(list(self._running), num_returns=1)
        shard, actor = self._running.pop(ref)
        shard.running = False
        try:
            text = ray.get(ref)
        except ray.exceptions.RayActorError as exc:
            # Out of restarts: drop the worker; the shard still has its lines and goes to another one.
            self._actors.remove(actor)
            if not self._actors:
                raise EngineError(f"every Ray worker died; the last said: {_last_line(exc)}") from None
            return
        except ray.exceptions.RayTaskError as exc:
            raise EngineError(f"a Ray worker failed on {label_of(shard.job.name)}: {_last_line(exc)}") from None
        except ray.exceptions.RayError as exc:  # the result was lost (a node went away): do the shard again
            shard.failures += 1
            if shard.failures > self.options.max_retries:
                raise EngineError(f"a shard of {label_of(shard.job.name)} failed {shard.failures} times; "
                                  f"the last error: {_last_line(exc)}") from None
            self._idle.append(actor)
            return
        shard.lines = []
        if shard.path is not None:
            _write_shard(shard.path, text)
        else:
            shard.text = text
        shard.done = True
        self._idle.append(actor)

    # --- Ray ---

    @contextlib.contextmanager
    def _session(self) -> Iterator[None]:
        self._complete: set[str] = set()
        self._started = False
        try:
            # Ray prints its workers' errors to sys.stdout, which may be the output: send them to stderr.
            with contextlib.redirect_stdout(sys.stderr):
                yield
        finally:
            if self._ray is not None and self._started:
                self._ray.shutdown()  # our own instance: everything goes, the workers too
            elif self._ray is not None:
                for actor in self._actors:  # someone else's cluster: only our workers go
                    self._ray.kill(actor)
            self._ray, self._actors, self._idle, self._running = None, [], [], {}
            self._jobs.clear()
            self._reading.clear()
            self._window.clear()

    def _start_workers(self) -> None:
        if self._ray is not None:
            return
        ray = import_ray()
        opts = self.options
        self._started = not ray.is_initialized()
        address = opts.address or os.environ.get("RAY_ADDRESS")  # Ray's own way to name a cluster
        if self._started:
            try:
                if address is None:
                    # "local": a new instance even when a `ray start` cluster runs here (ray.init() would join it).
                    cpus = opts.workers * opts.threads if opts.workers else None
                    ray.init(address="local", num_cpus=cpus, include_dashboard=False, logging_level=logging.ERROR,
                             log_to_driver=False)
                else:
                    ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise EngineError(f"cannot start or reach Ray at {address or 'a new local instance'}: "
                                  f"{_last_line(exc)}") from None
        self._ray = ray
        workers = opts.workers or max(1, int(ray.cluster_resources().get("CPU", 1)) // opts.threads)
        actor = ray.remote(num_cpus=opts.threads, max_restarts=opts.max_retries,
                           max_task_retries=opts.max_retries)(Worker)
        factory = _with_threads(self.make_corrector, opts.threads)
        self._actors = [actor.remote(factory) for _ in range(workers)]
        try:
            signatures = ray.get([a.signature.remote() for a in self._actors])
        except ray.exceptions.RayError as exc:
            raise EngineError(f"a Ray worker could not load the model: {_last_line(exc)}") from None
        if any(s != signatures[0] for s in signatures):
            raise EngineError("Ray workers loaded different models (install the same model on every node): "
                              + "; ".join(sorted({json.dumps(s, sort_keys=True) for s in signatures})))
        self._key = json.dumps({"mtfix": __version__, "signature": signatures[0], "format": self.opts.fmt},
                               sort_keys=True)
        self._idle = list(self._actors)

    def _remove_work(self, work: Path) -> None:
        shutil.rmtree(work, ignore_errors=True)


@dataclass(frozen=True)
class RunSummary:
    """What :func:`correct_on_ray` did: inputs that failed (with the reasons) or were already done."""

    failed: int
    skipped: int
    errors: tuple[str, ...]


def correct_on_ray(inputs: Sequence[str], *, output: str | None = None, output_dir: str | None = None,
                   in_place: bool = False, stream: IO[str] | None = None, model: str | None = None,
                   config: Config = DEFAULT, fmt: str = "text", errors: str = "strict",
                   options: RayOptions = RayOptions(), overwrite: bool = False, backup_suffix: str = ".orig",
                   make_corrector: Callable[[], Any] | None = None) -> RunSummary:
    """Correct ``inputs`` line by line on Ray into exactly one of ``output`` (a file), ``output_dir``
    (one file per input; finished ones skipped), ``in_place`` (originals kept as FILE+``backup_suffix``)
    or ``stream``. ``make_corrector`` (a picklable callable) replaces ``Corrector(model, config)``.

    >>> correct_on_ray(["big.txt"], output="big.fixed.txt", options=RayOptions(address="auto"))
    """
    targets = [output is not None, output_dir is not None, in_place, stream is not None]
    if sum(targets) != 1:
        raise ValueError("give exactly one of output, output_dir, in_place=True or stream")
    messages: list[str] = []
    batch = RayBatch(make_corrector or corrector_factory(model, config), Options(fmt, lines=True, errors=errors),
                     messages.append, options=options)
    if output is not None:
        batch.to_file(inputs, output)
    elif output_dir is not None:
        batch.to_folder(inputs, output_dir, overwrite)
    elif in_place:
        batch.in_place(inputs, backup_suffix, overwrite)
    else:
        batch.to_stream(inputs, stream if stream is not None else sys.stdout)
    return RunSummary(batch.failed, batch.skipped, tuple(messages))


def _with_threads(make_corrector: Callable[[], Any], threads: int) -> Callable[[], Any]:
    """The factory, with the model's threads set to the worker's CPUs when the config leaves them open."""
    if isinstance(make_corrector, functools.partial):
        config = make_corrector.keywords.get("config")
        if isinstance(config, Config) and not config.num_threads:
            return functools.partial(make_corrector, config=config.with_(num_threads=threads))
    return make_corrector


def _read_shards(name: str, errors: str, size: int) -> Iterator[list[tuple[int, str, str]]]:
    """Lines of ``name`` in shards of ``size``; on a read error, first the whole chunks read before it.

    The local engine writes every complete 64-line chunk before it stops at a bad line; so do we.
    """
    shard: list[tuple[int, str, str]] = []
    try:
        for line in iter_lines(name, errors):
            shard.append(line)
            if len(shard) == size:
                yield shard
                shard = []
    except InputError:
        whole = len(shard) - len(shard) % LINE_CHUNK
        if whole:
            yield shard[:whole]
        raise
    if shard:
        yield shard


def _work_dir(target: Path) -> Path:
    return target.parent / f".{target.name}{SHARD_SUFFIX}"


def _write_shard(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(text.encode("utf-8", "surrogatepass"))  # any str, lone surrogates included
    os.replace(tmp, path)


def _read_shard(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogatepass")


def _last_line(exc: BaseException) -> str:
    """The last line of an error (Ray's messages carry a whole remote traceback)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
