"""Hostile PDFs made at test time: each is small on disk (the flate bomb a few MB) and attacks a PDF parser.

Every builder writes a well-formed one-page PDF (the xref is computed) whose
only fault is its attack, with a line of text so that a reader that survives
has something to read.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from tests.fixtures.pdf.pdfwriter import assemble

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = b"BT /F1 12 Tf 72 720 Td (Hello from a hostile page) Tj ET\n"


def write_pdf(path: Path, objects: list[bytes]) -> Path:
    """Objects numbered from 1 (1 is the catalog) with a computed xref table and trailer."""
    path.write_bytes(assemble(objects, root=1))
    return path


def stream(data: bytes, extra: bytes = b"") -> bytes:
    """A stream object's body, the data deflated."""
    data = zlib.compress(data)
    return b"<< /Length %d /Filter /FlateDecode%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def one_page(
    path: Path,
    content: bytes = TEXT,
    *,
    resources: bytes = b"<< /Font << /F1 5 0 R >> >>",
    font: bytes = HELVETICA,
    more: tuple[bytes, ...] = (),
    content_object: bytes | None = None,
) -> Path:
    """Catalog 1, pages 2, page 3, its content 4, font 5, then `more` as objects 6, 7, …"""
    return write_pdf(
        path,
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources %s >>" % resources,
            content_object if content_object is not None else stream(content),
            font,
            *more,
        ],
    )


def self_reference(path: Path) -> Path:
    """Object 6 holds a reference to itself (`/ProcSet 6 0 R` inside object 6), reached from the resources."""
    return one_page(path, resources=b"6 0 R", more=(b"<< /Font << /F1 5 0 R >> /ProcSet 6 0 R /Me 6 0 R >>",))


def colour_space_cycle(path: Path) -> Path:
    """Two colour spaces each based on the other, used by the page's content."""
    content = b"/CS0 cs 0.5 sc 72 600 200 100 re f\n" + TEXT
    return one_page(
        path,
        content,
        resources=b"<< /Font << /F1 5 0 R >> /ColorSpace << /CS0 6 0 R >> >>",
        more=(b"[/Indexed 7 0 R 1 <00ff>]", b"[/Indexed 6 0 R 1 <00ff>]"),
    )


def huge_widths(path: Path) -> Path:
    """A CID font whose /W range spans two billion codes, and a simple font whose /LastChar is two billion."""
    cid_font = b"<< /Type /Font /Subtype /Type0 /BaseFont /Huge /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
    descendant = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Huge "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/W [0 2000000000 500] /DW 1000 >>"
    )
    simple = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 0 /LastChar 2000000000 /Widths [500] >>"
    content = TEXT + b"BT /F2 12 Tf 72 700 Td <00410042> Tj ET\nBT /F3 12 Tf 72 680 Td (AB) Tj ET\n"
    return one_page(
        path,
        content,
        resources=b"<< /Font << /F1 5 0 R /F2 7 0 R /F3 8 0 R >> >>",
        more=(descendant, cid_font, simple),
    )


def huge_bfrange(path: Path) -> Path:
    """A font whose ToUnicode CMap maps a range of two billion codes."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CMapName /Huge def /CMapType 2 def\n"
        b"1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n"
        b"2 beginbfrange <00000000> <7FFFFFFF> <0041> <80000000> <FFFFFFFF> [<0042> <0043>] endbfrange\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>"
    return one_page(path, font=font, more=(stream(cmap),))


def flate_bomb(path: Path, inflated: int) -> Path:
    """A page whose content stream inflates to `inflated` bytes (its text, then spaces): a few MB on disk.

    Deflate output after a full flush depends only on the input that follows,
    so one deflated megabyte of spaces is repeated; the zlib trailer's
    checksum is computed over what it stands for, so the stream is valid.
    """
    squeezer = zlib.compressobj(9)
    block = b" " * (1 << 20)
    head = squeezer.compress(TEXT) + squeezer.flush(zlib.Z_FULL_FLUSH)
    deflated_block = squeezer.compress(block) + squeezer.flush(zlib.Z_FULL_FLUSH)
    blocks = inflated >> 20
    checksum = zlib.adler32(TEXT)
    for _ in range(blocks):
        checksum = zlib.adler32(block, checksum)
    tail = squeezer.flush()[:-4] + checksum.to_bytes(4, "big")
    data = head + deflated_block * blocks + tail
    content = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return one_page(path, content_object=content)


def many_segments(path: Path, count: int, *, one_path: bool) -> Path:
    """A page of `count` short line segments: one path of them all, or one path object each."""
    lines = []
    for n in range(count):
        x, y = 20 + (n % 500) * 1.1, 20 + (n // 500) % 800
        lines.append(b"%.1f %.1f m %.1f %.1f l" % (x, y, x + 0.5, y))
        if not one_path:
            lines.append(b"S")
    if one_path:
        lines.append(b"S")
    return one_page(path, TEXT + b"\n".join(lines))
