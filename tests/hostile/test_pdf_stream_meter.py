"""The stream meter's whole-file pass: a file too big to be harmless by its size alone is spared the
page-by-page measure only when everything its stream keywords start inflates within the bound."""

from __future__ import annotations

import zlib

import hostile_pdfs
from jixiao.extract.pdf_streams import MAX_INFLATED, StreamMeter

from tests.conftest import SEED


def test_a_large_report_whose_streams_stay_small_is_not_measured_page_by_page():
    path = SEED / "seed.pdf"
    assert path.stat().st_size * 1032 > MAX_INFLATED  # its size alone does not clear it
    meter = StreamMeter(path)
    assert [meter.refuse(index) for index in range(12)] == [None] * 12
    assert meter._pages is None  # pdfminer was never opened
    meter.close()


def test_a_bomb_past_the_bound_is_still_measured_page_by_page(tmp_path):
    bomb = hostile_pdfs.flate_bomb(tmp_path / "bomb.pdf", 300 << 20)
    meter = StreamMeter(bomb)
    assert meter.refuse(0) == "its streams inflate to more than 256 MB (a decompression bomb?)"
    meter.close()


def test_a_bomb_split_over_streams_each_under_the_bound_counts_as_their_sum(tmp_path):
    """The whole-file pass adds every stream up: four 80 MB streams are not cleared, though each
    alone would be; the page uses one of them, so the page-by-page measure lets it through."""
    block = zlib.compress(b" " * (80 << 20), 9)
    streams = tuple(
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(block) + block + b"\nendstream" for _ in range(4)
    )
    path = hostile_pdfs.one_page(tmp_path / "split.pdf", more=streams)
    path.write_bytes(path.read_bytes() + b"%" + b"0" * (300 << 10) + b"\n")  # past the size that clears alone
    meter = StreamMeter(path)
    assert not meter._harmless
    assert meter.refuse(0) is None
    meter.close()


def test_a_stream_keyword_followed_by_spaces_before_its_line_end_is_counted(tmp_path):
    """pdfium reads a stream whose keyword has trailing blanks; so does the whole-file pass."""
    block = zlib.compress(b" " * (300 << 20), 9)
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream  \r\n" % len(block) + block + b"\nendstream"
    path = hostile_pdfs.one_page(tmp_path / "blanks.pdf", content_object=body)
    meter = StreamMeter(path)
    assert not meter._harmless
    meter.close()


def test_an_encrypted_file_is_never_cleared_by_the_whole_file_pass(tmp_path):
    """Its streams are ciphertext until pdfium decrypts them, so inflating them proves nothing."""
    path = tmp_path / "encrypted.pdf"
    path.write_bytes(b"%PDF-1.7\ntrailer << /Encrypt 9 0 R >>\n" + b"%" + b"0" * (300 << 10) + b"\n")
    meter = StreamMeter(path)
    assert not meter._harmless
    meter.close()
