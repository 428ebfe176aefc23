"""Generate realistic reports of every template family, with their expected canonical JSON.

The reports are described by hand, per family (``samples/<family>/``):

- ``hebei``: ``tools/sample_specs.py``, rendered by ``tools/sample_hebei.py``;
- ``national``, ``dept_overall``, ``mixed``, ``unknown``:
  ``tools/sample_specs_national.py``, ``tools/sample_specs_dept.py``,
  ``tools/sample_specs_other.py``, rendered by ``tools/sample_tables.py``.

For each report this writes:

- ``<name>.txt``   — the report as Word's plain-text export writes it (TAB
  cells, one blank line between rows, empty TAB lines for cells merged
  downward), in the spec's encoding (UTF-8, UTF-8 with BOM, GB18030, or
  UTF-16 LE with BOM and CRLF);
- ``<name>.docx``  — the same report built with python-docx (real vertical /
  horizontal merges, fixed core-properties timestamps and zip dates, so the
  bytes are reproducible);
- ``<name>.pdf``   — LibreOffice's rendering of that .docx (``soffice --headless
  --convert-to pdf``), and ``<name>.doc`` its Word 97–2003 save (``--convert-to
  "doc:MS Word 97"``); re-made only when the .docx changed or with --force-pdf,
  because LibreOffice's bytes (dates, ids) change on every run;
- ``<file>.expected.json`` next to each of them — the contract, derived from
  the SPEC by the rules of docs/layouts.md (never from a parser): only
  ``source.sha256`` / ``report.report_id`` depend on the written bytes, and for
  the PDF ``source.pages``, each indicator's ``source.page`` and each
  unrecognised table's ``page``, which are found with pdfplumber by locating
  the rows' text in the rendered PDF.

Regenerate (from the repository root)::

    .venv/bin/python tools/make_samples.py              # txt, docx, json; pdf if the docx changed
    .venv/bin/python tools/make_samples.py --force-pdf  # also re-render every PDF
    .venv/bin/python tools/make_samples.py --check      # exit 1 if samples/ is out of date

Rendering PDFs needs LibreOffice and a CJK font (the committed PDFs embed
WenQuanYi Micro Hei, Debian ``fonts-wqy-microhei``); ``--check`` needs neither.

``--check`` regenerates the txt files and every expected JSON into a temporary
directory and compares them with ``samples/``: txt bytes must be identical; the
expected JSON of a .docx / .pdf is recomputed from the committed .docx / .pdf
bytes (so it does not depend on the python-docx or LibreOffice version);
whether a rebuilt .docx is byte-identical is reported for information only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sample_hebei  # noqa: E402
import sample_tables  # noqa: E402
from sample_render import dump_json, encode_txt, render_with_libreoffice  # noqa: E402
from sample_specs import REPORTS as HEBEI_REPORTS  # noqa: E402
from sample_specs_dept import REPORTS as DEPT_REPORTS  # noqa: E402
from sample_specs_national import REPORTS as NATIONAL_REPORTS  # noqa: E402
from sample_specs_other import MIXED_REPORTS, UNKNOWN_REPORTS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@dataclass(frozen=True)
class Family:
    """A folder of samples/ and the module that renders its reports and derives their JSON."""

    name: str
    reports: list
    render: ModuleType  # render_txt(report), render_docx(report), expected_json(...), pdf_pages(report, path)


FAMILIES = [
    Family("hebei", HEBEI_REPORTS, sample_hebei),
    Family("national", NATIONAL_REPORTS, sample_tables),
    Family("dept_overall", DEPT_REPORTS, sample_tables),
    Family("mixed", MIXED_REPORTS, sample_tables),
    Family("unknown", UNKNOWN_REPORTS, sample_tables),
]


def build(out_dir: Path, *, with_docx: bool, with_pdf: bool, force_pdf: bool) -> list[str]:
    """Write every sample into out_dir/<family>; return problems found on the way."""
    problems: list[str] = []
    for family in FAMILIES:
        fam = out_dir / family.name
        fam.mkdir(parents=True, exist_ok=True)
        for report in family.reports:
            problems += _build_report(family, report, fam, with_docx=with_docx, with_pdf=with_pdf, force_pdf=force_pdf)
    return problems


def _build_report(family: Family, report, fam: Path, *, with_docx: bool, with_pdf: bool, force_pdf: bool) -> list[str]:
    problems: list[str] = []
    stem, render = report.name, family.render
    if "txt" in report.formats:
        data = encode_txt(render.render_txt(report), report.encoding, report.newline)
        (fam / f"{stem}.txt").write_bytes(data)
        doc = render.expected_json(report, f"{family.name}/{stem}.txt", "txt", data)
        (fam / f"{stem}.txt.expected.json").write_bytes(dump_json(doc))
    if "docx" not in report.formats or not with_docx:
        return problems
    docx_path = fam / f"{stem}.docx"
    old = docx_path.read_bytes() if docx_path.exists() else None
    data = render.render_docx(report)
    docx_path.write_bytes(data)
    doc = render.expected_json(report, f"{family.name}/{stem}.docx", "docx", data)
    (fam / f"{stem}.docx.expected.json").write_bytes(dump_json(doc))
    if not with_pdf:
        return problems
    if "pdf" in report.formats:
        pdf_path = fam / f"{stem}.pdf"
        if force_pdf or old != data or not pdf_path.exists():
            render_with_libreoffice(docx_path, pdf_path, "pdf")
        (fam / f"{stem}.pdf.expected.json").write_bytes(_pdf_json(family, report, pdf_path, problems))
    if "doc" in report.formats:
        doc_path = fam / f"{stem}.doc"
        if force_pdf or old != data or not doc_path.exists():
            render_with_libreoffice(docx_path, doc_path, "doc:MS Word 97")
        doc = render.expected_json(report, f"{family.name}/{stem}.doc", "doc", doc_path.read_bytes())
        (fam / f"{stem}.doc.expected.json").write_bytes(dump_json(doc))
    return problems


def _pdf_json(family: Family, report, pdf_path: Path, problems: list[str]) -> bytes:
    pages, page_of, found = family.render.pdf_pages(report, pdf_path)
    problems += found
    rel = f"{family.name}/{pdf_path.name}"
    return dump_json(family.render.expected_json(report, rel, "pdf", pdf_path.read_bytes(), pages, page_of))


def check() -> int:
    """Compare samples/ with a fresh generation; 0 if up to date."""
    stale: list[str] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        build(tmp_dir, with_docx=False, with_pdf=False, force_pdf=False)
        for family in FAMILIES:
            have, fresh = SAMPLES / family.name, tmp_dir / family.name
            for report in family.reports:
                stem = report.name
                for suffix in (".txt", ".txt.expected.json"):
                    if (
                        not (have / f"{stem}{suffix}").exists()
                        or (have / f"{stem}{suffix}").read_bytes() != (fresh / f"{stem}{suffix}").read_bytes()
                    ):
                        stale.append(f"{family.name}/{stem}{suffix}")
                docx_path = have / f"{stem}.docx"
                if "docx" in report.formats and _check_committed(family, report, docx_path, "docx", stale):
                    if family.render.render_docx(report) != docx_path.read_bytes():
                        notes.append(f"{family.name}/{stem}.docx: a rebuild here is not byte-identical (python-docx?)")
                pdf_path = have / f"{stem}.pdf"
                if "pdf" in report.formats:
                    if not pdf_path.exists():
                        stale.append(f"{family.name}/{stem}.pdf")
                    else:
                        want = _pdf_json(family, report, pdf_path, [])
                        _compare(pdf_path.with_name(pdf_path.name + ".expected.json"), want, stale)
                if "doc" in report.formats:
                    _check_committed(family, report, have / f"{stem}.doc", "doc", stale)
    for note in notes:
        print("note:", note)
    if stale:
        print("samples/ is out of date; run tools/make_samples.py:")
        for name in stale:
            print("  ", name)
        return 1
    print("samples/ is up to date")
    return 0


def _check_committed(family: Family, report, path: Path, fmt: str, stale: list[str]) -> bool:
    """A committed Word render: present, and its expected JSON as its bytes and the spec give it."""
    if not path.exists():
        stale.append(f"{family.name}/{path.name}")
        return False
    doc = family.render.expected_json(report, f"{family.name}/{path.name}", fmt, path.read_bytes())
    _compare(path.with_name(path.name + ".expected.json"), dump_json(doc), stale)
    return True


def _compare(path: Path, want: bytes, stale: list[str]) -> None:
    if not path.exists() or path.read_bytes() != want:
        stale.append(str(path.relative_to(SAMPLES)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="report whether samples/ is up to date (exit 1 if not)")
    ap.add_argument("--no-docx", action="store_true", help="write only the txt renders and their JSON")
    ap.add_argument("--no-pdf", action="store_true", help="do not render or refresh the PDFs and .docs")
    ap.add_argument(
        "--force-pdf", action="store_true", help="re-render every PDF and .doc even if its .docx is unchanged"
    )
    args = ap.parse_args(argv)
    if args.check:
        return check()
    problems = build(
        SAMPLES, with_docx=not args.no_docx, with_pdf=not (args.no_pdf or args.no_docx), force_pdf=args.force_pdf
    )
    for problem in problems:
        print("warning:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
