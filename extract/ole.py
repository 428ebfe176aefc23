"""What an OLE compound file (the container of .doc, .xls, encrypted .docx) holds.

Only the directory and the first sector of the WordDocument stream are read:
enough to tell Word 97–2003 from Excel or PowerPoint, and to see encryption
before LibreOffice is started on a file it would only stall on (it asks for
a password no one can type in headless mode).
"""

from __future__ import annotations

import struct
from pathlib import Path

from jixiao.extract.model import ReadError

_FREE_OR_END = 0xFFFFFFFA  # sector numbers at or above this end a chain
_ENTRY = 128

WORD97, ENCRYPTED, EXCEL, POWERPOINT, OTHER = "word97", "encrypted", "excel", "powerpoint", "other"


def classify_ole(path: Path) -> str:
    """One of WORD97, ENCRYPTED, EXCEL, POWERPOINT, OTHER; ReadError if the container is broken."""
    data = Path(path).read_bytes()
    try:
        streams = _directory(data)
    except (struct.error, IndexError, ValueError) as exc:
        raise ReadError(f"corrupt OLE compound file ({exc})") from exc
    names = {name.lower(): entry for name, entry in streams.items()}
    if "encryptedpackage" in names or "encryptioninfo" in names:
        return ENCRYPTED  # an encrypted OOXML (.docx with a password)
    if "worddocument" in names:
        return ENCRYPTED if _word97_encrypted(data, *names["worddocument"]) else WORD97
    if "workbook" in names or "book" in names:
        return EXCEL
    if "powerpoint document" in names:
        return POWERPOINT
    return OTHER


def _directory(data: bytes) -> dict[str, tuple[int, int, int]]:
    """Stream name → (start sector, size, sector size), from the compound file directory."""
    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    if sector_size not in (512, 4096):
        raise ValueError(f"sector size {sector_size}")
    n_fat, first_dir = struct.unpack_from("<I", data, 0x2C)[0], struct.unpack_from("<I", data, 0x30)[0]
    n_sectors = max(len(data) // sector_size - 1, 0)
    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C)[:n_fat] if s < _FREE_OR_END]
    fat: list[int] = []
    for sector in fat_sectors:
        offset = (sector + 1) * sector_size
        fat.extend(struct.unpack_from(f"<{sector_size // 4}I", data, offset))
    streams: dict[str, tuple[int, int, int]] = {}
    sector, seen = first_dir, set()
    while sector < _FREE_OR_END and sector < n_sectors and sector not in seen:
        seen.add(sector)
        offset = (sector + 1) * sector_size
        for entry in range(offset, offset + sector_size, _ENTRY):
            name_len, kind = struct.unpack_from("<HB", data, entry + 0x40)
            if kind not in (1, 2, 5) or not 2 <= name_len <= 64:
                continue
            name = data[entry : entry + name_len - 2].decode("utf-16-le", errors="replace")
            start, size = struct.unpack_from("<II", data, entry + 0x74)
            streams[name] = (start, size, sector_size)
        sector = fat[sector] if sector < len(fat) else _FREE_OR_END
    return streams


def _word97_encrypted(data: bytes, start: int, size: int, sector_size: int) -> bool:
    """The FIB's fEncrypted / fObfuscated flags (password-protected Word 97–2003)."""
    if size < 4096:  # a WordDocument stream this small lives in the mini stream; no FIB worth reading
        return False
    offset = (start + 1) * sector_size
    ident, flags = struct.unpack_from("<H", data, offset)[0], struct.unpack_from("<H", data, offset + 0x0A)[0]
    return ident == 0xA5EC and bool(flags & 0x0100 or flags & 0x8000)
