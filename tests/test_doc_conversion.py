"""Everything archived as .doc (Word 97, RTF, HTML) goes through LibreOffice to the same content."""

from __future__ import annotations

import base64
import gzip
import os
import quopri
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from jixiao.extract import conversion_kind, convert_to_docx, read_document
from jixiao.extract.docx import read_docx
from jixiao.extract.model import ReadError

from jixiao import extract_file
from tests.conftest import SEED, assert_same_report
from tests.fixtures.word.compare import content_differences

FIXTURES = Path(__file__).parent / "fixtures" / "word"

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def archived(tmp_path_factory) -> dict[str, Path]:
    """The seed as Word 97, and as RTF and HTML under a .doc name."""
    folder = tmp_path_factory.mktemp("archived")
    files = {"word97": folder / "seed.doc"}
    shutil.copyfile(SEED / "seed.doc", files["word97"])
    for kind in ("rtf", "html"):
        files[kind] = folder / f"seed_{kind}.doc"
        files[kind].write_bytes(gzip.decompress((FIXTURES / f"seed_{kind}.doc.gz").read_bytes()))
    return files


@pytest.mark.parametrize(("kind", "sniffed"), [("word97", "ole"), ("rtf", "rtf"), ("html", "html")])
def test_archived_as_doc_says_what_the_text_export_says(archived, seed_txt_document, kind, sniffed):
    assert conversion_kind(archived[kind]) == sniffed
    document = read_document(archived[kind])
    assert document.format == "doc"
    # LibreOffice's RTF and HTML exports (which made these fixtures) write no TC fields, so those
    # headings have no entry: they stay headings by their _Toc bookmarks
    assert content_differences(document, seed_txt_document, tc="text" if kind == "word97" else "none") == []


def _mht(html: bytes, encoding: str, charset: str) -> bytes:
    """A web archive as Word writes one ("single file web page"), its HTML part in ``encoding``."""
    body = quopri.encodestring(html) if encoding == "quoted-printable" else base64.encodebytes(html)
    return (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01D5"\r\n\r\n'
        b"This document is a Single File Web Page, also known as a Web Archive file.\r\n\r\n"
        b"------=_NextPart_01D5\r\nContent-Location: file:///C:/report.htm\r\n"
        + f'Content-Transfer-Encoding: {encoding}\r\nContent-Type: text/html; charset="{charset}"\r\n\r\n'.encode()
        + body
        + b"\r\n------=_NextPart_01D5--\r\n"
    )


def test_mht_web_archive_named_doc_says_what_the_text_export_says(archived, seed_txt_document, tmp_path):
    path = tmp_path / "seed_mht.doc"
    path.write_bytes(_mht(archived["html"].read_bytes(), "quoted-printable", "utf-8"))
    document = read_document(path)
    assert document.format == "doc"
    assert content_differences(document, seed_txt_document, tc="none") == []


def test_mht_charset_only_in_its_mime_header_and_html_merges(tmp_path):
    html = (
        "<html><body><p>临西县机关事务管理局</p><table border=1>"
        "<tr><td rowspan=2>产出指标</td><td>数量指标</td></tr><tr><td>质量指标</td></tr>"
        "<tr><td colspan=2>满意度指标</td></tr></table></body></html>"
    ).encode("gb18030")
    path = tmp_path / "report.doc"
    path.write_bytes(_mht(html, "base64", "gb2312"))
    document = read_document(path)
    assert [b.text for b in document.blocks if not hasattr(b, "cells")] == ["临西县机关事务管理局"]
    (table,) = document.tables
    assert [[c.text for c in row] for row in table.rows()] == [
        ["产出指标", "数量指标"],
        ["产出指标", "质量指标"],
        ["满意度指标"],
    ]


@pytest.mark.parametrize("kind", ["word97", "rtf", "html"])
def test_archived_as_doc_gives_the_seed_truth(archived, seed_truth, kind):
    report = extract_file(archived[kind]).to_dict()
    assert report["source"]["format"] == "doc"
    assert_same_report(report, seed_truth, ignore_source=True)


def test_one_soffice_start_converts_a_group_with_clashing_names(archived, tmp_path):
    """Two inputs named seed.doc in different folders must not overwrite each other's .docx."""
    other = tmp_path / "other"
    other.mkdir()
    twin = other / "seed.doc"
    shutil.copyfile(archived["rtf"], twin)
    inputs = [archived["word97"], twin, archived["html"]]
    kinds = {path: conversion_kind(path) for path in inputs}
    results = convert_to_docx(inputs, tmp_path / "work", kinds=kinds)
    assert set(results) == set(inputs)
    assert len({results[path] for path in inputs}) == 3
    for path in inputs:
        assert results[path].parent == tmp_path / "work" / "out"
        assert read_docx(results[path]).tables
    assert read_document(twin, converted=results[twin]).format == "doc"


def test_a_file_libreoffice_cannot_convert_is_an_error_for_that_file_only(archived, tmp_path):
    broken = tmp_path / "broken.doc"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    results = convert_to_docx([broken, archived["rtf"]], tmp_path / "work", kinds={archived["rtf"]: "rtf"})
    assert isinstance(results[broken], ReadError)
    assert isinstance(results[archived["rtf"]], Path)


def test_conversion_writes_nothing_beside_the_input_and_removes_its_temp_dir(archived, tmp_path, monkeypatch):
    # A private temp root: other processes writing to the shared /tmp cannot disturb the count.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = archived["rtf"].parent
    before = sorted(os.listdir(folder))
    read_document(archived["rtf"])
    assert sorted(os.listdir(folder)) == before
    assert [name for name in os.listdir(tmp_path) if name.startswith("jixiao-convert-")] == []


