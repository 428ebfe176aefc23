"""LibreOffice fetches nothing and leaves nothing behind (issue 11.2).

A local TCP server counts connections and never answers, so a fetch would
both show and stall the conversion until its time limit.  Documents of every
kind LibreOffice converts point at it: HTML and MHT named .doc (image,
stylesheet, CSS backgrounds, frames), RTF with INCLUDEPICTURE and
INCLUDETEXT fields, and a Word 97 file with a linked picture.  Then soffice
is killed at the time limit and with the process that started it (a stand-in
that hangs, and the real one mid-conversion): no single-instance socket, no
profile, no soffice may be left.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from jixiao.extract.convert import _PROFILE_SETTINGS, convert_to_docx, pipe_path
from jixiao.extract.docx import read_docx
from jixiao.extract.model import ReadError
from jixiao.extract.offline_html import offline_html

from tests.conftest import ROOT, SEED

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
TEXT = "绩效目标 offline text"


class _Silent(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.server.connections.append(self.client_address)
        self.server.stop.wait(120)  # never answer: a fetch stalls until the converter's time limit


@pytest.fixture()
def server():
    """http://127.0.0.1:PORT, whose every connection is counted in ``server.connections``."""
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Silent) as tcp:
        tcp.daemon_threads = True
        tcp.connections, tcp.stop = [], threading.Event()
        tcp.url = f"http://127.0.0.1:{tcp.server_address[1]}"
        thread = threading.Thread(target=tcp.serve_forever, daemon=True)
        thread.start()
        yield tcp
        tcp.stop.set()
        tcp.shutdown()


def _page(url: str, fifo: Path) -> str:
    return (
        f'<html><head><link rel="stylesheet" href="{url}/s.css"><style>@import url({url}/i.css);'
        f" p.x {{ background: url({url}/p.png) }}</style><base href='{url}/'></head>"
        f'<body background="{url}/b.png"><p class="x" style="background-image: url({url}/y.png)">{TEXT}</p>'
        f'<img src="{url}/x.png"><img src="{fifo.as_uri()}"><img src="../../../../../../dev/zero">'
        f'<iframe src="{url}/f.html"></iframe><object data="{url}/o.bin"></object>'
        f'<svg><image href="{url}/s.svg"/></svg><table border=1><tr><td>{TEXT}</td></tr></table></body></html>'
    )


def _mht(html: str, url: str) -> bytes:
    picture = base64.encodebytes(b"\x89PNG\r\n\x1a\n").decode()
    return (
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
        "Content-Location: file:///C:/report.htm\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{html.replace('</body>', '<img src=report_files/a.png></body>')}"
        f"\r\n--b\r\nContent-Location: file:///C:/report_files/a.png\r\nContent-Type: image/png\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{picture}\r\n--b--\r\n"
    ).encode()


def _linked_picture_doc(folder: Path, url: str) -> Path:
    """A Word 97 file whose picture is an INCLUDEPICTURE link to url, made by LibreOffice from HTML."""
    placeholder = "http://127.0.0.1:9/xxxxx.png"
    assert len(placeholder) == len(f"{url}/x.png")  # a port of five digits, as the kernel's ephemeral ones are
    profile = folder / "maker-profile"
    (profile / "user").mkdir(parents=True)
    # a default profile (jixiao's drops the picture); nothing listens on port 9 (discard), so the link stays a link
    (profile / "user").mkdir(parents=True, exist_ok=True)
    source = folder / "linked.html"
    source.write_text(f'<html><body><p>{TEXT}</p><img src="{placeholder}" width=40 height=40></body></html>')
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "doc:MS Word 97"]
        + ["--outdir", str(folder), str(source)],
        capture_output=True,
        timeout=120,
        check=True,
    )
    made = folder / "linked.doc"
    data = made.read_bytes()
    codec = "utf-16-le"  # Word 97 keeps text with Chinese in it as UTF-16
    assert f'INCLUDEPICTURE  "{placeholder}"'.encode(codec) in data
    made.write_bytes(data.replace(placeholder.encode(codec), f"{url}/x.png".encode(codec)))
    return made


