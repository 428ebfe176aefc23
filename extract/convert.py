"""Word formats other than .docx → .docx, with LibreOffice headless.

Word 97–2003 (OLE), RTF, HTML, MHT and Word 2003 XML saved by Word (all often
archived as ``.doc``) are converted by one ``soffice`` start per group of
files, then read by the .docx reader.  LibreOffice opens an MHT (Word's
"single file web page") as plain text, so its HTML part is unpacked first and
converted as HTML.

soffice converts its files in order, one after the other, so the time limit
is per file: the clock restarts whenever another .docx appears, and when it
runs out the file soffice is stuck on is the first one not converted.  That
one fails; the files after it get a new start.  When soffice dies partway
(a crash), the file it died on is retried alone and the rest go on as a
group, so one bad file never costs its neighbours.

Each worker process has its own LibreOffice profile (two soffice processes
sharing a profile hand their work to each other or wait on its lock).  Inputs
are copied into the work directory under neutral names first, so nothing
(converted file, LibreOffice lock file) is ever written beside an input and
two inputs with the same stem cannot collide."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from collections import deque
from collections.abc import Iterable
from multiprocessing import util as multiprocessing_util
from pathlib import Path

from jixiao.extract.model import ReadError
from jixiao.extract.sniff import sniff

INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
DEFAULT_TIMEOUT = 120.0  # seconds per file (the start's own time counts towards the first)
_POLL = 0.1  # seconds between looks at what soffice has written
# The explicit filter name matters: an HTML file opens in Writer/Web, whose
# plain "docx" export does not exist.
_DOCX_FILTER = "docx:MS Word 2007 XML"
# The suffix LibreOffice's type detection expects for each sniffed kind.
_STAGED_SUFFIX = {"ole": ".doc", "rtf": ".rtf", "html": ".html", "mht": ".mht", "wordml": ".xml"}

_profile_lock = threading.Lock()
_profile: tuple[int, Path] | None = None  # (pid, dir): a forked worker makes its own


def soffice_binary() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ReadError(f"LibreOffice is needed to read this Word format and is not installed: {INSTALL_HINT}")


def _profile_dir() -> Path:
    global _profile
    if _profile is None or _profile[0] != os.getpid():
        path = Path(tempfile.mkdtemp(prefix="jixiao-lo-profile-"))
        # Removed at exit, also in pool workers, which leave by os._exit and skip atexit handlers.
        multiprocessing_util.Finalize(None, shutil.rmtree, args=(path, True), exitpriority=0)
        _profile = (os.getpid(), path)
    return _profile[1]


def convert_to_docx(
    paths: Iterable[Path], workdir: Path, timeout: float = DEFAULT_TIMEOUT, kinds: dict[Path, str] | None = None
) -> dict[Path, Path | ReadError]:
    """Convert a group of files with one soffice start.

    Returns, for each input path, the converted .docx inside ``workdir`` or
    the ReadError saying why it could not be converted.  soffice is killed
    when it converts nothing for ``timeout`` seconds; the file it hung on
    fails and the files after it get a new start.
    ``kinds`` (path → what :func:`extract.sniff.sniff` said, to spare a second
    look) decides how each file is handed over.  The caller owns ``workdir``
    and removes it.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        return {}
    binary = soffice_binary()
    staged_dir, out_dir = Path(workdir) / "in", Path(workdir) / "out"
    staged_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: dict[Path, Path] = {}
    failures: dict[Path, ReadError] = {}
    for number, path in enumerate(paths):
        kind = (kinds or {}).get(path) or sniff(path)
        target = staged_dir / f"{number:05d}{_STAGED_SUFFIX.get(kind, '.doc')}"
        if kind == "mht":
            html = _mht_html(path)
            if html is None:
                failures[path] = ReadError("MHT web archive without an HTML part: nothing to read")
                continue
            target = target.with_suffix(".html")
            target.write_bytes(html)
        else:
            shutil.copyfile(path, target)
        staged[path] = target

    results: dict[Path, Path | ReadError] = dict(failures)
    groups = deque([list(staged)])  # each in the order soffice works through it
    with _profile_lock:
        while groups:
            group = groups.popleft()
            outputs = [out_dir / (staged[path].stem + ".docx") for path in group]
            failure, timed_out = _run_soffice(binary, [staged[path] for path in group], outputs, timeout)
            left = []
            for path, converted in zip(group, outputs, strict=True):
                if converted.is_file() and zipfile.is_zipfile(converted):  # not one cut off mid-write
                    results[path] = converted
                else:
                    left.append(path)
            if failure is None or len(group) == 1:  # soffice went through them all: these it could not convert
                for path in left:
                    results[path] = ReadError(
                        failure or "LibreOffice could not convert it (damaged, or not a Word file?)"
                    )
            elif left:  # soffice stopped at left[0]: a hang fails it, a crash retries it alone
                if left[1:]:
                    groups.appendleft(left[1:])
                if timed_out:
                    results[left[0]] = ReadError(failure)
                else:
                    groups.appendleft(left[:1])
    return results


def _mht_html(path: Path) -> bytes | None:
    """The first text/html part of a MIME web archive, decoded from its transfer encoding."""
    message = email.message_from_bytes(Path(path).read_bytes(), policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            html = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset and b"charset" not in html[:4096].lower():
                # the charset was only in the MIME header: say it where LibreOffice looks
                html = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'.encode() + html
            return html
    return None


def _run_soffice(binary: str, inputs: list[Path], outputs: list[Path], timeout: float) -> tuple[str | None, bool]:
    """Run one soffice: (the failure message for files left unconverted or None, whether it timed out).

    It times out when ``timeout`` seconds pass without another of ``outputs`` appearing.
    """
    out_dir = outputs[0].parent
    command = [
        binary,
        f"-env:UserInstallation={_profile_dir().as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        "--convert-to",
        _DOCX_FILTER,
        "--outdir",
        str(out_dir),
        *map(str, inputs),
    ]
    # A session of its own, so a timeout can kill soffice.bin and every helper it started.
    # stderr to a file, not a pipe, which could fill while this process only watches the outputs
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
            cwd=out_dir,
        )
        try:
            if not _wait_converting(process, outputs, timeout):
                return f"LibreOffice did not finish converting within {timeout:g} s (killed)", True
        finally:
            _kill_group(process.pid)  # on a timeout soffice and its helpers, else whatever it left running
            process.wait()
        if process.returncode != 0:
            stderr.seek(0)
            lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
            return f"LibreOffice failed: {(lines or [f'exit status {process.returncode}'])[-1]}", False
    return None, False


def _wait_converting(process: subprocess.Popen, outputs: list[Path], timeout: float) -> bool:
    """Wait for soffice to exit while it makes progress; False when it converted nothing for timeout seconds."""
    done, deadline = 0, time.monotonic() + timeout
    while True:
        try:
            process.wait(timeout=max(0.0, min(_POLL, deadline - time.monotonic())))
            return True
        except subprocess.TimeoutExpired:
            pass
        now_done = sum(map(Path.exists, outputs))
        if now_done > done:
            done, deadline = now_done, time.monotonic() + timeout
        elif time.monotonic() >= deadline:
            return False


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
