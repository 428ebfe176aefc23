"""OLE containers read by olefile and msoffcrypto-tool (issue 11.6): the real seed .doc, its encrypted twin, damage."""

from __future__ import annotations

import os

import olefile
import pytest
from jixiao.extract import conversion_kind
from jixiao.extract.model import ReadError
from jixiao.extract.ole import ENCRYPTED, WORD97, classify_ole

from tests.conftest import SEED
from tests.fixtures.cfb import compound_file


def _fib_offset(data: bytes) -> int:
    """Where the WordDocument stream's FIB starts: its magic 0xA5EC at a sector boundary."""
    for offset in range(512, len(data), 512):
        if data[offset : offset + 2] == b"\xec\xa5":
            return offset
    raise AssertionError("no FIB in the seed .doc")


def test_the_seed_doc_is_word97():
    assert classify_ole(SEED / "seed.doc") == WORD97


def test_the_seed_doc_with_its_encryption_flag_set_is_refused(tmp_path):
    data = bytearray((SEED / "seed.doc").read_bytes())
    data[_fib_offset(data) + 0x0B] |= 0x01  # FIB flags at 0x0A, fEncrypted = 0x0100
    path = tmp_path / "locked.doc"
    path.write_bytes(bytes(data))
    assert classify_ole(path) == ENCRYPTED
    with pytest.raises(ReadError, match="password-protected Word file"):
        conversion_kind(path)


@pytest.mark.parametrize("keep", [512, 1536, 4096])
def test_a_truncated_container_is_a_read_error(tmp_path, keep):
    path = tmp_path / "cut.doc"
    path.write_bytes((SEED / "seed.doc").read_bytes()[:keep])
    with pytest.raises(ReadError, match="corrupt OLE compound file"):
        classify_ole(path)


def test_random_sectors_after_a_valid_header_are_a_read_error_or_a_kind(tmp_path):
    header = (SEED / "seed.doc").read_bytes()[:512]
    for seed in range(20):
        path = tmp_path / f"noise{seed}.doc"
        path.write_bytes(header + os.urandom(512 * 40))
        try:
            kind = classify_ole(path)
        except ReadError as error:
            assert "corrupt OLE compound file" in str(error)
        else:
            assert kind in {"word97", "encrypted", "excel", "powerpoint", "other"}


def _large_word_file(encrypted: bool) -> bytes:
    """The seed's Word streams behind 7.5 MB of data: the FIB lies past what the header's 109 FAT sectors map."""
    with olefile.OleFileIO(str(SEED / "seed.doc")) as ole:
        word = bytearray(ole.openstream("WordDocument").read())
        table = ole.openstream("1Table").read()
    if encrypted:
        word[0x0B] |= 0x01  # fEncrypted
    streams = [("Data", b"\0" * 7_500_000), ("1Table", table), ("WordDocument", bytes(word))]
    data = compound_file(streams)
    header_mapped = 109 * 128 * 512  # bytes of sectors the header's own FAT sector list covers
    assert data.index(bytes(word[:4096])) > header_mapped
    return data


@pytest.mark.parametrize(("encrypted", "kind"), [(False, WORD97), (True, ENCRYPTED)])
def test_a_word_file_whose_fat_needs_difat_sectors_is_classified_by_its_fib(tmp_path, encrypted, kind):
    """A header-only FAT reader missed the FIB of a large .doc and let an encrypted one through to LibreOffice."""
    path = tmp_path / "large.doc"
    path.write_bytes(_large_word_file(encrypted))
    assert classify_ole(path) == kind