@needs_soffice
def test_libreoffice_fetches_nothing_a_document_names(server, tmp_path):
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)  # reading it would block for ever
    url = server.url
    inputs = {
        "html": tmp_path / "page.doc",
        "mht": tmp_path / "archive.doc",
        "rtf": tmp_path / "fields.doc",
        "ole": _linked_picture_doc(tmp_path, url),
    }
    inputs["html"].write_text(_page(url, fifo), encoding="utf-8")
    inputs["mht"].write_bytes(_mht(_page(url, fifo), url))
    inputs["rtf"].write_text(
        r"{\rtf1\ansi {\field{\*\fldinst INCLUDEPICTURE " + f'"{url}/x.png"' + r" \\d}{\fldrslt }}"
        r"{\field{\*\fldinst INCLUDETEXT " + f'"{url}/t.txt"' + r"}{\fldrslt cached}} offline text\par}",
        encoding="ascii",
    )
    before = {kind: path.read_bytes() for kind, path in inputs.items()}
    started = time.monotonic()
    results = convert_to_docx(
        list(inputs.values()), tmp_path / "work", timeout=90, kinds={v: k for k, v in inputs.items()}
    )
    elapsed = time.monotonic() - started
    assert server.connections == []
    assert elapsed < 45  # a fetch would have stalled until the 90 s limit
    for kind, path in inputs.items():
        assert isinstance(results[path], Path), (kind, results[path])
        text = "\n".join(block.text for block in read_docx(results[path]).blocks if hasattr(block, "text"))
        text += "\n".join(cell.text for table in read_docx(results[path]).tables for cell in table.cells)
        assert "offline text" in text, kind
        assert path.read_bytes() == before[kind]


def test_html_loses_every_reference_and_keeps_its_text_and_bytes():
    page = _page("http://10.0.0.1:8080", Path("/tmp/fifo")).encode()
    cleaned = offline_html(page).decode()
    for reference in ("10.0.0.1", "file:", "dev/zero", "@import"):
        assert reference not in cleaned
    assert cleaned.count(TEXT) == 2 and 'class="x"' in cleaned and "p.x" in cleaned
    # nothing to remove: not one byte changes, misnested links and all (LibreOffice reads them in its own way)
    plain = '<html><body><p><span><a href="#_Toc1">总体目标</span>\t2</a></p></body></html>'.encode("gb18030")
    assert offline_html(plain) == plain
    # a charset only in an MHT part's header is declared where LibreOffice looks
    assert offline_html(b"<p>x</p>", "gb2312").startswith(b'<meta http-equiv="Content-Type"')


def test_markup_the_tokenizers_read_differently_falls_back_to_a_clean_serialisation():
    # the standard's parser ends this comment at --!>, the standard library's tokenizer does not
    cleaned = offline_html(b"<p>kept<!-- --!><img src=http://10.0.0.1/x> --></p>").decode()
    assert "10.0.0.1" not in cleaned and "kept" in cleaned
    # a CSS escape that spells url, and a character that would end the style element early
    cleaned = offline_html(b'<style>p { background: u\\72l(http://10.0.0.1/a) } q{content:"\\3c/style>"}</style>')
    assert b"10.0.0.1" not in cleaned and b"</style><" not in cleaned.replace(b"</style></head>", b"")


# A stand-in soffice: makes the socket LibreOffice would, writes into its profile, then hangs.
FAKE_SOFFICE = """#!{python}
import socket, sys, time
from pathlib import Path
from urllib.parse import unquote, urlparse
from jixiao.extract.convert import pipe_path
profile = Path(unquote(urlparse(next(a for a in sys.argv if a.startswith("-env:UserInstallation="))[22:]).path))
listener = socket.socket(socket.AF_UNIX)
listener.bind(str(pipe_path(profile)))
listener.listen()
(profile / "user" / "half-written").write_text("x")
time.sleep(300)
"""


