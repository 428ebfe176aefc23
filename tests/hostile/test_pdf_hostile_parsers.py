"""Hostile PDFs against the PDF reader (issue 11.1, 11.2): each read in its own process within its bounds.

Every case must end within `BOUND_SECONDS` with a document or a ReadError
that says why, peak RSS under `MAX_RSS_MB`, nothing on stderr (no
traceback), no temporary file left and the input's bytes unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import hostile_pdfs
import pytest

from tests.conftest import ROOT

BOUND_SECONDS = 20.0
MAX_RSS_MB = 1536

READ = """
import json, sys
from jixiao.extract import read_document
from tests.hostile.harness import peak_rss_mb
from jixiao.extract.model import ReadError
try:
    document = read_document(sys.argv[1])
except ReadError as error:
    outcome = {"error": str(error)}
else:
    outcome = {"text": [block.text for block in document.blocks], "notes": document.notes}
outcome["peak_mb"] = peak_rss_mb()
print(json.dumps(outcome))
"""


def read_in_child(path: Path, tmp_path: Path) -> dict:
    """read_document in a fresh interpreter: its outcome, seconds and peak RSS; asserts the common bounds."""
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", READ, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=os.environ | {"TMPDIR": str(scratch)},
    )
    try:
        out, err = child.communicate(timeout=BOUND_SECONDS * 3)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        pytest.fail(f"{path.name}: still reading after {BOUND_SECONDS * 3:g} s")
    seconds = time.monotonic() - started
    assert child.returncode == 0 and not err, err.decode(errors="replace")[-2000:]
    outcome = json.loads(out)
    assert seconds < BOUND_SECONDS, f"{path.name} took {seconds:.1f} s"
    assert outcome.pop("peak_mb") < MAX_RSS_MB, f"{path.name} peaked over {MAX_RSS_MB} MB"
    assert list(scratch.iterdir()) == []
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return outcome


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """A content stream that inflates to 2 GB, about 2 MB on disk, made at test time."""
    return hostile_pdfs.flate_bomb(tmp_path_factory.mktemp("bomb") / "bomb.pdf", 2 << 30)


def test_a_flate_bomb_is_refused_before_it_is_inflated(bomb, tmp_path):
    outcome = read_in_child(bomb, tmp_path)
    assert outcome["error"] == (
        "no page could be read: page 1 was not read: its streams inflate to more than 256 MB (a decompression bomb?)"
    )


@pytest.mark.parametrize(
    "build",
    [hostile_pdfs.self_reference, hostile_pdfs.colour_space_cycle, hostile_pdfs.huge_widths, hostile_pdfs.huge_bfrange],
    ids=["self-reference", "colour-space-cycle", "widths-2e9", "bfrange-2e9"],
)
def test_loops_and_huge_ranges_read_the_page_text(build, tmp_path):
    outcome = read_in_child(build(tmp_path / "hostile.pdf"), tmp_path)
    assert outcome["text"][0].startswith("Hello from a hostile page")
    assert outcome["notes"] == []


@pytest.mark.parametrize("one_path", [True, False], ids=["one-path", "one-object-each"])
def test_half_a_million_segments_are_refused_and_the_text_read(one_path, tmp_path):
    path = hostile_pdfs.many_segments(tmp_path / "segments.pdf", 500_000, one_path=one_path)
    outcome = read_in_child(path, tmp_path)
    assert outcome["text"] == ["Hello from a hostile page"]
    [(code, message)] = outcome["notes"]
    assert code == "pdf_page_too_many_lines"
    assert message.endswith("(more than 50000); its text read without tables") or "path points" in message
