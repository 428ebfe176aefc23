"""Engines: run `jixiao.batch.convert_one` over many jobs, each file in a worker that can be killed.

`concurrent.futures` cannot stop a running task, so both engines convert in
`Sandbox` processes (jixiao/worker.py): a worker that takes longer than the
per-file timeout, crashes or runs out of memory is killed with its process
group and replaced; that file becomes a failed row and the batch goes on.

Killing a worker ends its process group and the group of every process it
started (LibreOffice runs in a session of its own).

- local: a pool of sandboxes fed one job at a time by this process.
- dask: one task per unit on a Dask cluster; each task hands its unit to a
  sandbox that lives in the Dask worker (one per worker thread), so the same
  timeout holds there, and a Dask worker never dies of a bad file.

A unit is one file, or a group of files that LibreOffice converts in one
start (`jixiao.batch.work_units`); groups go first, as they take longest.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import asdict
from multiprocessing.connection import wait
from pathlib import Path

import psutil

from jixiao.batch import (
    OCR_THREADS_VARIABLE,
    SOFFICE_KINDS,
    BatchError,
    BatchOptions,
    Job,
    failed_row,
    job_timeout,
    work_units,
    worker_count,
)
from jixiao.worker import READY

MEMORY_CHECK_EVERY = 0.2  # seconds between looks at each busy worker's resident memory
STARTUP_LIMIT = 60.0  # seconds for a new worker to import its libraries
NO_WORKERS_WAIT = 30.0  # seconds a Dask cluster may be without workers before the batch ends (exit 2)
WORKER_CHECK_EVERY = 2.0  # seconds between looks at the Dask cluster's workers while no task finishes


class Sandbox:
    """One worker process, in a session of its own, converting one unit at a time.

    A unit is one file, or a group of files LibreOffice converts in one start
    (`jixiao.batch.work_units`); the worker answers file by file.  Each file
    of a unit has the timeout: the clock restarts at every answer, with the
    time of every file still unanswered.  When a worker dies or runs out of
    time with several files unanswered, nobody knows which one was to blame:
    they are handed back, to be converted again one by one.
    """

    def __init__(self, out_dir: Path, options: BatchOptions):
        self.out_dir, self.options = Path(out_dir), options
        self.memory_limit_mb = options.memory_limit_mb or default_memory_limit_mb(worker_count(options))
        self.process: subprocess.Popen | None = None
        self.temp = Path()  # the worker's TMPDIR, removed with it
        self.jobs: list[Job] = []  # the unit's files not answered yet, in the order the worker answers
        self.ready = False
        self.tasks = 0
        self.clock = 0.0  # when the current wait began: the spawn until ready, then the last answer
        self._received = b""

    def over_memory(self) -> bool:
        """Whether the worker and what it started (LibreOffice) hold more memory than the limit."""
        if self.process is None:
            return False
        try:
            worker = psutil.Process(self.process.pid)
            resident = worker.memory_info().rss + sum(
                child.memory_info().rss for child in worker.children(recursive=True)
            )
        except psutil.Error:  # it is ending: read() says how
            return False
        return resident > self.memory_limit_mb << 20

    def exceed(self) -> tuple[list[dict], list[Job]]:
        """The worker went over the memory limit: it is killed, and its file fails (or a group's are handed back)."""
        return self._ended(f"exceeded the memory limit ({self.memory_limit_mb} MB)")

    def check(self, now: float) -> tuple[list[dict], list[Job]] | None:
        """What the worker's end gives when it is over its deadline or its memory, else None."""
        if self.deadline <= now:
            return self.expire()
        if self.jobs and self.over_memory():
            return self.exceed()
        return None

    def fileno(self) -> int:
        return self.process.stdout.fileno()

    @property
    def deadline(self) -> float:
        if not self.ready:
            return self.clock + STARTUP_LIMIT
        return self.clock + (sum(job_timeout(job, self.options) for job in self.jobs) or self.options.timeout)

    def start(self) -> None:
        """Start the worker now, before it is sent anything (it loads its libraries meanwhile)."""
        if self.process is None:
            self._spawn()

    def send(self, unit: list[Job]) -> None:
        """Start converting a unit, in a fresh worker when the last one died or did its share."""
        max_tasks = self.options.max_tasks_per_worker
        spent = max_tasks and self.tasks >= max_tasks
        if self.process is None or spent or self.process.poll() is not None:
            self.stop()
            self._spawn()
        self.jobs = list(unit)
        if self.ready:
            self.clock = time.monotonic()
        try:
            self.process.stdin.write(json.dumps([asdict(job) for job in unit]).encode() + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # it died: read() sees the end of its output and says how

    def read(self) -> tuple[list[dict], list[Job]]:
        """Take what the worker wrote (call when it is readable): (rows of files answered, files handed back)."""
        chunk = os.read(self.fileno(), 1 << 16)
        if not chunk:
            return self._ended(_exit_reason(self.process.wait()))
        self._received += chunk
        rows = []
        while b"\n" in self._received:
            line, self._received = self._received.split(b"\n", 1)
            message = json.loads(line)
            if message == READY:
                self.ready = True
            else:
                rows.append(message["row"])
                self.jobs.pop(0)
                self.tasks += 1
            self.clock = time.monotonic()
        return rows, []

    def expire(self) -> tuple[list[dict], list[Job]]:
        """After the deadline passed: the worker is killed, and its file fails (or a group's are handed back)."""
        if self.ready:
            limit = job_timeout(self.jobs[0], self.options) if len(self.jobs) == 1 else self.options.timeout
            return self._ended(f"took longer than {limit:g} s")
        return self._ended(f"the worker did not start within {STARTUP_LIMIT:g} s")

    def run(self, unit: list[Job]) -> list[dict]:
        """Convert a unit and wait for its rows, within the timeout; files handed back are converted alone."""
        rows, units = [], deque([unit])
        while units:
            self.send(units.popleft())
            while self.jobs:
                remaining = self.deadline - time.monotonic()
                if remaining > 0 and wait([self], min(remaining, MEMORY_CHECK_EVERY)):
                    done, retry = self.read()
                else:
                    done, retry = self.check(time.monotonic()) or ([], [])
                rows.extend(done)
                units.extend([job] for job in retry)
        return rows

    def stop(self) -> None:
        """End the worker: an idle one is asked to exit (so it tidies up), a busy one is killed.

        Either way everything it started goes too, and so does its temp folder,
        which holds whatever it and LibreOffice left (profiles, conversions).
        """
        if self.process is None:
            return
        self._close_input()  # an idle worker's cue to exit
        if not self.jobs:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        _kill_tree(self.process.pid)
        self.process.wait()
        self.process.stdout.close()
        shutil.rmtree(self.temp, ignore_errors=True)
        self.process, self.jobs, self.ready, self.tasks, self._received = None, [], False, 0, b""

    def _close_input(self) -> None:
        with suppress(BrokenPipeError):  # a dead worker's pipe: what send() could not deliver is moot
            self.process.stdin.close()

    def _spawn(self) -> None:
        command = [sys.executable, "-m", "jixiao.worker", str(self.out_dir), str(os.getpid())]
        command.append(str(self.options.timeout))
        _remove_orphaned_temps()
        self.temp = Path(tempfile.mkdtemp(prefix=f"{WORKER_TEMP_PREFIX}{os.getpid()}-"))
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "TMPDIR": str(self.temp), **self._ocr_environment()},
        )
        self.clock = time.monotonic()

    def _ocr_environment(self) -> dict[str, str]:
        threads = self.options.ocr_threads
        return {OCR_THREADS_VARIABLE: str(threads)} if threads else {}

    def _ended(self, reason: str) -> tuple[list[dict], list[Job]]:
        """The worker is gone: one file unanswered fails with reason; several are handed back."""
        unanswered = self.jobs
        self.stop()
        if len(unanswered) == 1:
            return [failed_row(unanswered[0], reason)], []
        return [], unanswered