def test_missing_libreoffice_says_what_to_install(archived, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ReadError, match="apt-get install libreoffice-writer-nogui"):
        read_document(archived["word97"])


def test_timeout_kills_the_whole_soffice_process_group(tmp_path, monkeypatch):
    """A hung soffice (and the child it started) is killed at the time limit."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    child_pid = tmp_path / "child.pid"
    (fake_bin / "soffice").write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {child_pid}\nwait\n")
    (fake_bin / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_bin}{os.pathsep}{os.environ['PATH']}")
    source = tmp_path / "a.doc"
    shutil.copyfile(SEED / "seed.doc", source)
    started = time.monotonic()
    result = convert_to_docx([source], tmp_path / "work", timeout=1)[source]
    assert time.monotonic() - started < 5
    assert isinstance(result, ReadError) and "did not finish" in str(result)
    pid = int(child_pid.read_text())
    deadline = time.monotonic() + 2
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def test_a_file_soffice_hangs_on_costs_only_itself(tmp_path, monkeypatch):
    """soffice converts in order: the file it hung on fails, the ones after it get a new start."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "soffice").write_text(
        "#!/bin/sh\n"
        'out=""; previous=""\n'
        'for arg in "$@"; do [ "$previous" = "--outdir" ] && out="$arg"; previous="$arg"; done\n'
        'for arg in "$@"; do case "$arg" in *.doc)\n'
        '  grep -q HANG "$arg" && sleep 300\n'
        '  name=$(basename "$arg"); cp ' + str(SEED / "seed.docx") + ' "$out/${name%.doc}.docx";;\n'
        "esac; done\n"
    )
    (fake_bin / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_bin}{os.pathsep}{os.environ['PATH']}")
    inputs = [tmp_path / name for name in ("a.doc", "b.doc", "c.doc")]
    for path in inputs:
        path.write_text("HANG" if path.name == "b.doc" else "fine")
    started = time.monotonic()
    results = convert_to_docx(inputs, tmp_path / "work", timeout=1)
    assert time.monotonic() - started < 6
    assert isinstance(results[inputs[0]], Path) and isinstance(results[inputs[2]], Path)
    assert isinstance(results[inputs[1]], ReadError) and "did not finish" in str(results[inputs[1]])


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_worker_processes_remove_their_libreoffice_profiles(tmp_path):
    """Each pool worker converts with a profile of its own and removes it when the pool ends."""
    import subprocess
    import sys

    script = (
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from jixiao.extract import read_document\n"
        "def work(path):\n"
        "    return len(read_document(path).tables)\n"
        "if __name__ == '__main__':\n"
        "    with ProcessPoolExecutor(2) as pool:\n"
        f"        print(list(pool.map(work, [{str(SEED / 'seed.doc')!r}] * 4)))\n"
    )
    environment = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[8, 8, 8, 8]"
    assert [name for name in os.listdir(tmp_path) if name.startswith("jixiao-")] == []


WORD_2003_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}
<?mso-application progid="Word.Document"?>
<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body>
<w:p><w:r><w:t>临西县机关事务管理局</w:t></w:r></w:p>
<w:tbl><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>
<w:tr><w:tc><w:tcPr><w:vmerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>产出指标</w:t></w:r></w:p></w:tc>
<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>数量指标</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vmerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>质量</w:t></w:r></w:p></w:tc>
<w:tc><w:p><w:r><w:t>≥95%</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl><w:p/></w:body></w:wordDocument>"""


def test_word_2003_xml_named_doc_reads_like_a_text_export(tmp_path):
    """LibreOffice's Word 2003 XML import drops vmerge: the merged-down cell arrives empty, as in a text export."""
    path = tmp_path / "report.doc"
    path.write_text(WORD_2003_XML.format(doctype=""), encoding="utf-8")
    assert conversion_kind(path) == "wordml"
    document = read_document(path)
    assert document.format == "doc"
    assert [[c.text for c in row] for row in document.tables[0].rows()] == [
        ["产出指标", "数量指标"],
        ["", "质量", "≥95%"],
    ]


def test_word_2003_xml_with_a_doctype_is_refused_before_libreoffice_sees_it(tmp_path):
    path = tmp_path / "report.doc"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    path.write_text(
        WORD_2003_XML.format(doctype=f'<!DOCTYPE w [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'), encoding="utf-8"
    )
    with pytest.raises(ReadError, match="DOCTYPE"):
        read_document(path)


def test_word_html_in_gb2312_named_doc_keeps_its_merges(tmp_path):
    """Word's "save as web page": GB2312 declared in a meta tag, MsoNormal paragraphs, rowspan and colspan."""
    html = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">'
        '<head><meta http-equiv=Content-Type content="text/html; charset=gb2312"></head><body lang=ZH-CN>'
        "<p class=MsoNormal>一、总体绩效目标</p>"
        "<table class=MsoNormalTable border=1><tr><td rowspan=2><p class=MsoNormal>产出指标</p></td>"
        "<td><p class=MsoNormal>数量指标</p></td><td><p class=MsoNormal><span lang=EN-US>≥95%</span></p></td></tr>"
        "<tr><td colspan=2><p class=MsoNormal>质量指标<br>合格率</p></td></tr></table></body></html>"
    ).encode("gb18030")
    path = tmp_path / "report.doc"
    path.write_bytes(html)
    document = read_document(path)
    assert [b.text for b in document.blocks if not hasattr(b, "cells")] == ["一、总体绩效目标"]
    assert [[c.text for c in row] for row in document.tables[0].rows()] == [
        ["产出指标", "数量指标", "≥95%"],
        ["产出指标", "质量指标\n合格率"],
    ]
