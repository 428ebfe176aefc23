"""`python -m jixiao.worker OUT PARENT_PID MEMORY_LIMIT_MB TIMEOUT`: one sandbox worker process.

Reads one unit per line on stdin, a JSON list of jobs (several only for a
LibreOffice group, converted by jixiao.batch.convert_group in one soffice
start, TIMEOUT seconds per file), and answers one line per job, in order, on
its original stdout, `{"row": <manifest row>, "retire": <bool>}` (after
READY once it has loaded its libraries); whatever the
libraries print goes to stderr instead, so it cannot garble the replies.  The
engine that started it ends it by killing its process group (it runs in a
session of its own), which takes any LibreOffice child down with it.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys
from pathlib import Path

READY = {"ready": True}
_PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    out_dir, parent_pid, memory_limit_mb, timeout = Path(argv[0]), int(argv[1]), int(argv[2]), float(argv[3])
    _die_with_parent(parent_pid)
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    from jixiao.batch import Job, convert_group  # the heavy imports, before the memory limit

    limit = memory_limit_mb << 20
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def reply(message: dict) -> None:
        replies.write(json.dumps(message, ensure_ascii=False) + "\n")
        replies.flush()

    reply(READY)
    for line in sys.stdin:
        jobs = [Job(**job) for job in json.loads(line)]
        for job, row in zip(jobs, convert_group(jobs, out_dir, timeout), strict=True):
            if limit and row["status"] == "failed" and _peak_address_space() > 0.9 * limit:
                # At the limit, C code fails in odd ways (a SystemError rather than a MemoryError): say what it
                # was, and retire, as this worker's heap may be spent; the engine starts a fresh one for the next
                # file (and retries alone what is left of a group).
                reply({"row": row | {"error": f"{job.relative}: exceeded memory limit"}, "retire": True})
                return
            reply({"row": row, "retire": False})


def _peak_address_space() -> int:
    """VmPeak of this process in bytes (Linux), 0 when unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(line for line in status if line.startswith("VmPeak:"))
    except (OSError, StopIteration):
        return 0
    return int(peak.split()[1]) << 10


def _die_with_parent(parent_pid: int) -> None:
    """A worker must not outlive the run that started it (kill -9 included): Linux kills it when its parent dies."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
