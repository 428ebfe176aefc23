"""What a batch shows while it runs: a tqdm bar on a terminal, log lines otherwise, a line per file with -v."""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

LOG_EVERY = 10.0  # seconds between log lines when stderr is not a terminal


class Progress:
    """A batch Reporter: done / failed / files per second / ETA.

    Without a terminal it logs a line every LOG_EVERY seconds, also while no
    file finishes (a heartbeat: a slow file or a stuck cluster is visible in
    a CI log); `verbose` adds a line per file as it finishes.
    """

    def __init__(self, stream: TextIO = sys.stderr, quiet: bool = False, verbose: bool = False):
        self.stream, self.quiet, self.verbose = stream, quiet, verbose
        self.statuses: Counter[str] = Counter()
        self.total = 0
        self.bar: tqdm | None = None
        self.started = self.logged = time.monotonic()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def start(self, total: int) -> None:
        self.total = total
        self.started = self.logged = time.monotonic()
        if self.quiet:
            return
        if self.stream.isatty():
            from tqdm import tqdm  # only on a terminal

            self.bar = tqdm(total=total, unit="file", file=self.stream, dynamic_ncols=True, smoothing=0.05)
        else:
            self._heartbeat = threading.Thread(target=self._beat, name="jixiao-heartbeat", daemon=True)
            self._heartbeat.start()

    def update(self, row: dict) -> None:
        with self._lock:
            self.statuses[row["status"]] += 1
            if self.verbose:
                self._write(f"{row['status']:8} {row['path']}" + (f"  {row['error']}" if row.get("error") else ""))
            if self.bar is not None:
                self.bar.set_postfix(failed=self.statuses["failed"], refresh=False)
                self.bar.update()
            elif not self.quiet and time.monotonic() - self.logged >= LOG_EVERY:
                self._log()

    def note(self, text: str) -> None:
        """A line about the run itself (the Dask dashboard's address), unless quiet."""
        if not self.quiet:
            with self._lock:
                self._write(f"jixiao: {text}")

    def _beat(self) -> None:
        while not self._stopped.wait(max(0.05, self.logged + LOG_EVERY - time.monotonic())):
            with self._lock:
                if time.monotonic() - self.logged >= LOG_EVERY:
                    self._log()

    def _log(self) -> None:
        self.logged = time.monotonic()
        self._write(f"jixiao: {self.line()}")

    def _write(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def line(self) -> str:
        done = sum(self.statuses.values())
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = done / elapsed
        eta = f", ETA {_duration((self.total - done) / rate)}" if rate and done < self.total else ""
        return f"{done}/{self.total} files, {self.statuses['failed']} failed, {rate:.1f} files/s{eta}"

    def close(self) -> None:
        self._stopped.set()
        if self._heartbeat is not None:
            self._heartbeat.join()
        if self.bar is not None:
            self.bar.close()


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def summary(rows: list[dict], seconds: float) -> str:
    """Counts by status and by format of manifest rows, e.g. `120 files in 3.2 s: 100 ok, 15 warnings, 5 failed;
    txt 80, pdf 40`.

    Inputs an earlier run converted count under their status, and are named
    too: `…, 5 failed (90 converted by an earlier run); …`.
    """
    statuses = Counter(row["status"] for row in rows)
    by_status = ", ".join(
        f"{statuses[s]} {s}" for s in ("ok", "warnings", "partial", "skipped", "failed") if s in statuses
    )
    resumed = sum(bool(row.get("resumed")) for row in rows)
    if resumed:
        by_status += f" ({resumed} converted by an earlier run)"
    formats = Counter(row.get("format") or "?" for row in rows)
    by_format = ", ".join(f"{name} {count}" for name, count in formats.most_common())
    return f"{len(rows)} files in {seconds:.1f} s: {by_status or 'nothing to do'}; {by_format or 'no formats'}"
