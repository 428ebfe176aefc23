"""Batch benchmark: files/s at 1 and 2 workers per format, and peak memory at 500 and 5,000 files.

`bench_batch_rates()` and `bench_batch_memory()` return report lines for the
tools/bench.py driver; `python tools/bench_batch.py` prints both.  Batches are
copies of samples/hebei/ whose bytes are all different (`make_batch`), in a
temp folder; each run is the whole `jixiao extract` (planning, conversion,
tables), timed end to end.
"""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT / "samples" / "hebei"
JIXIAO = [sys.executable, "-m", "jixiao.cli"]


def sample_files(fmt: str) -> list[Path]:
    return sorted(SAMPLES.glob(f"*.{fmt}"))


def readable_formats() -> list[str]:
    """The sample formats jixiao reads today: txt, plus docx/pdf/doc once their readers exist."""
    from jixiao import extract_file

    formats = []
    for fmt in sorted({p.suffix.lstrip(".") for p in SAMPLES.iterdir() if not p.name.endswith(".json")}):
        try:
            extract_file(sample_files(fmt)[0])
        except Exception:  # noqa: BLE001 — no reader (yet) for this format
            continue
        formats.append(fmt)
    return formats


def unique_copy(source: Path, target: Path, number: int) -> None:
    """A copy of source with bytes of its own that reads the same (resume and report_id see a new file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = source.suffix.lower()
    if suffix == ".docx":
        shutil.copyfile(source, target)
        with zipfile.ZipFile(target, "a") as archive:
            archive.comment = f"copy {number}".encode()
    elif suffix == ".pdf":
        target.write_bytes(source.read_bytes() + f"\n%copy {number}\n".encode())
    elif suffix == ".txt":  # trailing white space, which the reader trims: the number in spaces and tabs
        data = source.read_bytes()
        encoding = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}.get(data[:2], "ascii")
        white = "\n" + "".join(" \t"[int(bit)] for bit in f"{number:b}") + "\n"
        target.write_bytes(data + white.encode(encoding))
    else:
        shutil.copyfile(source, target)


def make_batch(folder: Path, count: int, formats: list[str]) -> list[Path]:
    """count files cycling over the samples of formats, as folder/<format>/<sample>_<n>.<format>."""
    sources = itertools.cycle([path for fmt in formats for path in sample_files(fmt)])
    made = []
    for number in range(count):
        source = next(sources)
        target = folder / source.suffix.lstrip(".") / f"{source.stem}_{number}{source.suffix}"
        unique_copy(source, target, number)
        made.append(target)
    return made


def add_broken(folder: Path, count: int) -> list[Path]:
    """count broken inputs, cycling over the kinds archives hold: empty, noise, truncated, a JPEG named .doc."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = (SAMPLES / "yibao_2023.pdf").read_bytes()
    kinds = [
        ("empty.txt", lambda n: b""),
        ("noise.pdf", lambda n: random.Random(n).randbytes(3000)),
        ("truncated.pdf", lambda n: pdf[: len(pdf) // 3] + f"%{n}".encode()),
        ("photo.doc", lambda n: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + n.to_bytes(4, "big") * 64),
    ]
    made = []
    for number in range(count):
        name, content = kinds[number % len(kinds)]
        made.append(folder / f"{number}-{name}")
        made[-1].write_bytes(content(number))
    return made


def timed_run(inputs: Path, out: Path, workers: int) -> float:
    """Seconds for one whole `jixiao extract` run (start-up included)."""
    started = time.perf_counter()
    subprocess.run([*JIXIAO, "extract", str(inputs), "-o", str(out), "--workers", str(workers), "-q"], cwd=ROOT)
    return time.perf_counter() - started


def bench_batch_rates(files_per_format: int = 1000) -> list[str]:
    lines = []
    for fmt in readable_formats():
        # LibreOffice converts about one .doc a second: a tenth of the files gives as steady a rate.
        count = files_per_format // 10 if fmt == "doc" else files_per_format
        with tempfile.TemporaryDirectory() as temp:
            make_batch(Path(temp) / "in", count, [fmt])
            one = count / timed_run(Path(temp) / "in", Path(temp) / "out1", 1)
            two = count / timed_run(Path(temp) / "in", Path(temp) / "out2", 2)
        lines.append(
            f"batch .{fmt} ({count} files)      1 worker {one:7.1f} files/s   "
            f"2 workers {two:7.1f} files/s   speed-up {two / one:4.2f}×"
        )
    return lines


def bench_mixed_batch(count: int = 2000, broken_share: float = 0.05, checked: int = 200) -> list[str]:
    """The archive case at full size: every format, 5% broken; every input listed, good files as single runs.

    `checked` good files, spread over the formats, are compared byte for byte with a single-file
    conversion (all of them would take as long again as the batch).
    """
    from jixiao import JixiaoError, extract_file
    from jixiao.pipeline import sha256_of

    broken = round(count * broken_share)
    with tempfile.TemporaryDirectory() as temp:
        inputs, out = Path(temp) / "in", Path(temp) / "out"
        good = make_batch(inputs, count - broken, readable_formats())
        add_broken(inputs / "broken", broken)
        seconds = timed_run(inputs, out, 2)
        manifest = pd.read_parquet(out / "manifest.parquet")
        listed = len(manifest) == count and set(manifest["path"]) == {
            p.relative_to(inputs).as_posix() for p in inputs.rglob("*") if p.is_file()
        }
        same = 0
        sample = good[:: max(1, len(good) // checked)]
        for path in sample:
            relative = path.relative_to(inputs).as_posix()
            try:
                expected = extract_file(path, relative, sha256_of(path)).to_json().decode("utf-8")
            except JixiaoError:
                continue
            same += (out / "json" / f"{relative}.json").read_text(encoding="utf-8") == expected
        counts = manifest["status"].value_counts().to_dict()
    return [
        f"batch {count} mixed files ({broken} broken, 2 workers)  {count / seconds:6.1f} files/s   "
        f"manifest lists all: {'yes' if listed else 'NO'}   statuses {counts}   "
        f"{same}/{len(sample)} checked files identical to single-file runs"
    ]


def peak_rss(command: list[str]) -> tuple[float, float]:
    """Run command; the peak resident memory (MB) of it with all its children, and of it alone."""
    process = psutil.Popen(command, cwd=ROOT)
    peak_all = peak_parent = 0
    while process.poll() is None:
        try:
            parent = process.memory_info().rss
            children = sum(child.memory_info().rss for child in process.children(recursive=True))
        except psutil.NoSuchProcess:
            continue
        peak_parent, peak_all = max(peak_parent, parent), max(peak_all, parent + children)
        time.sleep(0.05)
    return peak_all / 2**20, peak_parent / 2**20


def bench_batch_memory(sizes: tuple[int, ...] = (500, 5000), workers: int = 2) -> list[str]:
    lines = []
    formats = readable_formats()
    for size in sizes:
        with tempfile.TemporaryDirectory() as temp:
            make_batch(Path(temp) / "in", size, formats)
            command = [*JIXIAO, "extract", str(Path(temp) / "in"), "-o", str(Path(temp) / "out")]
            started = time.perf_counter()
            total, parent = peak_rss([*command, "--workers", str(workers), "-q"])
            rate = size / (time.perf_counter() - started)
        lines.append(
            f"batch {size:>5} files ({'+'.join(formats)}, {workers} workers)  peak RSS {total:6.0f} MB in all, "
            f"{parent:5.0f} MB in the main process   {rate:6.1f} files/s"
        )
    return lines


SECTIONS = [bench_batch_rates, bench_batch_memory, bench_mixed_batch]


def main() -> None:
    print("jixiao batch bench: whole runs of `jixiao extract`, start-up included")
    for section in SECTIONS:
        for text in section():
            print(text, flush=True)


if __name__ == "__main__":
    main()
