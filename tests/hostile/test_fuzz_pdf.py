"""PDF fuzzing with a fixed budget (issue 11, "Done when"): ≥ 200 mutated PDFs through `jixiao.extract_file`.

Mutations aim at what PDF parsers trip on: object numbers and references,
stream lengths and filters, xref offsets, truncation, repeated and dropped
runs, and random bytes.  Each case must give a report or a documented error
(`jixiao.JixiaoError`) within CASE_SECONDS.  The seed is fixed, so a failing
case number reproduces.
"""

from __future__ import annotations

import random
import time
import traceback

import jixiao.extract.pdf
import pypdfium2

import jixiao
from tests.conftest import SAMPLES

CASES = 200
CASE_SECONDS = 10
# Tokens PDF syntax gives meaning to: a mutation that lands one makes a structurally odd, not just noisy, file.
_TOKENS = [b" 0 R", b" 1 0 R", b"obj", b"endobj", b"stream\n", b"endstream", b"/Length 999999999", b"/Length -1",
           b"/FlateDecode", b"/Filter /LZWDecode", b"<<", b">>", b"[", b"]", b"/Type /Pages", b"/Kids [3 0 R 3 0 R]",
           b"/Count 2000000000", b"xref", b"trailer", b"startxref\n0", b"%%EOF", b"/Rotate 45", b"/MediaBox [0 0 0 0]",
           b"/Font", b"/Widths [", b"(", b")", b"\\", b"9" * 300, b"\x00", b"\xff"]  # fmt: skip


def _mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        where = rng.randrange(len(out)) if out else 0
        kind = rng.randrange(6)
        if kind == 0:
            for _ in range(rng.randint(1, 16)):
                out[rng.randrange(len(out))] = rng.randrange(256)
        elif kind == 1:
            out[where:where] = rng.choice(_TOKENS)
        elif kind == 2:
            del out[where : where + rng.randint(1, 4000)]
        elif kind == 3:
            out[where:where] = out[where : where + rng.randint(1, 4000)] * rng.randint(2, 20)
        elif kind == 4:
            del out[rng.randint(len(out) // 4, len(out)) :]  # truncated, as a download cut short
        else:
            digits = [i for i in range(max(0, where - 200), min(len(out), where + 200)) if 48 <= out[i] <= 57]
            for i in digits[: rng.randint(1, 10)]:  # object numbers, lengths, offsets changed
                out[i] = rng.randrange(48, 58)
    return bytes(out)


def _no_ocr(source, dpi):
    raise jixiao.ReadError("OCR is not run while fuzzing the PDF parsers")


def test_mutated_pdfs_give_a_report_or_a_documented_error_quickly(monkeypatch):
    # A mutation that empties a page's text layer makes it a scan, and OCR (3-10 s a page, tested in
    # tests/test_ocr.py) would spend the budget: here such a page fails at once, as OCR would on noise.
    monkeypatch.setattr(jixiao.extract.pdf, "_ocr", _no_ocr)
    # The short samples (2-4 pages; a damaged page may be read twice, by pdfium then pdfminer): the budget
    # buys more cases; every layout and both table styles are among them.
    sources = [path.read_bytes() for path in sorted(SAMPLES.glob("*/*.pdf")) if len(pypdfium2.PdfDocument(path)) <= 4]
    assert len(sources) >= 6
    rng = random.Random(20261203)
    problems, reports = [], 0
    for case in range(CASES):
        data = _mutate(rng.choice(sources), rng)
        started = time.perf_counter()
        try:
            jixiao.extract_file(data, name=f"case{case}.pdf", timeout=CASE_SECONDS)
            reports += 1
        except jixiao.JixiaoError:
            pass
        except Exception:  # noqa: BLE001 — the finding: an undocumented error type escaped
            problems.append(f"case {case}: {traceback.format_exc(limit=-3)}")
        seconds = time.perf_counter() - started
        if seconds > CASE_SECONDS + 2:
            problems.append(f"case {case}: {seconds:.1f} s")
    assert problems == []
    assert 0 < reports < CASES  # the mutations both spare some files and break others
