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
group, so one bad file never costs its neighbours.  As the files go in
order, a .docx is whole once a later one appears: a caller may read it then
(``ready``), on the other core, while soffice goes on.

Each worker process has its own LibreOffice profile (two soffice processes
sharing a profile hand their work to each other or wait on its lock).  Inputs
are copied into the work directory under neutral names first, so nothing
(converted file, LibreOffice lock file) is ever written beside an input and
two inputs with the same stem cannot collide.

LibreOffice fetches nothing: the profile it starts with blocks linked
images, never updates links or fields, runs no macros (so it never waits on
a macro warning) and sends HTTP, HTTPS and FTP to a proxy address nothing
answers on; HTML and MHT pages lose every reference before it sees them
(:mod:`extract.offline_html`), because it fetches linked stylesheets and CSS
images whatever the profile says.

A soffice killed, at the timeout or with its worker, leaves nothing behind:
its single-instance socket (``/tmp/OSL_PIPE_<uid>_SingleOfficeIPC_<hash of
the profile URL>``, which LibreOffice removes only when it exits normally) is
removed, and so is the profile it may have left half written (made anew for
the next start).  A worker (or an API caller) can be killed with no chance to
tidy up, so each profile has a janitor: a detached process, started with the
profile, that waits for the process owning it to end, however it ends, then
kills any soffice still using the profile and removes the profile and its
socket."""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import deque
from collections.abc import Callable, Iterable
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
# registrymodifications.xcu of every profile: nothing fetched, nothing asked.  Writer's Content/Update/Link 0 is
# "never"; port 1 (tcpmux) is one nothing listens on, so a proxied request fails at once instead of stalling.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop>
 <prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop>
 <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop>
</item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update">
 <prop oor:name="Link" oor:op="fuse"><value>0</value></prop>
 <prop oor:name="Field" oor:op="fuse"><value>false</value></prop>
</item>
<item oor:path="/org.openoffice.Inet/Settings">
 <prop oor:name="ooInetProxyType" oor:op="fuse"><value>1</value></prop>
 <prop oor:name="ooInetNoProxy" oor:op="fuse"><value></value></prop>
 <prop oor:name="ooInetHTTPProxyName" oor:op="fuse"><value>127.0.0.1</value></prop>
 <prop oor:name="ooInetHTTPProxyPort" oor:op="fuse"><value>1</value></prop>
 <prop oor:name="ooInetHTTPSProxyName" oor:op="fuse"><value>127.0.0.1</value></prop>
 <prop oor:name="ooInetHTTPSProxyPort" oor:op="fuse"><value>1</value></prop>
 <prop oor:name="ooInetFTPProxyName" oor:op="fuse"><value>127.0.0.1</value></prop>
 <prop oor:name="ooInetFTPProxyPort" oor:op="fuse"><value>1</value></prop>
</item>
</oor:items>
"""


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
        _fill_profile(path)
        _start_janitor(path)
        # Removed at exit, also in pool workers, which leave by os._exit and skip atexit handlers.
        multiprocessing_util.Finalize(None, _remove_profile, args=(path,), exitpriority=0)
        _profile = (os.getpid(), path)
    return _profile[1]


