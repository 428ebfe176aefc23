"""The Python API: extract_file from a path, bytes or a file object; extract_many for notebooks; one error base."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest
from jixiao.normalize.records import TABLE_COLUMNS

import jixiao
from tests.conftest import SAMPLES

YIBAO = SAMPLES / "hebei" / "yibao_2023.txt"
YIBAO_PDF = SAMPLES / "hebei" / "yibao_2023.pdf"


@pytest.mark.parametrize("sample", [YIBAO, YIBAO_PDF], ids=["txt", "pdf"])
def test_bytes_and_file_objects_give_what_the_path_gives(sample):
    from_path = jixiao.extract_file(sample).to_dict()
    with open(sample, "rb") as handle:
        from_handle = jixiao.extract_file(handle).to_dict()  # its name is the hint
    from_bytes = jixiao.extract_file(sample.read_bytes(), name=sample.name).to_dict()
    from_buffer = jixiao.extract_file(io.BytesIO(sample.read_bytes()), name=sample.name).to_dict()
    assert from_handle == from_path and from_bytes == from_path and from_buffer == from_path
    assert from_path["source"]["path"] == sample.name


def test_the_name_hint_gives_the_archived_format():
    unnamed = jixiao.extract_file(YIBAO.read_bytes())
    assert unnamed.source.format == "txt" and unnamed.source.path == "report"
    # the same text under a .doc name (archives hold text exports named .doc) is reported as it was archived
    assert jixiao.extract_file(YIBAO.read_bytes(), name="yibao.doc").source.format == "doc"


def test_one_exception_base_catches_every_error_users_see(tmp_path):
    assert issubclass(jixiao.ReadError, jixiao.JixiaoError) and issubclass(jixiao.NotAReport, jixiao.JixiaoError)
    assert issubclass(jixiao.BatchError, jixiao.JixiaoError)
    assert jixiao.ReadError is jixiao.extract.ReadError  # the readers raise the exported class itself
    with pytest.raises(jixiao.ReadError, match="empty"):
        jixiao.extract_file(b"", name="empty.txt")
    with pytest.raises(jixiao.NotAReport, match="no table"):
        jixiao.extract_file("说明：本文件夹存放绩效目标表。\n".encode(), name="readme.txt")
    with pytest.raises(jixiao.JixiaoError):
        jixiao.extract_file(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64), name="photo.doc")
    with pytest.raises(TypeError, match="binary mode"):
        jixiao.extract_file(io.StringIO("text"))


def test_extract_many_gives_the_tables_as_dataframes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for sample in sorted((SAMPLES / "hebei").glob("*.txt")):
        shutil.copyfile(sample, folder / sample.name)
    shutil.copyfile(YIBAO, folder / "copy_of_yibao.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "Thumbs.db").write_bytes(bytes(64))
    tables = jixiao.extract_many([folder])
    assert set(tables) == {*TABLE_COLUMNS, "files"}
    files = tables["files"].set_index("path")
    assert files.loc[str(folder / "empty.txt"), "status"] == "failed"
    assert "empty" in files.loc[str(folder / "empty.txt"), "error"]
    assert files.loc[str(folder / "Thumbs.db"), "status"] == "skipped"
    converted = files[files["status"].isin(["ok", "warnings", "partial"])]
    assert len(converted) == 6 and converted["report_id"].nunique() == 5  # the copy is the same report
    assert tables["reports"]["report_id"].is_unique and len(tables["reports"]) == 5
    single = [jixiao.extract_file(p).to_frames() for p in sorted((SAMPLES / "hebei").glob("*.txt"))]
    for name in ("projects", "indicators"):
        assert len(tables[name]) == sum(len(frames[name]) for frames in single)
        assert list(tables[name].dtypes) == list(single[0][name].dtypes)
    assert isinstance(tables["files"], pd.DataFrame)


def test_the_public_api_has_docstrings():
    for name in ("extract_file", "extract_many", "JixiaoError", "ReadError", "NotAReport", "BatchError"):
        assert getattr(jixiao, name).__doc__, name
    assert set(jixiao.__all__) >= {"extract_file", "extract_many", "JixiaoError", "Report"}
