"""seed.pdf → the seed's truth, field by field.

Regression pin for a renderer bug in the seed PDF itself: four line-end
punctuation marks that LibreOffice hung into the margin were never drawn (no
glyph, no ActualText, same geometry as an ordinary full line), so no reader
can know them.  The test proves each is absent with pypdfium2 (an extractor
independent of ours) and then demands the truth, minus exactly those four
characters, with nothing else different.
"""

import json
import re

import pypdfium2 as pdfium
import pytest

from jixiao import extract_file
from tests.conftest import SEED, assert_same_report
from tools.contract import content_id

SEED_PDF = SEED / "seed.pdf"
# (field, text before, the undrawn mark, text after; "" = end of the field)
UNDRAWN = [
    ("department_goals", 3, "让领导满意", "。", ""),
    ("department_goals", 7, "高效服务", "。", "加强县直"),
    ("department_goals", 9, "加强财务管理", "，", "确保资金"),
    ("measures", 0, "民主集中制", "，", "强化权力"),
]


@pytest.fixture(scope="module")
def pdf_text() -> str:
    document = pdfium.PdfDocument(SEED_PDF)
    try:
        return re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in document))
    finally:
        document.close()


@pytest.mark.parametrize(("key", "index", "before", "mark", "after"), UNDRAWN)
def test_the_seed_pdf_really_lacks_the_mark(pdf_text, seed_truth, key, index, before, mark, after):
    # The same sentence stands in several places (both goal sections, project goals):
    # the PDF has fewer marked copies of it than the truth.
    marked = before + mark + after
    in_truth = json.dumps(seed_truth, ensure_ascii=False).count(marked)
    assert marked in seed_truth[key][index]["text"]
    assert pdf_text.count(marked) < in_truth
    assert re.search(re.escape(before) + r"(?:\d{1,2})?" + re.escape(after or "目标5"), pdf_text)


def test_seed_pdf_gives_the_truth_but_for_the_undrawn_marks(seed_truth):
    expected = {
        **seed_truth,
        "department_goals": list(seed_truth["department_goals"]),
        "measures": list(seed_truth["measures"]),
    }
    for key, index, before, mark, after in UNDRAWN:
        item = expected[key][index]
        ending = f"(?={re.escape(after)})" if after else "$"
        expected[key][index] = {
            **item,
            "text": re.sub(re.escape(before + mark) + ending, before, item["text"], count=1),
        }
    expected["report"] = {**expected["report"], "content_id": content_id(expected)}
    report = extract_file(SEED_PDF).to_dict()
    assert report["source"]["format"] == "pdf" and report["source"]["pages"] == 12
    assert_same_report(_without_pages(report), _without_pages(expected), ignore_source=True)
    assert all(i["source"]["page"] for p in report["projects"] for i in p["indicators"])


def _without_pages(report: dict) -> dict:
    """Indicator pages are checked on their own: the truth, made from the text export, has none."""
    projects = [
        {**p, "indicators": [{**i, "source": {**i["source"], "page": None}} for i in p["indicators"]]}
        for p in report["projects"]
    ]
    return {**report, "projects": projects}
