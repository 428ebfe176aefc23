"""The built wheel, installed outside the repository, is the whole product (issue 12.9).

The wheel is built without its dependencies and installed into a throw-away
venv that borrows the project venv's site-packages for them (no download),
then run from a folder with no checkout in sight.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_TXT, assert_same_report


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The throw-away venv with the jixiao wheel (not editable) installed."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"  # a copy: building in the checkout would leave build/ and egg-info there
    for part in ("jixiao", "extract", "normalize", "schemas"):
        shutil.copytree(ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / part, source / part)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", work, source],
        capture_output=True,
        text=True,
        cwd=work,
    )
    assert built.returncode == 0, built.stderr
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (site / "jixiao-test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    (wheel,) = work.glob("jixiao-*.whl")
    install = [venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-index", wheel]
    subprocess.run(install, check=True, capture_output=True)
    return venv


def test_the_wheel_puts_only_the_jixiao_namespace_into_site_packages(installed):
    (wheel,) = installed.parent.glob("jixiao-*.whl")
    top_levels = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {name for name in top_levels if not name.endswith(".dist-info")} == {"jixiao"}
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "jixiao/extract/__init__.py",
        "jixiao/normalize/layouts/hebei.py",
        "jixiao/schemas/report.schema.json",
    } <= names


def test_the_installed_wheel_converts_the_seed_outside_the_repository(installed, tmp_path, seed_truth):
    where = subprocess.run(
        [installed / "bin" / "python", "-c", "import jixiao; print(jixiao.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(installed)  # the wheel's copy, not the checkout
    result = subprocess.run(
        [installed / "bin" / "jixiao", "extract", SEED_TXT, "-o", tmp_path / "out", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    written = json.loads((tmp_path / "out" / "json" / f"{SEED_TXT.name}.json").read_text(encoding="utf-8"))
    assert_same_report(written, seed_truth)
    module = subprocess.run(
        [installed / "bin" / "python", "-m", "jixiao", "--version"], cwd=tmp_path, capture_output=True, text=True
    )
    assert module.returncode == 0 and module.stdout.startswith("jixiao ")
