"""What a file archived as .doc really is, from its bytes."""

from __future__ import annotations

import pytest
from jixiao.extract.sniff import sniff, sniff_bytes

from tests.conftest import SEED
from tests.fixtures.word.builders import docx_bytes, ole_bytes, p, r


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ole"),
        (b"{\\rtf1\\ansi\\deff0", "rtf"),
        (b'<html xmlns:v="urn:schemas-microsoft-com:vml">\r\n<head>', "html"),
        (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="x"', "mht"),
        (b'<?xml version="1.0"?>\n<?mso-application progid="Word.Document"?>\n<w:wordDocument>', "wordml"),
        (b'<?xml version="1.0"?>\n<?mso-application progid="Word.Document"?>\n<pkg:package>', "flat_opc"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"GIF89a\x01\x00", "gif"),
        (b"II*\x00\x08\x00", "tiff"),
        (b"PK\x03\x04\x14\x00", "zip"),  # a zip not known to be a Word package
    ],
)
def test_sniff_bytes(head, kind):
    assert sniff_bytes(head) == kind


def test_sniff_word_package_and_seed_files(tmp_path):
    path = tmp_path / "renamed.doc"
    path.write_bytes(docx_bytes(p(r("x"))))
    assert sniff(path) == "docx"
    assert sniff(SEED / "seed.doc") == "ole"
    encrypted = tmp_path / "secret.docx"
    encrypted.write_bytes(ole_bytes({"EncryptedPackage": b"\0" * 600}))
    assert sniff(encrypted) == "ole"
