"""Generate realistic reports of the hebei family, with their expected canonical JSON.

The reports are described by hand in ``tools/sample_specs.py``; for each one
this writes, under ``samples/hebei/``:

- ``<name>.txt``   — the report as Word's plain-text export writes it (mimics the
  seed ``000_2a14905d4782611b.txt`` line for line: TAB cells, one blank line
  between rows, empty TAB lines for cells merged downward, TC field codes after
  headings, a trailing page number), in the spec's encoding (UTF-8, GB18030, or
  UTF-16 LE with BOM and CRLF);
- ``<name>.docx``  — the same report built with python-docx (real vertical /
  horizontal merges, TC entries as hidden complex fields, fixed core-properties
  timestamps and zip dates, so the bytes are reproducible);
- ``<name>.pdf``   — LibreOffice's rendering of that .docx (``soffice --headless
  --convert-to pdf``), and ``<name>.doc`` its Word 97–2003 save (``--convert-to
  "doc:MS Word 97"``); re-made only when the .docx changed or with --force-pdf,
  because LibreOffice's bytes (dates, ids) change on every run;
- ``<file>.expected.json`` next to each of them — contract v1, derived from the
  SPEC (never from a parser): only ``source.sha256`` / ``report.report_id``
  depend on the written bytes, and for the PDF ``source.pages`` and each
  indicator's ``source.page``, which are found with pdfplumber by locating each
  indicator row's description text in the rendered PDF.

Regenerate (from the repository root)::

    .venv/bin/python tools/make_samples.py              # txt, docx, json; pdf if the docx changed
    .venv/bin/python tools/make_samples.py --force-pdf  # also re-render every PDF
    .venv/bin/python tools/make_samples.py --check      # exit 1 if samples/ is out of date

``--check`` regenerates the txt files and every expected JSON into a temporary
directory and compares them with ``samples/``: txt bytes must be identical; the
expected JSON of a .docx / .pdf is recomputed from the committed .docx / .pdf
bytes (so it does not depend on the python-docx or LibreOffice version);
whether a rebuilt .docx is byte-identical is reported for information only.

Warnings in the expected JSON: ``suspicious_operator`` messages follow the
seed's truth file exactly; the messages of ``budget_mismatch``,
``spending_plan_not_rising`` and ``spending_plan_not_100`` are this generator's
own wording — tests should compare only their ``code`` and ``where``.
Warnings are listed per project in this order: budget_mismatch,
spending_plan_not_rising, spending_plan_not_100, then suspicious_operator per
indicator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))

from contract import complete  # noqa: E402
from sample_specs import PERIOD_MONTH, REPORTS, VALUES, Indicator, Project, Report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FAMILY = "hebei"

CN_NUM = "零一二三四五六七八九十"


def cn(n: int) -> str:
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + CN_NUM[n - 10]
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


def norm(text: str) -> str:
    """Text-field normal form: trimmed, runs of white space folded to one space."""
    return " ".join(text.split())


# ---------------------------------------------------------------------------
# Layout shared by txt and docx
# ---------------------------------------------------------------------------

# separators between goals that run on in one line (as in the seed: big runs of
# spaces, sometimes none at all)
_RUN_ON = [" " * 28, " " * 6, "", " " * 32]


def goal_prefix(style: str, n: int) -> str:
    if style == "arabic":
        return f"目标{n}："
    if style == "cn":
        return f"目标{cn(n)}："
    if style == "paren":
        return f"（{cn(n)}）"
    if style == "dun":
        return f"{n}、"
    raise ValueError(style)


def goal_lines(report: Report, goals: list[str], layout: list[int], style: str, indent_after_first: bool) -> list[str]:
    assert sum(layout) == len(goals), (layout, len(goals))
    lines = []
    k = 0
    for li, size in enumerate(layout):
        parts = [goal_prefix(style, k + j + 1) + goals[k + j] for j in range(size)]
        line = ""
        for j, part in enumerate(parts):
            if j:
                line += _RUN_ON[(li + j + len(report.name)) % len(_RUN_ON)]
            line += part
        if indent_after_first and li:
            line = "    " + line
        lines.append(line)
        k += size
    lines[-1] += "  "
    return lines


def measure_title(report: Report, n: int, title: str) -> str:
    return (f"（{cn(n)}）" if report.measure_num == "paren" else f"{cn(n)}、") + title


def measure_style(i: int, last: bool) -> str:
    if last:
        return "blank"
    return ["blank", "blank", "indent", "indent_tight"][i % 4]


def dept_heading(n: int, title: str) -> str:
    return f"{cn(n)}、{title} TC {title} \\f A \\l 1 "


def project_heading(n: int, name: str) -> tuple[str, str]:
    visible = f"{n}、{name}绩效目标表"
    return visible, f"{visible} TC {visible} \\f C \\l 1 "


HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]


def indicator_cells(project: Project, merge_level2: bool) -> list[tuple[list[str], bool, bool]]:
    """Per indicator row: (6 cell texts with merged ones empty, level1 continued, level2 continued)."""
    rows = []
    prev: Indicator | None = None
    for item in project.indicators:
        l1_cont = prev is not None and prev.level1 == item.level1
        l2_cont = merge_level2 and l1_cont and prev is not None and prev.level2 == item.level2
        cells = [
            "" if l1_cont else item.level1,
            "" if l2_cont else item.level2,
            item.level3,
            item.description,
            item.value_raw,
            item.basis,
        ]
        rows.append((cells, l1_cont, l2_cont))
        prev = item
    return rows


# ---------------------------------------------------------------------------
# Word text export
# ---------------------------------------------------------------------------


def render_txt(report: Report) -> str:
    out: list[str] = [" 第一部分", "部门整体绩效目标", dept_heading(1, "总体绩效目标"), report.intro, ""]
    for line in goal_lines(report, report.overall_goals, report.overall_layout, report.goal_style, False):
        out += [line, ""]
    out.append(dept_heading(2, "分项绩效目标"))
    for line in goal_lines(report, report.sub_goals, report.sub_layout, "dun", True):
        out += [line, ""]
    out.append(dept_heading(3, "工作保障措施"))
    for i, (title, text) in enumerate(report.measures):
        last = i == len(report.measures) - 1
        style = measure_style(i, last)
        if i == 0 and report.name.startswith("jiaoyu"):
            text = text + "\u00a0 "  # as the seed: a no-break space and a space end the paragraph
        out.append(measure_title(report, i + 1, title))
        if style == "blank":
            out += ["", text, ""]
        elif style == "indent":
            out += ["    " + text, ""]
        else:  # indent_tight: the next title follows without a blank line
            out += ["    " + text]
    out += ["", "第二部分", "预算项目绩效目标"]

    def row(cells: list[str]) -> None:
        for cell in cells:
            paras = cell.split("\n")
            out.append("\t" + paras[0])
            out.extend(paras[1:])
        out.append("")

    for pi, p in enumerate(report.projects):
        _, heading = project_heading(pi + 1, p.name)
        out.append(heading)
        row([report.dept_code + report.dept_name, "单位：万元"])
        row(["项目编码", p.code, "项目名称", p.name])
        row(
            [
                "预算规模及资金用途",
                "预算数",
                p.total.printed,
                "其中：财政资金",
                p.fiscal.printed,
                "其他资金",
                p.other.printed,
            ]
        )
        row(["", p.purpose])
        row(["资金支出计划（%）", *p.periods])
        row(["", *p.pcts])
        row(["绩效目标", "\n".join(f"{i + 1}、{g}" for i, g in enumerate(p.goals))])
        out.append("")
        row(HEADER)
        for cells, _, _ in indicator_cells(p, report.merge_level2):
            row(cells)
        out.append("")
    out += ["1", ""]
    return "\n".join(out) + "\n"


def encode_txt(report: Report, text: str) -> bytes:
    text = text.replace("\n", report.newline)
    if report.encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(report.encoding)


# ---------------------------------------------------------------------------
# Expected canonical JSON (from the spec)
# ---------------------------------------------------------------------------


def _num(printed_value: float | None) -> float | None:
    return None if printed_value is None else float(printed_value)


def warnings_for(report: Report) -> list[dict]:
    warnings = []
    for pi, p in enumerate(report.projects):
        total, fiscal, other = p.total.value, p.fiscal.value, p.other.value
        if total is not None and fiscal is not None and round(fiscal + (other or 0.0) - total, 6) != 0:
            warnings.append(
                {
                    "code": "budget_mismatch",
                    "message": f"项目“{p.name}”的财政资金（{p.fiscal.printed}）与其他资金（{p.other.printed or '空'}）之和不等于预算数（{p.total.printed}）。",
                    "where": f"projects[{pi}]",
                }
            )
        pcts = [float(x) for x in p.pcts]
        if any(b < a for a, b in zip(pcts, pcts[1:], strict=False)):
            warnings.append(
                {
                    "code": "spending_plan_not_rising",
                    "message": f"项目“{p.name}”的资金支出计划累计比例出现下降：{'、'.join(p.pcts)}。",
                    "where": f"projects[{pi}].spending_plan",
                }
            )
        if pcts and pcts[-1] != 100.0:
            warnings.append(
                {
                    "code": "spending_plan_not_100",
                    "message": f"项目“{p.name}”的资金支出计划最后一期为{p.pcts[-1]}%，未达到100%。",
                    "where": f"projects[{pi}].spending_plan",
                }
            )
        for j, item in enumerate(p.indicators):
            op, _, _, printed = VALUES[item.value_raw]
            kind = item.level1 in ("效果指标", "满意度指标") or "满意度" in item.level2 or "满意度" in item.level3
            if kind and op in ("<", "<="):
                warnings.append(
                    {
                        "code": "suspicious_operator",
                        "message": f"{item.level1}“{item.level3}”的指标值为“{item.value_raw}”：“{printed}”与此类指标应达到的方向相反，按原文保留。",
                        "where": f"projects[{pi}].indicators[{j}]",
                    }
                )
    return warnings


def expected_json(
    report: Report,
    rel_path: str,
    fmt: str,
    data: bytes,
    pages: int | None = None,
    page_of: dict[tuple[int, int], int | None] | None = None,
) -> dict:
    sha = hashlib.sha256(data).hexdigest()
    goals = [{"section": "总体绩效目标", "seq": i + 1, "text": norm(g)} for i, g in enumerate(report.overall_goals)]
    goals += [{"section": "分项绩效目标", "seq": i + 1, "text": norm(g)} for i, g in enumerate(report.sub_goals)]
    projects = []
    for pi, p in enumerate(report.projects):
        indicators = []
        for j, item in enumerate(p.indicators):
            op, value, unit, _ = VALUES[item.value_raw]
            indicators.append(
                {
                    "seq": j + 1,
                    "level1": item.level1,
                    "level2": item.level2,
                    "level3": norm(item.level3),
                    "description": norm(item.description),
                    "value_raw": item.value_raw.strip(),
                    "operator": op,
                    "value": value,
                    "unit": unit,
                    "basis": norm(item.basis),
                    "source": {"page": (page_of or {}).get((pi, j)), "table": pi + 1, "row": 9 + j},
                }
            )
        projects.append(
            {
                "seq": pi + 1,
                "code": p.code,
                "name": norm(p.name),
                "department": None,
                "implementing_unit": None,
                "amount_unit": "万元",
                "budget_total": _num(p.total.value),
                "budget_fiscal": _num(p.fiscal.value),
                "budget_other": _num(p.other.value),
                "purpose": norm(p.purpose),
                "spending_plan": [
                    {"period": period, "month": PERIOD_MONTH[period], "cumulative_pct": float(pct)}
                    for period, pct in zip(p.periods, p.pcts, strict=True)
                ],
                "goals": [{"seq": i + 1, "text": norm(g)} for i, g in enumerate(p.goals)],
                "indicators": indicators,
            }
        )
    return complete(
        {
            "schema_version": "1",
            "source": {"path": rel_path, "format": fmt, "sha256": sha, "pages": pages},
            "report": {
                "report_id": sha[:16],
                "department_code": report.dept_code,
                "department_name": report.dept_name,
                "fiscal_year": report.year,
                "layout": FAMILY,
                "amount_unit": None,
                "budget_total": None,
                "budget_fiscal": None,
                "budget_other": None,
            },
            "department_goals": goals,
            "measures": [{"seq": i + 1, "title": norm(t), "text": norm(x)} for i, (t, x) in enumerate(report.measures)],
            "department_indicators": [],
            "tasks": [],
            "projects": projects,
            "warnings": warnings_for(report),
        }
    )


def dump_json(doc: dict) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------
# .docx
# ---------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
GRID_FIRST = 1106
GRID_COL = 600  # 12 data columns
FIXED_TIME = dt.datetime(2020, 1, 10, 9, 0, 0)  # only the time of day; the year is the report's
FONT = "宋体"


def _rpr(bold: bool = False, size: int = 18, hidden: bool = False, font: str = FONT) -> str:
    return (
        f'<w:rPr><w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}"/>'
        + ("<w:b/><w:bCs/>" if bold else "")
        + ("<w:vanish/>" if hidden else "")
        + f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    )


def _cell_xml(paras: list[str], width: int, span: int, vmerge: str | None, bold: bool, align: str) -> str:
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        tcpr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        tcpr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        tcpr += "<w:vMerge/>"
    tcpr += '<w:vAlign w:val="center"/>'
    body = ""
    for text in paras:
        run = f'<w:r>{_rpr(bold)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
        body += f'<w:p><w:pPr><w:jc w:val="{align}"/>{_rpr(bold)}</w:pPr>{run}</w:p>'
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{body}</w:tc>"


def table_xml(report: Report, p: Project) -> str:
    """One project table on a 13-column grid (1 label column + 12 data columns)."""
    rows: list[list[tuple[list[str], int, str | None, bool, str]]] = []
    C = "center"
    rows.append(
        [([report.dept_code + report.dept_name], 8, None, False, "left"), (["单位：万元"], 5, None, False, "right")]
    )
    rows.append(
        [
            (["项目编码"], 1, None, True, C),
            ([p.code], 4, None, False, C),
            (["项目名称"], 2, None, True, C),
            ([p.name], 6, None, False, C),
        ]
    )
    rows.append(
        [
            (["预算规模及资金用途"], 1, "restart", True, C),
            (["预算数"], 2, None, False, C),
            ([p.total.printed], 2, None, False, C),
            (["其中：财政资金"], 2, None, False, C),
            ([p.fiscal.printed], 2, None, False, C),
            (["其他资金"], 2, None, False, C),
            ([p.other.printed], 2, None, False, C),
        ]
    )
    rows.append([([""], 1, "continue", True, C), ([p.purpose], 12, None, False, "both")])
    n = len(p.periods)
    assert 12 % n == 0, p.periods
    rows.append([(["资金支出计划（%）"], 1, "restart", True, C)] + [([x], 12 // n, None, False, C) for x in p.periods])
    rows.append([([""], 1, "continue", True, C)] + [([x], 12 // n, None, False, C) for x in p.pcts])
    rows.append(
        [(["绩效目标"], 1, None, True, C), ([f"{i + 1}、{g}" for i, g in enumerate(p.goals)], 12, None, False, "left")]
    )
    spans = [1, 2, 2, 3, 2, 3]
    rows.append([([h], s, None, True, C) for h, s in zip(HEADER, spans, strict=True)])
    cells = indicator_cells(p, report.merge_level2)
    for k, (texts, l1_cont, l2_cont) in enumerate(cells):
        nxt = cells[k + 1] if k + 1 < len(cells) else None
        l1 = "continue" if l1_cont else ("restart" if nxt and nxt[1] else None)
        l2 = "continue" if l2_cont else ("restart" if nxt and nxt[2] else None)
        merges = [l1, l2, None, None, None, None]
        aligns = [C, C, C, "left", C, "left"]
        rows.append([([t], s, m, False, a) for t, s, m, a in zip(texts, spans, merges, aligns, strict=True)])
    grid = f'<w:gridCol w:w="{GRID_FIRST}"/>' + f'<w:gridCol w:w="{GRID_COL}"/>' * 12
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    borders = "".join(border.format(b) for b in ("top", "left", "bottom", "right", "insideH", "insideV"))
    xml = (
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblW w:w="{GRID_FIRST + 12 * GRID_COL}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    )
    for r in rows:
        xml += '<w:tr><w:trPr><w:cantSplit/><w:jc w:val="center"/></w:trPr>'
        col = 0
        for paras, span, vm, bold, align in r:
            width = sum(GRID_FIRST if c == 0 else GRID_COL for c in range(col, col + span))
            xml += _cell_xml(paras, width, span, vm, bold, align)
            col += span
        assert col == 13, (p.name, col)
        xml += "</w:tr>"
    return xml + "</w:tbl>"


def render_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    body = doc.element.body
    sect = body[-1]

    def para(
        text: str,
        *,
        bold: bool = False,
        size: int = 24,
        align: str | None = None,
        tc: str | None = None,
        font: str = FONT,
    ) -> None:
        runs = f'<w:r>{_rpr(bold, size, font=font)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
        if tc is not None:
            h = _rpr(bold, size, hidden=True, font=font)
            runs += (
                f'<w:r>{h}<w:fldChar w:fldCharType="begin"/></w:r>'
                f'<w:r>{h}<w:instrText xml:space="preserve"> TC "{escape(tc)}" </w:instrText></w:r>'
                f'<w:r>{h}<w:instrText xml:space="preserve">\\f {"C" if tc[0].isdigit() else "A"} \\l 1 </w:instrText></w:r>'
                f'<w:r>{h}<w:fldChar w:fldCharType="end"/></w:r>'
            )
        ppr = f'<w:pPr><w:spacing w:line="360" w:lineRule="auto"/>{f"<w:jc w:val={chr(34)}{align}{chr(34)}/>" if align else ""}</w:pPr>'
        sect.addprevious(parse_xml(f'<w:p xmlns:w="{W_NS}">{ppr}{runs}</w:p>'))

    para("第一部分", bold=True, size=32, align="center", font="黑体")
    para("部门整体绩效目标", bold=True, size=32, align="center", font="黑体")
    para("一、总体绩效目标", bold=True, size=28, tc="总体绩效目标", font="黑体")
    para(report.intro)
    for line in goal_lines(report, report.overall_goals, report.overall_layout, report.goal_style, False):
        para(line.rstrip())
    para("二、分项绩效目标", bold=True, size=28, tc="分项绩效目标", font="黑体")
    for line in goal_lines(report, report.sub_goals, report.sub_layout, "dun", True):
        para(line.rstrip())
    para("三、工作保障措施", bold=True, size=28, tc="工作保障措施", font="黑体")
    for i, (title, text) in enumerate(report.measures):
        para(measure_title(report, i + 1, title), bold=True)
        para(text)
    para("")
    para("第二部分", bold=True, size=32, align="center", font="黑体")
    para("预算项目绩效目标", bold=True, size=32, align="center", font="黑体")
    for pi, p in enumerate(report.projects):
        visible, _ = project_heading(pi + 1, p.name)
        para(visible, bold=True, size=28, tc=visible, font="黑体")
        sect.addprevious(parse_xml(table_xml(report, p)))
        para("")

    # footer: centred PAGE field
    footer = doc.sections[0].footer
    fp = footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp._p.append(parse_xml(f'<w:fldSimple xmlns:w="{W_NS}" w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))

    cp = doc.core_properties
    cp.author = "Administrator"
    cp.last_modified_by = "Administrator"
    cp.title = f"{report.dept_name}{report.year}年部门预算绩效目标"
    stamp = FIXED_TIME.replace(year=report.year - 1, month=12, day=20)  # written before the fiscal year
    cp.created = stamp
    cp.modified = stamp
    cp.last_printed = stamp
    cp.revision = 1
    cp.comments = ""

    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry dates so that the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------
# .pdf
# ---------------------------------------------------------------------------


def render_with_libreoffice(docx_path: Path, target: Path, convert_to: str) -> None:
    """Save the .docx through LibreOffice as target (`pdf`, or `doc:MS Word 97`)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("soffice (LibreOffice) is needed to render the PDF and .doc samples")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                convert_to,
                "--outdir",
                tmp,
                str(docx_path),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
        )
        shutil.move(str(Path(tmp) / (docx_path.stem + target.suffix)), target)


