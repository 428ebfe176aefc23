"""Engines: run `jixiao.batch.convert_one` over many jobs, each file in a worker that can be killed.

`concurrent.futures` cannot stop a running task, so both engines convert in
`Sandbox` processes (jixiao/worker.py): a worker that takes longer than the
per-file timeout, crashes or runs out of memory is killed with its process
group and replaced; that file becomes a failed row and the batch goes on.

Killing a worker ends its process group and the group of every process it
started (LibreOffice runs in a session of its own).

- local: a pool of sandboxes fed one job at a time by this process.
- dask: one task per file on a Dask cluster; each task hands its file to a
  sandbox that lives in the Dask worker (one per worker thread), so the same
  timeout holds there, and a Dask worker never dies of a bad file.
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

from jixiao.batch import SOFFICE_KINDS, BatchError, BatchOptions, Job, failed_row, job_timeout
from jixiao.worker import READY

STARTUP_LIMIT = 60.0  # seconds for a new worker to import its libraries
NO_WORKERS_WAIT = 30.0  # seconds a Dask cluster may be without workers before the batch ends (exit 2)
WORKER_CHECK_EVERY = 2.0  # seconds between looks at the Dask cluster's workers while no task finishes


class Sandbox:
    """One worker process, in a session of its own, converting one file at a time."""

    def __init__(self, out_dir: Path, options: BatchOptions):
        self.out_dir, self.options = Path(out_dir), options
        self.process: subprocess.Popen | None = None
        self.temp = Path()  # the worker's TMPDIR, removed with it
        self.job: Job | None = None
        self.ready = False
        self.retiring = False  # the worker said it ends after its last reply
        self.tasks = 0
        self.clock = 0.0  # when the current wait began: the spawn until ready, then the job's start
        self._received = b""

    def fileno(self) -> int:
        return self.process.stdout.fileno()

    @property
    def deadline(self) -> float:
        if not self.ready:
            return self.clock + STARTUP_LIMIT
        return self.clock + (job_timeout(self.job, self.options) if self.job else self.options.timeout)

    def send(self, job: Job) -> None:
        """Start converting job, in a fresh worker when the last one died or did its share."""
        max_tasks = self.options.max_tasks_per_worker
        spent = self.retiring or (max_tasks and self.tasks >= max_tasks)
        if self.process is None or spent or self.process.poll() is not None:
            self.stop()
            self._spawn()
        self.job = job
        if self.ready:
            self.clock = time.monotonic()
        try:
            self.process.stdin.write(json.dumps(asdict(job)).encode() + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # it died: read() sees the end of its output and says how

    def read(self) -> dict | None:
        """Take what the worker wrote (call when it is readable): the job's row once complete, else None."""
        chunk = os.read(self.fileno(), 1 << 16)
        if not chunk:
            return self._ended(_exit_reason(self.process.wait()))
        self._received += chunk
        row = None
        while b"\n" in self._received:
            line, self._received = self._received.split(b"\n", 1)
            message = json.loads(line)
            if message == READY:
                self.ready, self.clock = True, time.monotonic()
            else:
                row, self.retiring, self.job = message["row"], message["retire"], None
                self.tasks += 1
        return row

    def expire(self) -> dict:
        """The job's failed row after its deadline passed; the worker is killed."""
        if self.ready:
            limit = job_timeout(self.job, self.options) if self.job else self.options.timeout
            return self._ended(f"took longer than {limit:g} s")
        return self._ended(f"the worker did not start within {STARTUP_LIMIT:g} s")

    def run(self, job: Job) -> dict:
        """Convert one file and wait for its row, within the timeout."""
        self.send(job)
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0 or not wait([self], remaining):
                return self.expire()
            row = self.read()
            if row is not None:
                return row

    def stop(self) -> None:
        """End the worker: an idle one is asked to exit (so it tidies up), a busy one is killed.

        Either way everything it started goes too, and so does its temp folder,
        which holds whatever it and LibreOffice left (profiles, conversions).
        """
        if self.process is None:
            return
        self._close_input()  # an idle worker's cue to exit
        if self.job is None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        _kill_tree(self.process.pid)
        self.process.wait()
        self.process.stdout.close()
        shutil.rmtree(self.temp, ignore_errors=True)
        self.process, self.job, self.ready, self.retiring, self.tasks, self._received = None, None, False, False, 0, b""

    def _close_input(self) -> None:
        with suppress(BrokenPipeError):  # a dead worker's pipe: what send() could not deliver is moot
            self.process.stdin.close()

    def _spawn(self) -> None:
        command = [sys.executable, "-m", "jixiao.worker", str(self.out_dir), str(os.getpid())]
        command.append(str(self.options.memory_limit_mb or 0))
        self.temp = Path(tempfile.mkdtemp(prefix="jixiao-worker-"))
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "TMPDIR": str(self.temp)},
        )
        self.clock = time.monotonic()

    def _ended(self, reason: str) -> dict:
        row = failed_row(self.job, reason)
        self.stop()
        return row


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


