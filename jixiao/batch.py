"""Many files → per-report JSON, warehouse tables and a manifest.

Each input is converted by `convert_one`, which writes its own JSON and
returns only a small manifest row; it never raises, so one bad file can never
stop the batch.  The tables are then built from the JSON files written.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from extract import ReadError
from jixiao.pipeline import extract_file, sha256_of
from jixiao.writers import write_frame, write_report
from normalize import NotAReport
from normalize.records import TABLE_COLUMNS, Report, typed_frame

MANIFEST_COLUMNS = {
    "path": "string", "input": "string", "format": "string", "status": "string", "error": "string",
    "report_id": "string", "sha256": "string", "projects": "Int64", "indicators": "Int64", "goals": "Int64",
    "measures": "Int64", "warnings": "Int64", "seconds": "Float64",
}  # fmt: skip


@dataclass(frozen=True)
class Job:
    input: str  # the file as given, absolute
    relative: str  # its path under its input root: names the outputs


def plan_jobs(inputs: list[Path]) -> list[Job]:
    """Files to convert: a file given is its own root; a folder is walked recursively."""
    jobs: list[Job] = []
    for given in inputs:
        given = Path(given)
        if given.is_dir():
            files = sorted(p for p in given.rglob("*") if p.is_file() and not _is_sidecar(p))
            jobs.extend(Job(str(p.resolve()), p.relative_to(given).as_posix()) for p in files)
        else:
            jobs.append(Job(str(given.resolve()), given.name))
    return jobs


def _is_sidecar(path: Path) -> bool:
    """Expected outputs and hidden files that live beside sample inputs are not inputs."""
    return path.name.startswith(".") or path.name.endswith((".expected.json", ".truth.json"))


def json_target(out_dir: Path, relative: str) -> Path:
    return out_dir / "json" / f"{relative}.json"


def convert_one(job: Job, out_dir: Path) -> dict:
    """Convert one file and write its JSON; return its manifest row (never raises)."""
    started = time.perf_counter()
    row: dict = {"path": job.relative, "input": job.input, "format": Path(job.input).suffix.lower().lstrip(".")}
    try:
        sha = sha256_of(Path(job.input))
        row["sha256"] = sha
        report = extract_file(job.input, job.relative, sha)
        write_report(report, json_target(out_dir, job.relative))
    except (ReadError, NotAReport) as exc:
        row.update(status="failed", error=f"{job.relative}: {exc}")
    except OSError as exc:
        row.update(status="failed", error=f"{job.relative}: cannot read the file: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 — a reader bug must cost one file, not the batch
        row.update(status="failed", error=f"{job.relative}: internal error ({type(exc).__name__}: {exc})")
    else:
        row.update(_report_counts(report))
        row["status"] = "warnings" if report.warnings else "ok"
        if report.warnings:
            row["error"] = "; ".join(sorted({w.code for w in report.warnings}))
    row["seconds"] = round(time.perf_counter() - started, 4)
    return row


def _report_counts(report: Report) -> dict:
    return {
        "format": report.source.format,
        "report_id": report.report_id,
        "projects": len(report.projects),
        "indicators": sum(len(p.indicators) for p in report.projects) + len(report.department_indicators),
        "goals": len(report.department_goals) + sum(len(p.goals) for p in report.projects),
        "measures": len(report.measures),
        "warnings": len(report.warnings),
    }


def run(inputs: list[Path], out_dir: Path, workers: int | None = None) -> pd.DataFrame:
    """Convert every input into out_dir; write the tables and the manifest; return the manifest."""
    out_dir = Path(out_dir)
    jobs = plan_jobs(inputs)
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) <= 1:
        rows = [convert_one(job, out_dir) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rows = list(pool.map(convert_one, jobs, [out_dir] * len(jobs), chunksize=4))
    manifest = typed_manifest(rows)
    write_tables(manifest, out_dir)
    write_frame(manifest, out_dir / "manifest")
    return manifest


def typed_manifest(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS)).astype(MANIFEST_COLUMNS)


def write_tables(manifest: pd.DataFrame, out_dir: Path) -> None:
    """The warehouse tables of every report the manifest lists as converted."""
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLE_COLUMNS}
    for relative in manifest.loc[manifest["status"].isin(["ok", "warnings"]), "path"]:
        report = Report.from_dict(json.loads(json_target(out_dir, relative).read_text(encoding="utf-8")))
        for name, frame in report.to_frames().items():
            parts[name].append(frame)
    for name, frames in parts.items():
        table = pd.concat(frames, ignore_index=True) if frames else typed_frame(name, [])
        write_frame(table.astype(TABLE_COLUMNS[name]), out_dir / "tables" / name)
