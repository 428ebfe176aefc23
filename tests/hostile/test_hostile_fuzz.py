"""Fuzzing with a fixed budget (issue 11.6 of the brief, 11 "Done when"): seeded mutations through the API.

≥ 2,000 mutated text exports (the seed's and the samples' .txt) and ≥ 500
mutated ``word/document.xml`` inside the seed's and the samples' .docx go through
``jixiao.extract_file``; each must give a report or a documented error
(``jixiao.JixiaoError``), within 10 s.  The seed is fixed, so a failure
names a case that reproduces.
"""

from __future__ import annotations

import io
import random
import time
import traceback
import zipfile

from lxml import etree

import jixiao
from tests.conftest import SAMPLES, SEED

CASE_SECONDS = 10
TEXT_CASES = 2000
DOCX_CASES = 500

# Bytes and tokens that mean something to the readers: cell and row breaks, TC codes, BOMs, bad UTF-8.
_TOKENS = [b"\t", b"\n", b"\n\n", b"\r", b" TC ", b"\\f ", b"\\l ", b'"', b"{", b"}", b"\xef\xbb\xbf", b"\xff\xfe",
           b"\xff", b"\xc3", b"\xe4\xb8", b"\x00", b"\x0c", "项目编码".encode(), "≥95%".encode(), b"9" * 400]  # fmt: skip
_ATTRIBUTE_VALUES = [
    "",
    "-1",
    "0",
    "x",
    "99999",
    "restart",
    "continue",
    "9" * 5000,
    "2600000000",
    "begin",
    "end",
    "separate",
]


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not out:
            out.extend(rng.choice(_TOKENS))
            continue
        where = rng.randrange(len(out))
        kind = rng.randrange(6)
        if kind == 0:
            out[where] = rng.randrange(256)
        elif kind == 1:
            out[where:where] = rng.choice(_TOKENS)
        elif kind == 2:
            del out[where : where + rng.randint(1, 2000)]
        elif kind == 3:  # a run repeated: long lines, many rows
            chunk = out[where : where + rng.randint(1, 200)]
            out[where:where] = chunk * rng.randint(2, 200)
        elif kind == 4:
            out[where:where] = rng.choice(_TOKENS) * rng.randint(2, 3000)
        else:
            del out[where:]
    return bytes(out)


def _mutate_xml(xml: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.3:
        return _mutate_bytes(xml, rng)  # mostly no longer well-formed: the parser's errors
    root = etree.fromstring(xml)
    elements = list(root.iter())[2:]
    for _ in range(rng.randint(1, 30)):
        victim = rng.choice(elements)
        parent = victim.getparent()
        if parent is None:
            continue
        kind = rng.randrange(4)
        if kind == 0:
            parent.remove(victim)
            elements.remove(victim)
        elif kind == 1:
            for _ in range(rng.randint(1, 50)):
                parent.insert(parent.index(victim), etree.fromstring(etree.tostring(victim)))
        elif kind == 2:
            for name in list(victim.attrib):
                victim.set(name, rng.choice(_ATTRIBUTE_VALUES))
        else:  # moved somewhere it does not belong
            target = rng.choice(elements)
            if victim not in target.iterancestors() and victim is not target:
                target.append(victim)
    return etree.tostring(root)


def _with_document(docx: bytes, document: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, document if info.filename == "word/document.xml" else source.read(info))
    return out.getvalue()


def _run(cases, name: str) -> tuple[list[str], float]:
    failures, slowest = [], 0.0
    for index, data in cases:
        started = time.monotonic()
        try:
            jixiao.extract_file(data, name=name)
        except jixiao.JixiaoError:
            pass
        except Exception as error:  # noqa: BLE001 - what the fuzzer is looking for
            failures.append(f"case {index}: {''.join(traceback.format_exception_only(error)).strip()}")
        seconds = time.monotonic() - started
        slowest = max(slowest, seconds)
        if seconds > CASE_SECONDS:
            failures.append(f"case {index}: {seconds:.1f} s")
    return failures, slowest


def test_mutated_text_exports_end_in_a_report_or_a_documented_error():
    corpus = [path.read_bytes() for path in [*sorted(SEED.glob("*.txt")), *sorted(SAMPLES.glob("*/*.txt"))]]
    rng = random.Random(20261203)
    cases = ((index, _mutate_bytes(rng.choice(corpus), rng)) for index in range(TEXT_CASES))
    failures, slowest = _run(cases, "fuzz.txt")
    assert not failures, failures[:10]
    assert slowest < CASE_SECONDS


def test_mutated_document_xml_ends_in_a_report_or_a_documented_error():
    """A third of the cases mutate the seed's Word XML (its real quirks), the rest the samples' smaller ones."""
    documents = []
    for path in [SEED / "seed.docx", *sorted(SAMPLES.glob("*/*.docx"))]:
        docx = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            xml = archive.read("word/document.xml")
        if path.parent == SEED or len(xml) < 150_000:
            documents.append((docx, xml))
    rng = random.Random(20261204)

    def case() -> bytes:
        docx, xml = documents[0] if rng.random() < 1 / 3 else rng.choice(documents[1:])
        return _with_document(docx, _mutate_xml(xml, rng))

    cases = ((index, case()) for index in range(DOCX_CASES))
    failures, slowest = _run(cases, "fuzz.docx")
    assert not failures, failures[:10]
    assert slowest < CASE_SECONDS
