"""`jixiao extract INPUT… -o OUT`: the command line over jixiao.batch."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from jixiao import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # as a shell reports a command ended by Ctrl-C
SHOW_FAILURES = 20  # failures listed on stderr; the manifest has them all

EPILOG = """\
OUT accumulates: its manifest and tables describe every input ever converted
into it (the latest state of each), whatever this run was given; --prune
drops inputs that no longer exist under the INPUTs given.  Re-running skips
inputs this jixiao version and reading code converted already (same name,
same SHA-256; --force converts them again) and only appends new reports to
the tables; a run killed at any moment leaves only complete files, and the
next run finishes the rest.  Files in folders that are not documents
(Thumbs.db, desktop.ini, a 说明.md) are `skipped` rows.  Details: docs/batch.md.

Exit status: 0 when every input converted (warnings, partial and skipped included),
1 when any input failed or no input file was found, 2 when the batch cannot
run or finish (bad option, missing input, OUT in use by another run or not
writable or full, an input folder inside OUT, DuckDB database that cannot be
written), 130 when stopped by Ctrl-C or SIGTERM (the same command resumes)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jixiao", description="Budget performance-goal reports → JSON, CSV, Parquet.")
    parser.add_argument("--version", action="version", version=f"jixiao {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract",
        help="convert report files or folders",
        description="Convert report files, or folders of them (recursively), into OUT.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="report files or folders (recursive)")
    extract.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    extract.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="in folders, take only files whose name or relative path matches (repeatable)",
    )
    extract.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="in folders, leave out files whose name or relative path matches (repeatable)",
    )
    extract.add_argument("--workers", type=_positive(int), default=None, help="worker processes (default: all cores)")
    extract.add_argument(
        "--timeout",
        type=_positive(float),
        default=120.0,
        metavar="SECONDS",
        help="per file; a file taking longer fails and its worker is killed (default: 120)",
    )
    extract.add_argument(
        "--ocr-page-timeout",
        type=_positive(float),
        default=60.0,
        metavar="SECONDS",
        help="added to --timeout for each scanned page OCR reads (default: 60)",
    )
    extract.add_argument(
        "--ocr-dpi",
        type=_positive(int),
        default=200,
        metavar="DPI",
        help="render resolution of scanned PDF pages for OCR, 72-600 (default: 200)",
    )
    extract.add_argument(
        "--ocr-threads",
        type=_positive(int),
        default=None,
        metavar="N",
        help="threads per OCR call in each worker (default: the cores the run's workers leave idle, at least 1)",
    )
    extract.add_argument(
        "--max-tasks-per-worker",
        type=_positive(int, zero=True),
        default=1000,
        metavar="N",
        help="replace each worker after N files, 0: never (default: 1000)",
    )
    extract.add_argument(
        "--memory-limit",
        type=_positive(int),
        default=None,
        metavar="MB",
        help="resident memory per worker and what it starts (LibreOffice); a file needing more fails "
        "(default: the worker's share of 70%% of this machine's memory, 1024-4096)",
    )
    extract.add_argument("--force", action="store_true", help="convert again inputs an earlier run into OUT converted")
    extract.add_argument(
        "--prune", action="store_true", help="remove from OUT the inputs that no longer exist under the INPUTs given"
    )
    extract.add_argument(
        "--duckdb",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the tables, with their keys, and the manifest into this DuckDB database "
        "(jixiao replaces only its own tables in it)",
    )
    extract.add_argument(
        "--engine", choices=["local", "dask"], default="local", help="local process pool (default) or a Dask cluster"
    )
    extract.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="dask: scheduler address, e.g. tcp://HOST:8786 (default: start a LocalCluster)",
    )
    output = extract.add_mutually_exclusive_group()
    output.add_argument(
        "-q", "--quiet", action="store_true", help="no progress and no summary; failures still go to stderr"
    )
    output.add_argument("-v", "--verbose", action="store_true", help="a line per file as it finishes")
    args = parser.parse_args(argv)

    missing = [str(p) for p in args.inputs if not p.exists()]
    if missing:
        extract.error(f"no such file or folder: {', '.join(missing)}")
    if not 72 <= args.ocr_dpi <= 600:
        extract.error(f"--ocr-dpi must be between 72 and 600, not {args.ocr_dpi}")
    if args.scheduler and args.engine != "dask":
        extract.error("--scheduler needs --engine dask")

    from jixiao.batch import OCR_DPI_VARIABLE, BatchError, BatchOptions, NoInputs, run_batch
    from jixiao.errors import Interrupted
    from jixiao.progress import Progress, summary

    # the workers (processes this one starts) read the OCR resolution from their environment
    os.environ[OCR_DPI_VARIABLE] = str(args.ocr_dpi)
    options = BatchOptions(
        engine=args.engine,
        workers=args.workers,
        ocr_threads=args.ocr_threads,
        timeout=args.timeout,
        ocr_page_timeout=args.ocr_page_timeout,
        max_tasks_per_worker=args.max_tasks_per_worker,
        memory_limit_mb=args.memory_limit,
        scheduler=args.scheduler,
        include=tuple(args.include),
        exclude=tuple(args.exclude),
        force=args.force,
        duckdb=args.duckdb,
        prune=args.prune,
    )
    progress = Progress(quiet=args.quiet, verbose=args.verbose)
    started = time.monotonic()
    signal.signal(signal.SIGTERM, _interrupt)  # as Ctrl-C: the workers are stopped and what finished is kept
    try:
        outcome = run_batch(args.inputs, args.out, options, progress)
    except KeyboardInterrupt:  # before the conversions started, or while the tables were written
        print("jixiao: interrupted; run the same command again: what finished is kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Interrupted as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except NoInputs as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BatchError as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        progress.close()
    if args.verbose:
        for pruned in outcome.pruned:
            print(f"pruned   {pruned}", file=sys.stderr)
    failures = [row.get("error") for row in outcome.rows if row["status"] == "failed"]
    for error in failures[:SHOW_FAILURES]:
        print(f"  failed: {error}", file=sys.stderr)
    if len(failures) > SHOW_FAILURES:
        print(f"  … and {len(failures) - SHOW_FAILURES} more failed: see {args.out / 'manifest.csv'}", file=sys.stderr)
    if not args.quiet:
        print(f"jixiao: {summary(outcome.rows, time.monotonic() - started)}")
        print(f"  reports: {args.out / 'json'}   manifest: {args.out / 'manifest.csv'}")
        print(f"  tables: {args.out / 'tables'}   by fiscal year: {args.out / 'warehouse'}", end="")
        print(f"   DuckDB: {args.duckdb}" if args.duckdb else "")
        print(f"  OUT holds {outcome.stored} inputs of all runs", end="")
        if outcome.pruned:
            print(f"; pruned {len(outcome.pruned)} that no longer exist", end="")
        if outcome.gone:
            print(f"; {len(outcome.gone)} no longer exist (--prune removes them)", end="")
        print()
    return EXIT_FAILED if len(failures) else EXIT_OK


def _interrupt(signum: int, frame) -> None:
    raise KeyboardInterrupt


def _positive(kind: type, zero: bool = False) -> type:
    """An argparse type: a number above 0 (or 0 too, when zero allows it)."""

    def parse(text: str):
        value = kind(text)
        if value < 0 or (value == 0 and not zero):
            raise argparse.ArgumentTypeError(f"must be {'0 or more' if zero else 'more than 0'}: {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


if __name__ == "__main__":
    sys.exit(main())