WORKER_TEMP_PREFIX = "jixiao-worker-"  # then the pid of the process that owns the worker


def _remove_orphaned_temps() -> None:
    """Remove the temp folders of workers whose owner is dead (killed with -9, so it could not tidy up)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORKER_TEMP_PREFIX}*-*"):
        owner = folder.name.removeprefix(WORKER_TEMP_PREFIX).split("-", 1)[0]
        if owner.isdigit() and not psutil.pid_exists(int(owner)) and folder.stat().st_uid == os.getuid():
            shutil.rmtree(folder, ignore_errors=True)


def _kill_tree(pid: int) -> None:
    """SIGKILL a worker's process group and the group of each process it started.

    A converter may start soffice in a session of its own (so that it can kill
    it on its own timeout); that group is not the worker's, so it is found
    among the worker's descendants, before the kill (an orphan is re-parented
    out of reach).
    """
    try:
        descendants = [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        descendants = []
    for member in [pid, *descendants]:
        try:
            group = os.getpgid(member)
            if group == member and group != os.getpgrp():  # it leads a group of its own: end all of it
                os.killpg(group, signal.SIGKILL)
            else:
                os.kill(member, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _exit_reason(returncode: int) -> str:
    if returncode == -signal.SIGKILL:
        return "the worker was killed (SIGKILL: out of memory?)"
    if returncode < 0:
        return f"the worker crashed ({signal.Signals(-returncode).name})"
    return f"the worker exited with status {returncode} while converting it"


def default_memory_limit_mb(workers: int) -> int:
    """Each worker's share of 70% of this machine's memory, between 1 GB and 4 GB.

    Enough for any real report (OCR of an A3 page peaks near 700 MB, a
    LibreOffice group near 400 MB); a hostile file over it fails alone instead
    of the kernel killing a worker, or the run, for all of them.
    """
    share = int(psutil.virtual_memory().total * 0.7 / max(1, workers)) >> 20
    return max(1024, min(4096, share))


def run_local(
    jobs: list[Job],
    out_dir: Path,
    options: BatchOptions,
    record: Callable[[dict], None],
    started: list[Sandbox] = (),
) -> None:
    """Convert jobs in a pool of sandboxes on this machine, passing each row to record as it arrives.

    `started` are sandboxes started while the jobs were planned: they are used first (and stopped at the end).
    """
    pending = deque(work_units(jobs, worker_count(options)))
    wanted = min(worker_count(options), len(pending))
    sandboxes = list(started)[:wanted]
    sandboxes += [Sandbox(out_dir, options) for _ in range(wanted - len(sandboxes))]
    _stop_all(list(started)[wanted:])
    busy = list(sandboxes)

    def finish(sandbox: Sandbox, rows: list[dict], retry: list[Job]) -> None:
        for row in rows:
            record(row)
        pending.extendleft([job] for job in reversed(retry))  # handed back: each alone, next
        if sandbox.jobs:
            return
        if pending:
            sandbox.send(pending.popleft())
        else:
            busy.remove(sandbox)

    try:
        for sandbox in sandboxes:
            sandbox.send(pending.popleft())
        while busy:
            first_deadline = min(s.deadline for s in busy) - time.monotonic()
            for sandbox in wait(busy, max(0.0, min(first_deadline, MEMORY_CHECK_EVERY))):
                finish(sandbox, *sandbox.read())
            now = time.monotonic()
            for sandbox in list(busy):
                ended = sandbox.check(now)
                if ended is not None:
                    finish(sandbox, *ended)
            for sandbox in [s for s in sandboxes if s not in busy and pending]:  # idle while files were handed back
                busy.append(sandbox)
                sandbox.send(pending.popleft())
    finally:
        _stop_all([s for s in sandboxes if s.jobs])  # busy (stopped short): killed now
        idle = [s for s in sandboxes if s.process is not None]
        for sandbox in idle:
            sandbox._close_input()
        # An idle worker exits on its own, in about 0.1 s (an interpreter ending): it is waited for (and its
        # temp folder removed) while the tables are written; the interpreter waits for this thread at its end.
        threading.Thread(target=_stop_all, args=(idle,), name="jixiao-stop-workers").start()


def _stop_all(sandboxes: list[Sandbox]) -> None:
    for sandbox in sandboxes:  # all idle ones exit at once, rather than one after the other
        if sandbox.process is not None and not sandbox.jobs:
            sandbox._close_input()
    for sandbox in sandboxes:
        sandbox.stop()


_sandboxes: dict[int, Sandbox] = {}  # in a Dask worker process: one sandbox per worker thread
_sandboxes_lock = threading.Lock()


def convert_in_sandbox(unit: list[Job], out_dir: str, options: BatchOptions) -> list[dict]:
    """A Dask task: convert a unit (one file or a LibreOffice group) in this worker thread's sandbox; its rows."""
    with _sandboxes_lock:
        sandbox = _sandboxes.get(threading.get_ident())
        if sandbox is None or sandbox.out_dir != Path(out_dir) or sandbox.options != options:
            if sandbox is not None:
                sandbox.stop()
            sandbox = _sandboxes[threading.get_ident()] = Sandbox(Path(out_dir), options)
    return sandbox.run(unit)


