"""Text exports with damaged bytes: decode what is text, mark what is not, warn (issue 11.5)."""

import pytest
from jixiao.extract.model import ReadError
from jixiao.extract.text import decode

TEXT = "一、总体绩效目标\n\t项目名称\n\t城乡居民医疗救助\n"


BOUNDARIES = [len(TEXT[:i].encode()) for i in (0, 1, 5, 9, len(TEXT) - 1, len(TEXT))]


@pytest.mark.parametrize("position", BOUNDARIES)
def test_one_invalid_byte_in_utf8_is_marked_not_fatal(position):
    data = TEXT.encode() + "正文".encode() * 400
    damaged = data[:position] + b"\xff" + data[position:]
    text, notes = decode(damaged)
    assert text.count("\ufffd") == 1
    assert text.replace("\ufffd", "") == data.decode()
    assert notes == [
        ("undecodable_bytes", f"1 byte sequence(s) not valid utf-8 (first at byte {position}) were replaced by U+FFFD")
    ]


def test_invalid_byte_inside_a_character_costs_only_that_character():
    data = TEXT.encode() + "正文".encode() * 400
    damaged = data[:1] + b"\xff" + data[1:]  # inside 一
    text, notes = decode(damaged)
    assert text[text.rindex("\ufffd") + 1 :] == data.decode()[1:]
    assert notes[0][0] == "undecodable_bytes"


def test_invalid_byte_after_a_bom_is_marked():
    data = b"\xef\xbb\xbf" + TEXT.encode() + b"\x80" + "正文".encode() * 400
    text, notes = decode(data)
    assert text == TEXT + "\ufffd" + "正文" * 400
    assert notes[0][0] == "undecodable_bytes"
    assert "first at byte " + str(3 + len(TEXT.encode())) in notes[0][1]


def test_truncated_utf16_keeps_the_text():
    data = b"\xff\xfe" + (TEXT * 20).encode("utf-16-le") + b"\x00"
    text, notes = decode(data)
    assert text == TEXT * 20 + "\ufffd"
    assert notes[0][0] == "undecodable_bytes"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
def test_clean_text_gives_no_note(encoding):
    text, notes = decode((TEXT * 50).encode(encoding))
    assert (text, notes) == (TEXT * 50, [])


def test_binary_is_still_refused():
    data = bytes(range(128, 256)) * 40
    with pytest.raises(ReadError, match="binary data"):
        decode(data)
