"""Issue 10's figures for tools/bench.py: start-up, .doc groups and resume, each against the bare tool.

Every figure is a whole command, start-up included, timed against the bare
tool doing the same work in the same run; rounds alternate between the two
and the fastest round of each counts, so a busy neighbour favours neither.

- start-up: `jixiao --version` / `--help` against a bare `python -c pass`, and
  a one-file run on the seed .txt;
- .doc: a folder of 10 .doc through `jixiao extract --workers 1` against one
  bare `soffice --convert-to docx` of the same 10 (warmed private profile);
- resume: re-running over 5,000 converted files, and adding 10 to them,
  against walking and hashing the 5,000 (what any resume must do);
- mixed folder: the issue's 208 files (48 .doc, 48 .docx, 48 .pdf, 64 .txt)
  at 1 and 2 workers, and at 1 worker through the code before issue 10 when
  JIXIAO_BENCH_BEFORE names a checkout of it with its own .venv
  (`git worktree add ../before dfbb43d && make -C ../before install`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEED = ROOT / "tests" / "data" / "seed"
JIXIAO = [sys.executable, "-m", "jixiao.cli"]
ENTRY = Path(sys.executable).parent / "jixiao"  # the console script a user runs


MIXED = (("doc", 48), ("docx", 48), ("pdf", 48), ("txt", 64))  # the 208-file folder


def seconds(command: list[str], cwd: Path = ROOT) -> float:
    """Wall time of command run in cwd (`python -m jixiao.cli` imports the checkout cwd names)."""
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def best(rounds: int, *runs: Callable[[], float]) -> list[float]:
    """The fastest of `rounds` of each run, the runs alternating round by round."""
    times = [float("inf")] * len(runs)
    for _ in range(rounds):
        for index, run in enumerate(runs):
            times[index] = min(times[index], run())
    return times


def bench_startup(rounds: int = 7) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as temp:
        out = Path(temp) / "out"

        def one_file() -> float:
            shutil.rmtree(out, ignore_errors=True)
            return seconds([str(ENTRY), "extract", str(SEED / "000_2a14905d4782611b.txt"), "-o", str(out), "-q"])

        bare, version, help_, run = best(
            rounds,
            lambda: seconds([sys.executable, "-c", "pass"]),
            lambda: seconds([str(ENTRY), "--version"]),
            lambda: seconds([str(ENTRY), "extract", "--help"]),
            one_file,
        )
    return [
        f"start-up  jixiao --version {version:5.2f} s   extract --help {help_:5.2f} s   "
        f"bare python -c pass {bare:5.2f} s   ratio {version / bare:4.2f}× / {help_ / bare:4.2f}×   (target ≤ 0.15 s)",
        f"start-up  one-file run (seed .txt, 1 worker) {run:5.2f} s wall   ratio {run / bare:4.1f}× bare python   "
        "(target ≤ 1.0 s)",
    ]


def bench_doc_group(rounds: int = 2, count: int = 10) -> list[str]:
    from jixiao.extract.convert import soffice_binary

    sources = sorted((ROOT / "samples").glob("*/*.doc"))[:count]
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as temp:
        folder, profile = Path(temp) / "in", Path(temp) / "profile"
        folder.mkdir()
        for source in sources:
            shutil.copyfile(source, folder / f"{source.parent.name}_{source.name}")
        files = sorted(map(str, folder.iterdir()))

        def bare() -> float:
            shutil.rmtree(Path(temp) / "bare", ignore_errors=True)
            return seconds(
                [soffice_binary(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                 "docx", "--outdir", str(Path(temp) / "bare"), *files]
            )  # fmt: skip

        def ours() -> float:
            shutil.rmtree(Path(temp) / "out", ignore_errors=True)
            return seconds([*JIXIAO, "extract", str(folder), "-o", str(Path(temp) / "out"), "--workers", "1", "-q"])

        bare()  # the bare profile is made once: its creation is not conversion
        jixiao, plain = best(rounds, ours, bare)
    return [
        f".doc folder of {len(files)} through the CLI, 1 worker {jixiao:6.2f} s   "
        f"one bare soffice --convert-to docx of all {len(files)} {plain:6.2f} s   ratio {jixiao / plain:4.2f}×   "
        "(target ≤ 1.5×)"
    ]


def bench_resume(count: int = 5000, added: int = 10, rounds: int = 3) -> list[str]:
    from bench_batch import make_batch, sample_files, unique_copy

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as temp:
        folder, out = Path(temp) / "in", Path(temp) / "out"
        make_batch(folder, count, ["txt"])
        command = [*JIXIAO, "extract", str(folder), "-o", str(out), "--workers", "2", "-q"]
        first = seconds(command)

        def walk_and_hash() -> float:
            started = time.perf_counter()
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    hashlib.sha256(path.read_bytes()).hexdigest()
            return time.perf_counter() - started

        resume, bare = best(rounds, lambda: seconds(command), walk_and_hash)
        alone = Path(temp) / "alone"
        sources = sample_files("txt")
        for number in range(count, count + added):  # bytes the archive has not seen, names among the others
            source = sources[number % len(sources)]
            for target in (folder / "txt", alone):
                unique_copy(source, target / f"{source.stem}_{number}{source.suffix}", number)
        grown = seconds(command)
        # their conversion alone: the same files into an empty OUT
        conversion = seconds([*JIXIAO, "extract", str(alone), "-o", str(Path(temp) / "alone-out"), "-q"])
    return [
        f"resume over {count} converted .txt (first run {first:5.1f} s)  {resume:5.2f} s   "
        f"bare walk + SHA-256 of them {bare:5.2f} s   ratio {resume / bare:4.1f}×   (target ≤ 2 s)",
        f"resume adding {added} new files to them  {grown:5.2f} s   the {added} alone into an empty OUT "
        f"{conversion:5.2f} s   (target ≤ 3 s + their conversion)",
    ]


def bench_mixed_folder(rounds: int = 2, counts: tuple[tuple[str, int], ...] = MIXED) -> list[str]:
    from bench_batch import make_batch

    before = os.environ.get("JIXIAO_BENCH_BEFORE")
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as temp:
        folder, out = Path(temp) / "in", Path(temp) / "out"
        for fmt, count in counts:
            make_batch(folder / fmt, count, [fmt])

        def run(checkout: Path, python: str, workers: int) -> Callable[[], float]:
            def timed() -> float:
                shutil.rmtree(out, ignore_errors=True)
                command = [
                    python,
                    "-m",
                    "jixiao.cli",
                    "extract",
                    str(folder),
                    "-o",
                    str(out),
                    "--workers",
                    str(workers),
                ]
                return seconds([*command, "-q"], cwd=checkout)

            return timed

        runs = [run(ROOT, sys.executable, 1), run(ROOT, sys.executable, 2)]
        if before:
            runs.append(run(Path(before), str(Path(before) / ".venv" / "bin" / "python"), 1))
        one, two, *old = best(rounds, *runs)
    total = sum(count for _, count in counts)
    lines = [
        f"mixed folder of {total} ({', '.join(f'{count} .{fmt}' for fmt, count in counts)})  1 worker {one:6.1f} s   "
        f"2 workers {two:6.1f} s   speed-up {one / two:4.2f}×   (target ≥ 1.8×)"
    ]
    if old:
        lines.append(
            f"mixed folder, 1 worker, code before issue 10 ({before}) {old[0]:6.1f} s   "
            f"now {one:6.1f} s   faster {old[0] / one:4.2f}×   (target ≥ 1.8×)"
        )
    return lines


SECTIONS = [bench_startup, bench_doc_group, bench_resume, bench_mixed_folder]


def main() -> None:
    for section in SECTIONS:
        for text in section():
            print(text, flush=True)


if __name__ == "__main__":
    main()
