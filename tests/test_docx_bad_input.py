"""Bad Word input: each a ReadError with a clear reason, fast, nothing written or fetched."""

from __future__ import annotations

import io
import os
import time
import zipfile

import pytest
from jixiao.extract import read_document
from jixiao.extract.docx import MAX_PART_BYTES
from jixiao.extract.model import ReadError

from tests.fixtures.word.builders import document_xml, docx_bytes, ole_bytes, p, r, word97_stream


def _read_fails(path, reason: str) -> ReadError:
    started = time.monotonic()
    with pytest.raises(ReadError, match=reason) as caught:
        read_document(path)
    assert time.monotonic() - started < 3
    return caught.value


@pytest.mark.parametrize("suffix", [".docx", ".doc"])
def test_password_protected_ooxml_is_refused(tmp_path, suffix):
    """Word saves a .docx with a password as an OLE file holding EncryptionInfo and EncryptedPackage."""
    path = tmp_path / f"secret{suffix}"
    path.write_bytes(
        ole_bytes({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 200, "EncryptedPackage": os.urandom(3000)})
    )
    _read_fails(path, "password-protected")


def test_password_protected_word97_is_refused(tmp_path):
    path = tmp_path / "secret.doc"
    path.write_bytes(ole_bytes({"WordDocument": word97_stream(encrypted=True), "1Table": b"\0" * 600}))
    _read_fails(path, "password-protected")


def test_excel_workbook_named_doc_is_not_a_word_document(tmp_path):
    path = tmp_path / "budget.doc"
    path.write_bytes(ole_bytes({"Workbook": b"\0" * 5000}))
    _read_fails(path, r"not a Word document \(Excel workbook\)")


def test_corrupt_zip_is_refused(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(docx_bytes(p(r("text")))[:400])
    _read_fails(path, "corrupt .docx")


def test_corrupt_member_is_refused(tmp_path):
    data = bytearray(docx_bytes(p(r("正文" * 200))))
    start = data.index(b"word/document.xml") + len("word/document.xml")
    data[start + 20 : start + 60] = b"\xff" * 40  # damage the deflated document part
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(data))
    _read_fails(path, "corrupt .docx|not well-formed")


def test_zip_without_word_document_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    path = tmp_path / "sheet.docx"
    path.write_bytes(buffer.getvalue())
    _read_fails(path, "no main document part")


def test_zip_bomb_part_is_refused_before_inflating(tmp_path):
    """A document.xml that inflates past the limit (here 201 MB of zeros, ~200 kB deflated)."""
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/styles.xml", "<styles/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(MAX_PART_BYTES // len(chunk) + 1):
                member.write(chunk)
    assert path.stat().st_size < 1_000_000
    _read_fails(path, "zip bomb")


def test_doctype_is_refused(tmp_path):
    laughs = '<!DOCTYPE w:document [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    path = tmp_path / "laughs.docx"
    path.write_bytes(docx_bytes("", document=document_xml(p(r("&lol2;")), prolog=laughs)))
    _read_fails(path, "DOCTYPE")


def test_external_entity_pointing_at_a_local_file_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    prolog = f'<!DOCTYPE w:document [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>'
    path = tmp_path / "xxe.docx"
    path.write_bytes(docx_bytes("", document=document_xml(p(r("&leak;")), prolog=prolog)))
    error = _read_fails(path, "DOCTYPE")
    assert "TOP-SECRET-VALUE" not in str(error)


def test_external_entity_is_not_resolved_by_the_parser_either(tmp_path):
    """Beneath the DOCTYPE refusal: the parser itself never loads an external entity."""
    from jixiao.extract.docx import _parser
    from lxml import etree

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    xml = f'<!DOCTYPE d [<!ENTITY leak SYSTEM "{secret.as_uri()}">]><d>&leak;</d>'.encode()
    root = etree.fromstring(xml, _parser())
    assert "TOP-SECRET-VALUE" not in etree.tostring(root, encoding="unicode")


@pytest.mark.parametrize(
    ("magic", "name"),
    [(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG image"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image")],
)
def test_image_named_doc_is_not_a_word_document(tmp_path, magic, name):
    path = tmp_path / "scan.doc"
    path.write_bytes(magic + os.urandom(2000))
    _read_fails(path, rf"not a Word document \({name}\)")


def test_not_well_formed_xml_is_refused(tmp_path):
    path = tmp_path / "bad.docx"
    path.write_bytes(docx_bytes("", document="<w:document><w:body><w:p></w:body>"))
    _read_fails(path, "not well-formed")


def test_bad_input_writes_nothing_beside_it(tmp_path):
    path = tmp_path / "scan.doc"
    path.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(100))
    with pytest.raises(ReadError):
        read_document(path)
    assert os.listdir(tmp_path) == ["scan.doc"]


def test_seed_with_random_elements_removed_never_raises_anything_but_a_document(tmp_path):
    """Structure the walker relies on, knocked out at random: it still reads (or refuses a span), never a traceback."""
    import random

    from lxml import etree

    from tests.conftest import SEED

    with zipfile.ZipFile(SEED / "seed.docx") as archive:
        original = archive.read("word/document.xml")
    randomness = random.Random(20200110)
    for attempt in range(30):
        root = etree.fromstring(original)
        elements = list(root.iter())[2:]
        for victim in randomness.sample(elements, 40):
            if victim.getparent() is not None:
                victim.getparent().remove(victim)
        for element in randomness.sample(list(root.iter()), 20):
            for name in list(element.attrib):
                element.set(name, randomness.choice(["", "-1", "x", "99999", "restart"]))
        path = tmp_path / f"mutant{attempt}.docx"
        path.write_bytes(docx_bytes("", document=etree.tostring(root, encoding="unicode")))
        try:
            document = read_document(path)
        except ReadError as error:  # a span set to 99999: over the span limit, the one refusal allowed
            assert "grid columns (limit" in str(error)
            continue
        assert all(t.n_cols >= 0 and t.n_rows >= 0 for t in document.tables)


def test_strict_open_xml_is_refused_with_what_to_do(tmp_path):
    strict = (
        '<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body><w:p/></w:body></w:document>'
    )
    path = tmp_path / "strict.docx"
    path.write_bytes(docx_bytes("", document=strict))
    _read_fails(path, "Strict Open XML")