def _fill_profile(path: Path) -> None:
    (path / "user").mkdir(parents=True, exist_ok=True)
    (path / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
    (path / "tmp").mkdir(exist_ok=True)  # soffice's TMPDIR, so its temp files go with the profile


def _remove_profile(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    pipe_path(path).unlink(missing_ok=True)


def pipe_path(profile: Path) -> Path:
    """The single-instance socket soffice makes for a profile: LibreOffice's PipeIpcThread names it by the MD5 of
    the profile URL's UTF-16 code units, in hex without leading zeros, in /tmp (sal's osl_createPipe, which falls
    back to /var/tmp only where /tmp is not writable)."""
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le")).digest()
    return Path("/tmp") / f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(f'{byte:x}' for byte in digest)}"


def _start_janitor(profile: Path) -> None:
    """Start the detached process that tidies ``profile`` up once this process has ended (see the module's doc)."""
    janitor = subprocess.Popen(
        [sys.executable, "-m", "jixiao.extract.convert", "--janitor", str(os.getpid()), str(profile)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd="/",
    )
    janitor.wait()  # it forks and its first half exits: the half that stays is no descendant of this process


def _janitor(owner: int, profile: Path) -> None:
    try:
        watch = os.pidfd_open(owner)  # opened while the owner waits for this half to exit: it is the right process
    except OSError:
        watch = None  # already gone, or no pidfd (not Linux ≥ 5.3): watched by polling
    if os.fork():
        os._exit(0)
    import psutil

    if watch is not None:
        select.select([watch], [], [])
    else:
        while psutil.pid_exists(owner):
            time.sleep(1)
    marker = f"-env:UserInstallation={profile.as_uri()}"
    left = [process for process in psutil.process_iter(["cmdline"]) if marker in (process.info["cmdline"] or [])]
    for process in left:
        try:
            os.killpg(os.getpgid(process.pid), signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    psutil.wait_procs(left, timeout=10)
    _remove_profile(profile)


def convert_to_docx(
    paths: Iterable[Path],
    workdir: Path,
    timeout: float = DEFAULT_TIMEOUT,
    kinds: dict[Path, str] | None = None,
    ready: Callable[[Path, Path], None] | None = None,
) -> dict[Path, Path | ReadError]:
    """Convert a group of files with one soffice start.

    Returns, for each input path, the converted .docx inside ``workdir`` or
    the ReadError saying why it could not be converted.  soffice is killed
    when it converts nothing for ``timeout`` seconds; the file it hung on
    fails and the files after it get a new start.
    ``kinds`` (path → what :func:`extract.sniff.sniff` said, to spare a second
    look) decides how each file is handed over.  ``ready(path, docx)`` is
    called for each converted file as soon as it is whole, while soffice may
    still be converting the next ones.  The caller owns ``workdir`` and
    removes it.
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
        if kind in ("html", "mht"):
            from jixiao.extract.offline_html import HtmlError, offline_html

            page, charset = _mht_html(path) if kind == "mht" else (Path(path).read_bytes(), None)
            if page is None:
                failures[path] = ReadError("MHT web archive without an HTML part: nothing to read")
                continue
            try:
                page = offline_html(page, charset)
            except HtmlError as error:
                failures[path] = ReadError(f"web page {error}")
                continue
            target = target.with_suffix(".html")
            target.write_bytes(page)
        else:
            shutil.copyfile(path, target)
        staged[path] = target

    results: dict[Path, Path | ReadError] = dict(failures)
    groups = deque([list(staged)])  # each in the order soffice works through it
    with _profile_lock:
        while groups:
            group = groups.popleft()
            outputs = [out_dir / (staged[path].stem + ".docx") for path in group]

            def whole(count: int, group=group, outputs=outputs) -> None:
                """The first `count` of the group's outputs are as soffice leaves them."""
                for path, converted in zip(group[:count], outputs[:count], strict=True):
                    if path not in results and converted.is_file() and zipfile.is_zipfile(converted):
                        results[path] = converted  # not one cut off mid-write
                        if ready is not None:
                            ready(path, converted)

            failure, timed_out = _run_soffice(binary, [staged[path] for path in group], outputs, timeout, whole)
            whole(len(group))
            left = [path for path in group if path not in results]
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


def _mht_html(path: Path) -> tuple[bytes | None, str | None]:
    """The first text/html part of a MIME web archive, decoded from its transfer encoding, and its MIME charset."""
    message = email.message_from_bytes(Path(path).read_bytes(), policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True) or b"", part.get_content_charset()
    return None, None


def _run_soffice(
    binary: str, inputs: list[Path], outputs: list[Path], timeout: float, whole: Callable[[int], None]
) -> tuple[str | None, bool]:
    """Run one soffice: (the failure message for files left unconverted or None, whether it timed out).

    It times out when ``timeout`` seconds pass without another of ``outputs``
    appearing; ``whole(n)`` is told when the first n of them are finished.
    """
    out_dir, profile = outputs[0].parent, _profile_dir()
    command = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
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
            env={**os.environ, "TMPDIR": str(profile / "tmp")},
        )
        try:
            if not _wait_converting(process, outputs, timeout, whole):
                return f"LibreOffice did not finish converting within {timeout:g} s (killed)", True
        finally:
            _kill_group(process.pid)  # on a timeout soffice and its helpers, else whatever it left running
            process.wait()
            if process.returncode != 0:  # killed or crashed: its socket stays, its profile may be half written
                _remove_profile(profile)
                _fill_profile(profile)
        if process.returncode != 0:
            stderr.seek(0)
            lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
            return f"LibreOffice failed: {(lines or [f'exit status {process.returncode}'])[-1]}", False
    return None, False


def _wait_converting(
    process: subprocess.Popen, outputs: list[Path], timeout: float, whole: Callable[[int], None]
) -> bool:
    """Wait for soffice to exit while it makes progress; False when it converted nothing for timeout seconds.
    Every output before the last one that has appeared is finished (`whole` is told)."""
    done, reached, deadline = 0, 0, time.monotonic() + timeout
    while True:
        try:
            process.wait(timeout=max(0.0, min(_POLL, deadline - time.monotonic())))
            return True
        except subprocess.TimeoutExpired:
            pass
        appeared = [output.exists() for output in outputs]
        now_done = sum(appeared)
        if now_done > done:
            done, deadline = now_done, time.monotonic() + timeout
            last = len(appeared) - 1 - appeared[::-1].index(True)
            if last > reached:
                reached = last
                whole(last)
                deadline = time.monotonic() + timeout  # reading what is finished is not soffice's time
        elif time.monotonic() >= deadline:
            return False


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


if __name__ == "__main__" and sys.argv[1:2] == ["--janitor"]:
    _janitor(int(sys.argv[2]), Path(sys.argv[3]))
