"""`make bench` OCR section: scanned pages through the whole pipeline against the bare OCR engine.

Every measurement runs in a child process of its own, so that its peak
memory is its own (VmHWM from /proc/self/status, which starts afresh at
exec; ru_maxrss would keep the parent's) and the OCR engine's start-up is
paid before the clock starts.  The pipeline is jixiao.extract_file on the
file; the bare engine is the same RapidOCR engine (`page_ocr._engine`, same
settings and threads) called once per page on the page images the PDF
reader renders, made before its clock starts.  The stage split comes from
timing wrappers set around the page stage's functions in the child (one
clock read per call: nothing inside a stage is slowed):
  render        pdfium's bitmap of the page, or an image file's decoding
  ocr           RapidOCR's detection and recognition (twice for a turned page)
  orientation   RapidOCR's direction classifier on a few lines
  page prep     seal ink, blank check, deskew
  rules         ruling lines by morphology (the table finder's input)
  tables        everything else: layout, table cells, assembly, normalising
`ocr` + `orientation` is the engine's share; the rest is jixiao's own cost.

Also a blank page, a photograph, an A3 page at 600 dpi and (section ocr100,
not run by default: ~10–20 min) a 100-page scan, each within its time limit
(the reader's own: 120 s and 60 s per scanned page) with peak memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_SCAN = ROOT / "tests" / "data" / "seed" / "seed.scan.pdf"
SEED_PDF = ROOT / "tests" / "data" / "seed" / "seed.pdf"


def _peak_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def _warm_engine():
    """The engine loaded and run once on a small page, so that start-up is not timed."""
    import numpy as np
    from jixiao.extract import page_ocr

    page = np.full((200, 600), 255, np.uint8)
    page[90:110, 50:550:20] = 0
    engine = page_ocr._engine(page_ocr.ocr_threads())
    engine(page, use_det=True, use_cls=False, use_rec=True, return_word_box=True)
    return engine


def _timed(stages: Counter, module, name: str, stage: str) -> None:
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            stages[stage] += time.perf_counter() - started

    setattr(module, name, wrapper)


def child_pipeline(path: str) -> dict:
    """extract_file on `path`, with its stages timed: the outcome (pages and rows, or the failure), seconds, peak MB."""
    from jixiao.extract import image, page_ocr, pdf

    from jixiao import extract_file
    from jixiao.errors import JixiaoError

    _warm_engine()
    stages: Counter = Counter()
    _timed(stages, pdf, "_ocr", "pdf page")  # render + the page stage
    _timed(stages, image, "_page", "render")  # an image file's page decoded at the OCR resolution
    for module in (pdf, image):
        _timed(stages, module, "ocr_page", "page stage")
    _timed(stages, page_ocr, "_recognise", "ocr")
    _timed(stages, page_ocr, "upright_turns", "orientation")
    _timed(stages, page_ocr, "ruling_segments", "rules")
    started = time.perf_counter()
    try:
        report = extract_file(Path(path))
        report.to_json()
        rows = len(report.department_indicators) + sum(len(p.indicators) for p in report.projects)
        outcome = f"read: {report.source.pages} pages, {rows} indicator rows, {len(report.warnings)} warnings"
    except JixiaoError as exc:
        outcome = f"failed: {exc}"
    wall = time.perf_counter() - started
    render = stages["render"] + stages["pdf page"] - stages["page stage"] if stages["pdf page"] else stages["render"]
    split = {
        "render": render,
        "ocr": stages["ocr"],
        "orientation": stages["orientation"],
        "page prep": stages["page stage"] - stages["ocr"] - stages["orientation"] - stages["rules"],
        "rules": stages["rules"],
    }
    split["tables"] = wall - sum(split.values())
    return {"outcome": outcome, "seconds": wall, "stages": split, "peak_mb": _peak_mb()}


def child_bare(path: str) -> dict:
    """The bare engine on the PDF's pages, rendered as the PDF reader renders them (not timed), in greyscale."""
    import cv2
    import numpy as np
    import pypdfium2
    from jixiao.extract import page_ocr

    engine = _warm_engine()
    document = pypdfium2.PdfDocument(path)
    pages = []
    for page in document:
        bitmap = page.render(scale=page_ocr.ocr_dpi() / 72)
        pages.append(cv2.cvtColor(np.array(bitmap.to_pil().convert("RGB")), cv2.COLOR_RGB2GRAY))
        bitmap.close()
    document.close()
    started = time.perf_counter()
    for page in pages:
        engine(page, use_det=True, use_cls=False, use_rec=True, return_word_box=True)
    return {"pages": len(pages), "seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


def _run(kind: str, path: Path, timeout: float) -> dict:
    """A child's measurement; a child killed at `timeout` (or failing) is reported as such."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(path)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"outcome": f"killed at the {timeout:g} s time limit", "seconds": timeout, "peak_mb": float("nan")}
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"outcome": f"child failed: {tail[0]}", "seconds": time.perf_counter() - started, "peak_mb": 0.0}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _time_limit(pages: int) -> float:
    from jixiao.extract.page import DEFAULT_TIME_LIMIT, OCR_TIME_PER_PAGE

    return DEFAULT_TIME_LIMIT + pages * OCR_TIME_PER_PAGE


def _threads() -> str:
    from jixiao.extract.page_ocr import ocr_threads

    count = ocr_threads()
    return f"{count} OCR thread{'s' * (count > 1)}"


def bench_seed_scan(rounds: int = 2) -> list[str]:
    """Pipeline and bare engine alternate for `rounds` each and the fastest of each counts (a neighbour's load
    then slows both alike, not whichever ran during it)."""
    pages = 12
    wholes, bares = [], []
    for _ in range(rounds):
        wholes.append(_run("pipeline", SEED_SCAN, _time_limit(pages)))
        bares.append(_run("bare", SEED_SCAN, _time_limit(pages)))
    whole = min(wholes, key=lambda result: result["seconds"])
    bare = min(bares, key=lambda result: result["seconds"])
    ours, engine = pages / whole["seconds"], bare["pages"] / bare["seconds"]
    stages = whole["stages"]
    shares = ", ".join(f"{name} {seconds / whole['seconds']:.1%}" for name, seconds in stages.items())
    return [
        f"{'OCR, seed scan (12 pages)':<28} {ours:9.3f} {'pages/s':<10} {'bare RapidOCR, same page images':<34} "
        f"{engine:9.3f} {'pages/s':<10} ratio {whole['seconds'] / bare['seconds']:5.2f}×",
        f"  {_threads()}; {whole['seconds'] / pages:.1f} s a page (fastest of {rounds} alternating rounds); "
        f"{whole['outcome']}",
        f"  time split: {shares}",
        f"  jixiao's own cost (not the engine): {1 - (stages['ocr'] + stages['orientation']) / whole['seconds']:.1%}",
        f"  peak RSS: pipeline {whole['peak_mb']:.0f} MB, bare engine with the 12 page images {bare['peak_mb']:.0f} MB",
    ]


def _edge(label: str, path: Path, pages: int) -> str:
    limit = _time_limit(pages)
    result = _run("pipeline", path, limit + 30)  # the reader fails itself at `limit`; the kill is a backstop
    within = "within" if result["seconds"] <= limit else "OVER"
    return (
        f"{label:<28} {result['seconds']:7.1f} s ({within} its {limit:g} s limit), peak RSS "
        f"{result['peak_mb']:.0f} MB: {result['outcome']}"
    )


def bench_edges() -> list[str]:
    """A blank page, a photograph and an A3 page at 600 dpi through the pipeline."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(3)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        blank = rng.normal(240, 6, (2339, 1654)).clip(0, 255).astype(np.uint8)  # paper with sensor noise
        Image.fromarray(blank).save(folder / "blank.png", dpi=(200, 200))
        height, width = 2000, 3000  # sky over dark ground, in colour, as a camera saves it
        photo = np.zeros((height, width, 3), np.float32)
        photo[: height // 3] = np.linspace((120, 170, 230), (200, 220, 250), height // 3)[:, None, :]
        photo[height // 3 :] = (60, 80, 40)
        photo += rng.normal(0, 20, photo.shape)
        Image.fromarray(photo.clip(0, 255).astype(np.uint8)).save(folder / "photo.jpg", quality=85)
        _a3_page(folder / "a3-600dpi.png")
        return [
            _edge("blank page (A4 PNG)", folder / "blank.png", 1),
            _edge("photo (3000×2000 JPEG)", folder / "photo.jpg", 1),
            _edge("A3 page, 600 dpi (PNG)", folder / "a3-600dpi.png", 1),
        ]


def _a3_page(path: Path) -> None:
    """An A3 sheet scanned at 600 dpi (7016 × 9921) with the seed's table page printed on it at full size."""
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(str(SEED_PDF))
    printed = document[4].render(scale=600 / 72, grayscale=True).to_pil().convert("L")
    document.close()
    sheet = Image.new("L", (7016, 9921), 250)
    sheet.paste(printed, (600, 600))
    sheet.save(path, dpi=(600, 600), compress_level=1)


def bench_hundred_pages() -> list[str]:
    """A 100-page scan (the seed's 12 scanned pages over and over) through the pipeline."""
    import pypdfium2

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scan100.pdf"
        source = pypdfium2.PdfDocument(str(SEED_SCAN))
        hundred = pypdfium2.PdfDocument.new()
        while len(hundred) < 100:
            hundred.import_pages(source, list(range(min(len(source), 100 - len(hundred)))))
        hundred.save(path)
        hundred.close()
        source.close()
        result = _run("pipeline", path, _time_limit(100) + 30)
    return [
        f"{'100-page scan (PDF)':<28} {result['seconds']:7.0f} s, {100 / result['seconds']:.3f} pages/s "
        f"({_threads()}), peak RSS {result['peak_mb']:.0f} MB: {result['outcome']}",
        "  time split: " + ", ".join(f"{k} {v / result['seconds']:.1%}" for k, v in result.get("stages", {}).items()),
    ]


SECTIONS = [bench_seed_scan, bench_edges]

if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.path.insert(0, str(ROOT))
        measure = {"pipeline": child_pipeline, "bare": child_bare}[sys.argv[2]]
        print(json.dumps(measure(sys.argv[3])))
    else:
        for section in [*SECTIONS, bench_hundred_pages] if "100" in sys.argv else SECTIONS:
            for text in section():
                print(text, flush=True)
