"""`python -m jixiao.worker OUT PARENT_PID TIMEOUT`: one sandbox worker process.

Reads one unit per line on stdin, a JSON list of jobs (several only for a
LibreOffice group, converted by jixiao.batch.convert_group in one soffice
start, TIMEOUT seconds per file), and answers one line per job, in order, on
its original stdout, `{"row": <manifest row>}` (after
READY once it has loaded its libraries); whatever the
libraries print goes to stderr instead, so it cannot garble the replies.  The
engine that started it ends it by killing its process group (it runs in a
session of its own), which takes any LibreOffice child down with it.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from pathlib import Path

READY = {"ready": True}
_PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    out_dir, parent_pid, timeout = Path(argv[0]), int(argv[1]), float(argv[2])
    _die_with_parent(parent_pid)
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    from jixiao.batch import Job, convert_group
    from jixiao.normalize import normalize  # noqa: F401 — the layouts load before READY, not in a file's time limit

    def reply(message: dict) -> None:
        replies.write(json.dumps(message, ensure_ascii=False) + "\n")
        replies.flush()

    reply(READY)
    for line in sys.stdin:
        jobs = [Job(**job) for job in json.loads(line)]
        for row in convert_group(jobs, out_dir, timeout):
            reply({"row": row})


def _die_with_parent(parent_pid: int) -> None:
    """A worker must not outlive the run that started it (kill -9 included): Linux kills it when its parent dies."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
