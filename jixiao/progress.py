"""What a batch shows while it runs: a tqdm bar on a terminal, a log line every so often otherwise."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TextIO

import pandas as pd
from tqdm import tqdm

LOG_EVERY = 10.0  # seconds between log lines when stderr is not a terminal


class Progress:
    """A batch Reporter: done / failed / files per second / ETA."""

    def __init__(self, stream: TextIO = sys.stderr, quiet: bool = False):
        self.stream, self.quiet = stream, quiet
        self.statuses: Counter[str] = Counter()
        self.total = 0
        self.bar: tqdm | None = None
        self.started = self.logged = time.monotonic()

    def start(self, total: int) -> None:
        self.total = total
        self.started = self.logged = time.monotonic()
        if not self.quiet and self.stream.isatty():
            self.bar = tqdm(total=total, unit="file", file=self.stream, dynamic_ncols=True, smoothing=0.05)

    def update(self, row: dict) -> None:
        self.statuses[row["status"]] += 1
        if self.bar is not None:
            self.bar.set_postfix(failed=self.statuses["failed"], refresh=False)
            self.bar.update()
        elif not self.quiet and time.monotonic() - self.logged >= LOG_EVERY:
            self.logged = time.monotonic()
            print(f"jixiao: {self.line()}", file=self.stream, flush=True)

    def line(self) -> str:
        done = sum(self.statuses.values())
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = done / elapsed
        eta = f", ETA {_duration((self.total - done) / rate)}" if rate and done < self.total else ""
        return f"{done}/{self.total} files, {self.statuses['failed']} failed, {rate:.1f} files/s{eta}"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def summary(manifest: pd.DataFrame, seconds: float) -> str:
    """Counts by status and by format, e.g. `120 files in 3.2 s: 100 ok, 15 warnings, 5 failed; txt 80, pdf 40`."""
    statuses = manifest["status"].value_counts()
    by_status = ", ".join(f"{statuses[s]} {s}" for s in ("ok", "warnings", "skipped", "failed") if s in statuses)
    formats = manifest["format"].fillna("?").value_counts()
    by_format = ", ".join(f"{name} {count}" for name, count in formats.items())
    return f"{len(manifest)} files in {seconds:.1f} s: {by_status or 'nothing to do'}; {by_format or 'no formats'}"