def worker_count(options: BatchOptions) -> int:
    return options.workers or os.cpu_count() or 1


def run_local(jobs: list[Job], out_dir: Path, options: BatchOptions, record: Callable[[dict], None]) -> None:
    """Convert jobs in a pool of sandboxes on this machine, passing each row to record as it arrives."""
    pending = deque(jobs)
    sandboxes = [Sandbox(out_dir, options) for _ in range(min(worker_count(options), len(jobs)))]
    busy = list(sandboxes)

    def finish(sandbox: Sandbox, row: dict) -> None:
        record(row)
        if pending:
            sandbox.send(pending.popleft())
        else:
            busy.remove(sandbox)

    try:
        for sandbox in sandboxes:
            sandbox.send(pending.popleft())
        while busy:
            for sandbox in wait(busy, max(0.0, min(s.deadline for s in busy) - time.monotonic())):
                row = sandbox.read()
                if row is not None:
                    finish(sandbox, row)
            now = time.monotonic()
            for sandbox in [s for s in busy if s.deadline <= now]:
                finish(sandbox, sandbox.expire())
    finally:
        _stop_all(sandboxes)


def _stop_all(sandboxes: list[Sandbox]) -> None:
    for sandbox in sandboxes:  # all idle ones exit at once, rather than one after the other
        if sandbox.process is not None and sandbox.job is None:
            sandbox._close_input()
    for sandbox in sandboxes:
        sandbox.stop()


_sandboxes: dict[int, Sandbox] = {}  # in a Dask worker process: one sandbox per worker thread
_sandboxes_lock = threading.Lock()


def convert_in_sandbox(job: Job, out_dir: str, options: BatchOptions) -> dict:
    """A Dask task: convert one file in this worker thread's sandbox; return only its manifest row."""
    with _sandboxes_lock:
        sandbox = _sandboxes.get(threading.get_ident())
        if sandbox is None or sandbox.out_dir != Path(out_dir) or sandbox.options != options:
            if sandbox is not None:
                sandbox.stop()
            sandbox = _sandboxes[threading.get_ident()] = Sandbox(Path(out_dir), options)
    return sandbox.run(job)


def stop_sandboxes() -> None:
    """Run on every Dask worker at the end of a batch: no idle sandbox outlives it."""
    with _sandboxes_lock:
        _stop_all(list(_sandboxes.values()))
        _sandboxes.clear()


def run_dask(jobs: list[Job], out_dir: Path, options: BatchOptions, record: Callable[[dict], None]) -> None:
    """Convert jobs on a Dask cluster (options.scheduler) or on a LocalCluster started for this run.

    The output folder must be the same path on every worker (a shared file
    system).  A cluster without a worker for NO_WORKERS_WAIT seconds, at the
    start or after losing them all, ends the batch with a BatchError (tasks
    would wait for a worker forever); what finished is kept.
    """
    import gc
    import importlib.util
    import logging

    from distributed import Client, KilledWorker, LocalCluster, as_completed

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
                resources={"soffice": 1},
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
        # Without a worker that declares the resource a constrained task would wait forever.
        soffice_declared = any("soffice" in w.get("resources", {}) for w in workers)
        futures = {
            client.submit(
                convert_in_sandbox,
                job,
                str(Path(out_dir).resolve()),
                options,
                pure=False,
                retries=0,
                resources={"soffice": 1} if soffice_declared and job.kind in SOFFICE_KINDS else None,
            ): job
            for job in jobs
        }
        finished = as_completed(futures)
        checked, workerless_since = time.monotonic(), None
        try:
            while not finished.is_empty():
                batch = finished.next_batch(block=False)
                for future in batch:
                    try:
                        row = future.result(timeout=WORKER_CHECK_EVERY)
                    except TimeoutError:  # finished, but its worker died before the row was fetched: it runs again
                        finished.add(future)
                        continue
                    except KilledWorker:
                        row = failed_row(futures[future], "the Dask worker converting it died")
                    except Exception as exc:  # noqa: BLE001 — one task's failure is one failed row
                        row = failed_row(futures[future], f"the Dask task failed ({type(exc).__name__}: {exc})")
                    del futures[future]
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


def _dashboard(client) -> str:
    """The dashboard's address, or why there is none (dashboard_link is made from the config, so ask the scheduler)."""
    import importlib.util

    if "dashboard" not in client.scheduler_info(n_workers=0).get("services", {}):
        return "none (the scheduler serves none)"
    pages = "" if importlib.util.find_spec("bokeh") else " (its pages need bokeh: pip install bokeh)"
    return client.dashboard_link + pages


ENGINES: dict[str, Callable[[list[Job], Path, BatchOptions, Callable[[dict], None]], None]] = {
    "local": run_local,
    "dask": run_dask,
}