@pytest.fixture()
def hanging_soffice(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "soffice"
    fake.write_text(FAKE_SOFFICE.format(python=sys.executable))
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


def _using(profile: Path) -> list[psutil.Process]:
    marker = f"-env:UserInstallation={profile.as_uri()}"
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if marker in (process.info["cmdline"] or []):
            found.append(process)
    return found


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_soffice_killed_at_the_time_limit_leaves_no_socket_and_a_fresh_profile(hanging_soffice, tmp_path):
    path = tmp_path / "a.doc"
    path.write_text(r"{\rtf1 x}")
    results = convert_to_docx([path], tmp_path / "work", timeout=3, kinds={path: "rtf"})
    assert str(results[path]) == "LibreOffice did not finish converting within 3 s (killed)"
    from jixiao.extract import convert

    profile = convert._profile_dir()
    assert not pipe_path(profile).exists()
    assert not (profile / "user" / "half-written").exists()  # what the killed soffice wrote is gone
    assert (profile / "user" / "registrymodifications.xcu").read_text() == _PROFILE_SETTINGS
    assert _using(profile) == []


OWNER = """
import sys
from pathlib import Path
from jixiao.extract import convert_to_docx
path = Path(sys.argv[1])
convert_to_docx([path], Path(sys.argv[2]), timeout=600, kinds={{path: {kind!r}}})
"""


def _kill_owner_mid_conversion(tmp_path: Path, source: Path, kind: str) -> tuple[Path, bool]:
    """Start a process converting source, SIGKILL it once soffice runs; its profile, and whether soffice ran."""
    temp = tmp_path / "owner-tmp"
    temp.mkdir()
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER.format(kind=kind), str(source), str(tmp_path / "work")],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    try:
        assert _wait_for(lambda: list(temp.glob("jixiao-lo-profile-*")), 60)
        profile = next(temp.glob("jixiao-lo-profile-*"))
        running = _wait_for(lambda: pipe_path(profile).exists(), 60)
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait()
    return profile, running


def test_a_soffice_whose_owner_is_killed_is_ended_and_leaves_nothing(hanging_soffice, tmp_path):
    source = tmp_path / "a.doc"
    source.write_text(r"{\rtf1 x}")
    profile, running = _kill_owner_mid_conversion(tmp_path, source, "rtf")
    assert running
    assert _wait_for(lambda: not profile.exists() and not pipe_path(profile).exists() and not _using(profile), 20)


def _long_table_doc(folder: Path) -> Path:
    """An HTML page under a .doc name whose 20,000-row table keeps soffice converting for several seconds."""
    rows = "".join(f"<tr><td>{n}</td><td>{TEXT}</td><td>{n * 7}</td></tr>" for n in range(20000))
    source = folder / "long.doc"
    source.write_text(f"<html><body><table border=1>{rows}</table></body></html>", encoding="utf-8")
    return source


@needs_soffice
def test_the_real_soffice_killed_mid_conversion_leaves_nothing(tmp_path):
    source = _long_table_doc(tmp_path)
    profile, running = _kill_owner_mid_conversion(tmp_path, source, "html")
    assert running  # soffice had made its socket: it was killed while converting
    assert _wait_for(lambda: not profile.exists() and not pipe_path(profile).exists() and not _using(profile), 30)


@needs_soffice
def test_the_real_soffice_at_the_time_limit_leaves_no_socket(tmp_path):
    source = _long_table_doc(tmp_path)
    from jixiao.extract import convert

    profile = convert._profile_dir()
    seen = []
    watcher = threading.Thread(target=lambda: seen.append(_wait_for(lambda: pipe_path(profile).exists(), 30)))
    watcher.start()
    results = convert_to_docx([source], tmp_path / "work", timeout=6, kinds={source: "html"})
    watcher.join()
    assert isinstance(results[source], ReadError) and "within 6 s" in str(results[source])
    assert seen == [True]  # soffice ran, and was killed
    assert not pipe_path(profile).exists() and _using(profile) == []


@needs_soffice
def test_the_socket_is_where_libreoffice_makes_it(tmp_path):
    """pipe_path follows LibreOffice's own naming: the socket exists while soffice converts, and goes after."""
    from jixiao.extract import convert

    profile = convert._profile_dir()
    seen = []
    watcher = threading.Thread(target=lambda: seen.append(_wait_for(lambda: pipe_path(profile).exists(), 60)))
    watcher.start()
    results = convert_to_docx([SEED / "seed.doc"], tmp_path / "work", kinds={SEED / "seed.doc": "ole"})
    watcher.join()
    assert isinstance(results[SEED / "seed.doc"], Path)
    assert seen == [True] and not pipe_path(profile).exists()