def pdf_pages(report: Report, pdf_path: Path) -> tuple[int, dict[tuple[int, int], int | None], list[str]]:
    """Page count, and the 1-based page each indicator row starts on.

    Each row's description is located in document order: first the project's
    heading, then, for each indicator in turn, the first characters of its
    description after the previous hit.  Rows never split across pages
    (w:cantSplit), so the description's first line is on the row's page.
    """
    import pdfplumber

    stream = ""
    page_at: list[int] = []
    page_text: list[str] = []
    with pdfplumber.open(pdf_path) as pdf:
        count = len(pdf.pages)
        for number, page in enumerate(pdf.pages, 1):
            text = "".join((page.extract_text() or "").split())
            page_text.append(text)
            stream += text
            page_at += [number] * len(text)
    problems = []
    page_of: dict[tuple[int, int], int | None] = {}
    cursor = stream.find("第二部分")
    for pi, p in enumerate(report.projects):
        visible, _ = project_heading(pi + 1, p.name)
        hit = stream.find("".join(visible.split()), cursor)
        if hit < 0:
            problems.append(f"{pdf_path.name}: heading of table {pi + 1} not found")
        else:
            cursor = hit + len(visible)
        hit = stream.find("指标值确定依据", cursor)
        if hit >= 0:
            cursor = hit
        for j, item in enumerate(p.indicators):
            key = "".join(item.description.split())[:6]
            hit = stream.find(key, cursor)
            if hit < 0:
                page_of[(pi, j)] = None
                problems.append(f"{pdf_path.name}: table {pi + 1} row {9 + j}: description not found")
                continue
            page = page_at[hit]
            page_of[(pi, j)] = page
            cursor = hit + len(key)
            # sanity: the row's value and the start of its level3 are on that page too
            for probe in ("".join(item.value_raw.split())[:3], "".join(item.level3.split())[:4]):
                if probe not in page_text[page - 1]:
                    problems.append(f"{pdf_path.name}: table {pi + 1} row {9 + j}: {probe!r} not on page {page}")
    return count, page_of, problems


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


