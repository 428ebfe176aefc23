"""`jixiao extract INPUT… -o OUT`: the command line over jixiao.batch."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jixiao import __version__
from jixiao.batch import run

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jixiao", description="Budget performance-goal reports → JSON, CSV, Parquet.")
    parser.add_argument("--version", action="version", version=f"jixiao {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract",
        help="convert report files or folders",
        epilog="Exit status: 0 when every input converted (warnings included), 1 when any failed, 2 on usage errors.",
    )
    extract.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="report files or folders (recursive)")
    extract.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    extract.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    args = parser.parse_args(argv)

    missing = [str(p) for p in args.inputs if not p.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    manifest = run(args.inputs, args.out, workers=args.workers)
    counts = manifest["status"].value_counts().to_dict()
    summary = ", ".join(f"{counts[s]} {s}" for s in ("ok", "warnings", "failed", "skipped") if s in counts)
    print(f"jixiao: {len(manifest)} files: {summary or 'nothing to do'}")
    for error in manifest.loc[manifest["status"] == "failed", "error"]:
        print(f"  failed: {error}", file=sys.stderr)
    print(f"results: {args.out / 'json'}, tables in {args.out / 'tables'}, manifest {args.out / 'manifest.csv'}")
    return EXIT_FAILED if counts.get("failed") else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
