"""`make bench`: jixiao against the raw libraries, on the same files, in the same run.

Each section times jixiao's path and the bare library pass it is built on,
start-up excluded, and prints both rates and their ratio (jixiao time / bare
time: 1.0 means no overhead).  A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEED = ROOT / "tests" / "data" / "seed"
SAMPLES = ROOT / "samples"


def rate(function: Callable[[Path], object], files: list[Path], seconds: float = 3.0) -> float:
    """Files per second over whole passes of `files`, after one warm-up pass."""
    for path in files:
        function(path)
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for path in files:
            function(path)
        done += len(files)
    return done / (time.perf_counter() - started)


def line(label: str, unit: str, ours: float, bare: float, bare_label: str) -> str:
    return f"{label:<28} {ours:9.1f} {unit:<10} {bare_label:<34} {bare:9.1f} {unit:<10} ratio {bare / ours:5.2f}×"


def bench_txt() -> list[str]:
    from charset_normalizer import from_bytes

    from jixiao import extract_file

    files = sorted(SEED.glob("*.txt")) + sorted(SAMPLES.rglob("*.txt"))
    ours = rate(lambda p: extract_file(p).to_json(), files)
    bare = rate(lambda p: str(from_bytes(p.read_bytes()).best()), files)
    return [line(f".txt pipeline ({len(files)} files)", "reports/s", ours, bare, "charset-normalizer decode")]


def bench_normaliser() -> list[str]:
    """The normaliser alone on hebei reports (the seed's family), against reading the same text exports."""
    from jixiao.extract import read_document
    from jixiao.normalize import normalize
    from jixiao.normalize.records import Source

    files = sorted(SEED.glob("*.txt")) + sorted((SAMPLES / "hebei").glob("*.txt"))
    documents = {path: read_document(path) for path in files}
    source = Source(path="bench.txt", format="txt", sha256="0" * 64)
    ours = rate(lambda p: normalize(documents[p], source), files)
    bare = rate(read_document, files)
    return [line(f"normaliser, hebei ({len(files)})", "reports/s", ours, bare, "text reader alone, same files")]


def bench_word() -> list[str]:
    import bench_word

    return bench_word.report_lines(SEED, SAMPLES)


def bench_pdf() -> list[str]:
    import bench_pdf

    return bench_pdf.bench_pdf()


def bench_batch() -> list[str]:
    import bench_batch

    return [line for section in bench_batch.SECTIONS for line in section()]


def bench_ocr() -> list[str]:
    import bench_ocr

    return [line for section in bench_ocr.SECTIONS for line in section()]


def bench_ocr100() -> list[str]:
    import bench_ocr

    return bench_ocr.bench_hundred_pages()


def bench_speed() -> list[str]:
    import bench_speed

    return [line for section in bench_speed.SECTIONS for line in section()]


SECTIONS = {
    "txt": bench_txt,
    "normaliser": bench_normaliser,
    "word": bench_word,
    "pdf": bench_pdf,
    "speed": bench_speed,
    "batch": bench_batch,
    "ocr": bench_ocr,
    "ocr100": bench_ocr100,  # a 100-page scan, 10–20 minutes: only when named
}


def main(names: list[str]) -> None:
    """`python tools/bench.py [SECTION…]`: every section, or those named."""
    print("jixiao bench: one process, start-up excluded unless said; ratio = jixiao time / bare time")
    for name in names or [name for name in SECTIONS if name != "ocr100"]:
        for text in SECTIONS[name]():
            print(text, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