def build(
    out_dir: Path, *, with_docx: bool, with_pdf: bool, force_pdf: bool, pdf_from: Path | None = None
) -> list[str]:
    """Write every sample into out_dir/hebei; return problems found on the way."""
    problems: list[str] = []
    fam = out_dir / FAMILY
    fam.mkdir(parents=True, exist_ok=True)
    for report in REPORTS:
        stem = report.name
        if "txt" in report.formats:
            data = encode_txt(report, render_txt(report))
            (fam / f"{stem}.txt").write_bytes(data)
            doc = expected_json(report, f"{FAMILY}/{stem}.txt", "txt", data)
            (fam / f"{stem}.txt.expected.json").write_bytes(dump_json(doc))
        if "docx" in report.formats and with_docx:
            docx_path = fam / f"{stem}.docx"
            old = docx_path.read_bytes() if docx_path.exists() else None
            data = render_docx(report)
            docx_path.write_bytes(data)
            doc = expected_json(report, f"{FAMILY}/{stem}.docx", "docx", data)
            (fam / f"{stem}.docx.expected.json").write_bytes(dump_json(doc))
            if "pdf" in report.formats and with_pdf:
                pdf_path = fam / f"{stem}.pdf"
                if force_pdf or old != data or not pdf_path.exists():
                    render_with_libreoffice(docx_path, pdf_path, "pdf")
                pdf_json(report, pdf_path, fam / f"{stem}.pdf.expected.json", problems)
            if "doc" in report.formats and with_pdf:
                doc_path = fam / f"{stem}.doc"
                if force_pdf or old != data or not doc_path.exists():
                    render_with_libreoffice(docx_path, doc_path, "doc:MS Word 97")
                doc = expected_json(report, f"{FAMILY}/{stem}.doc", "doc", doc_path.read_bytes())
                (fam / f"{stem}.doc.expected.json").write_bytes(dump_json(doc))
    return problems