def stop_sandboxes() -> None:
    """Run on every Dask worker at the end of a batch: no idle sandbox outlives it."""
    with _sandboxes_lock:
        _stop_all(list(_sandboxes.values()))
        _sandboxes.clear()


def run_dask(
    jobs: list[Job],
    out_dir: Path,
    options: BatchOptions,
    record: Callable[[dict], None],
    started: list[Sandbox] = (),
) -> None:
    """Convert jobs on a Dask cluster (options.scheduler) or on a LocalCluster started for this run.

    Sandboxes `started` on this machine are stopped: the cluster's live in its workers.

    The output folder must be the same path on every worker (a shared file
    system).  A cluster without a worker for NO_WORKERS_WAIT seconds, at the
    start or after losing them all, ends the batch with a BatchError (tasks
    would wait for a worker forever); what finished is kept.
    """
    import gc
    import importlib.util
    import logging

    from distributed import Client, KilledWorker, LocalCluster, as_completed

    _stop_all(list(started))
    if not jobs:
        return
    with ExitStack() as stack:
        # When a worker dies, distributed logs "Couldn't gather keys" and asyncio an AllExit "never retrieved",
        # both with tracebacks; the batch says what happened instead.
        for name, level in (("distributed.client", logging.ERROR), ("asyncio", logging.CRITICAL)):
            log = logging.getLogger(name)
            stack.callback(log.setLevel, log.level)
            log.setLevel(level)
        # an unretrieved AllExit is logged when its task is collected: collect before the levels come back
        stack.callback(gc.collect)
        if options.scheduler:
            try:
                client = stack.enter_context(Client(options.scheduler, timeout=NO_WORKERS_WAIT))
            except (OSError, TimeoutError) as exc:
                raise BatchError(f"cannot reach the Dask scheduler {options.scheduler}: {exc}") from None
        else:
            cluster = LocalCluster(
                n_workers=worker_count(options),
                threads_per_worker=1,
                processes=True,
                resources={"soffice": 1, "ocr": 1},
                # the dashboard needs bokeh, which is not a dependency: without it, none (rather than a warning)
                dashboard_address=":0" if importlib.util.find_spec("bokeh") else None,
                silence_logs=logging.ERROR,
            )
            stack.enter_context(cluster)
            client = stack.enter_context(Client(cluster))
        where = options.scheduler or "started for this run"
        try:
            client.wait_for_workers(1, timeout=NO_WORKERS_WAIT)
        except TimeoutError:
            raise BatchError(f"the Dask cluster {where} has no workers (waited {NO_WORKERS_WAIT:g} s)") from None
        if getattr(record, "note", None):
            record.note(f"Dask dashboard: {_dashboard(client)}")
        workers = client.scheduler_info(n_workers=-1)["workers"].values()
        # Without a worker that declares a resource a task constrained by it would wait forever.
        declared = {name for w in workers for name in w.get("resources", {})}
        futures = {
            client.submit(
                convert_in_sandbox,
                unit,
                str(Path(out_dir).resolve()),
                options,
                pure=False,
                retries=0,
                resources=_resources(unit, declared),
            ): unit
            for unit in work_units(jobs, max(1, len(workers)))
        }
        finished = as_completed(futures)
        checked, workerless_since = time.monotonic(), None
        try:
            while not finished.is_empty():
                batch = finished.next_batch(block=False)
                for future in batch:
                    try:
                        rows = future.result(timeout=WORKER_CHECK_EVERY)
                    except TimeoutError:  # finished, but its worker died before the row was fetched: it runs again
                        finished.add(future)
                        continue
                    except KilledWorker:
                        rows = [failed_row(job, "the Dask worker converting it died") for job in futures[future]]
                    except Exception as exc:  # noqa: BLE001 — one task's failure is its files' failed rows
                        failure = f"the Dask task failed ({type(exc).__name__}: {exc})"
                        rows = [failed_row(job, failure) for job in futures[future]]
                    del futures[future]
                    for row in rows:
                        record(row)
                if not batch:
                    time.sleep(0.05)
                if time.monotonic() - checked >= WORKER_CHECK_EVERY:
                    checked = time.monotonic()
                    if client.nthreads():
                        workerless_since = None
                    elif workerless_since is None:
                        workerless_since = checked
                    elif checked - workerless_since >= NO_WORKERS_WAIT:
                        client.cancel(list(futures))
                        raise BatchError(
                            f"the Dask cluster {where} lost all its workers (none for {NO_WORKERS_WAIT:g} s)"
                        )
        finally:
            with suppress(Exception):  # a cluster without workers (or scheduler) has no sandbox to stop
                if client.nthreads():
                    client.run(stop_sandboxes, on_error="ignore")


def _resources(unit: list[Job], declared: set[str]) -> dict[str, int] | None:
    """What a unit asks of its Dask worker: `soffice` for LibreOffice's kinds, `ocr` for scanned pages (heavy on
    memory and cores), each only when some worker declares it."""
    wanted = {"soffice": unit[0].kind in SOFFICE_KINDS, "ocr": any(job.scanned_pages for job in unit)}
    return {name: 1 for name, needed in wanted.items() if needed and name in declared} or None


def _dashboard(client) -> str:
    """The dashboard's address, or why there is none (dashboard_link is made from the config, so ask the scheduler)."""
    import importlib.util

    if "dashboard" not in client.scheduler_info(n_workers=0).get("services", {}):
        return "none (the scheduler serves none)"
    pages = "" if importlib.util.find_spec("bokeh") else " (its pages need bokeh: pip install bokeh)"
    return client.dashboard_link + pages


ENGINES: dict[str, Callable[[list[Job], Path, BatchOptions, Callable[[dict], None], list[Sandbox]], None]] = {
    "local": run_local,
    "dask": run_dask,
}