def pdf_json(report: Report, pdf_path: Path, json_path: Path, problems: list[str]) -> None:
    pages, page_of, found = pdf_pages(report, pdf_path)
    problems += found
    doc = expected_json(report, f"{FAMILY}/{pdf_path.name}", "pdf", pdf_path.read_bytes(), pages, page_of)
    json_path.write_bytes(dump_json(doc))


def check() -> int:
    """Compare samples/ with a fresh generation; 0 if up to date."""
    stale: list[str] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        fam = tmp_dir / FAMILY
        build(tmp_dir, with_docx=False, with_pdf=False, force_pdf=False)
        for report in REPORTS:
            stem = report.name
            for suffix in (".txt", ".txt.expected.json"):
                have = SAMPLES / FAMILY / f"{stem}{suffix}"
                if not have.exists() or have.read_bytes() != (fam / f"{stem}{suffix}").read_bytes():
                    stale.append(f"{FAMILY}/{stem}{suffix}")
            docx_path = SAMPLES / FAMILY / f"{stem}.docx"
            if "docx" in report.formats and _check_committed(report, docx_path, "docx", stale):
                if render_docx(report) != docx_path.read_bytes():
                    notes.append(f"{FAMILY}/{stem}.docx: a rebuild here is not byte-identical (python-docx version?)")
            pdf_path = SAMPLES / FAMILY / f"{stem}.pdf"
            if "pdf" in report.formats:
                if not pdf_path.exists():
                    stale.append(f"{FAMILY}/{stem}.pdf")
                else:
                    problems: list[str] = []
                    out = fam / f"{stem}.pdf.expected.json"
                    pdf_json(report, pdf_path, out, problems)
                    _compare(pdf_path.with_name(pdf_path.name + ".expected.json"), out.read_bytes(), stale)
            if "doc" in report.formats:
                _check_committed(report, SAMPLES / FAMILY / f"{stem}.doc", "doc", stale)
    for note in notes:
        print("note:", note)
    if stale:
        print("samples/ is out of date; run tools/make_samples.py:")
        for name in stale:
            print("  ", name)
        return 1
    print("samples/ is up to date")
    return 0


def _check_committed(report: Report, path: Path, fmt: str, stale: list[str]) -> bool:
    """A committed Word render: present, and its expected JSON as its bytes and the spec give it."""
    if not path.exists():
        stale.append(f"{FAMILY}/{path.name}")
        return False
    doc = expected_json(report, f"{FAMILY}/{path.name}", fmt, path.read_bytes())
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
