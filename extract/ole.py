"""What an OLE compound file (the container of .doc, .xls, encrypted .docx) holds.

Enough to tell Word 97–2003 from Excel or PowerPoint, and to see encryption
before LibreOffice is started on a file it would only stall on (it asks for
a password no one can type in headless mode).  The container is read by
``olefile`` (the whole FAT, through the DIFAT of large files, which a
header-only reader misses) and a Word file's encryption flag by
``msoffcrypto-tool``'s FIB parser.
"""

from __future__ import annotations

from pathlib import Path

import msoffcrypto
import olefile
from jixiao.extract.model import ReadError

_FIB_IDENT = b"\xec\xa5"  # wIdent 0xA5EC, the first field of every Word 97–2003 FIB

WORD97, ENCRYPTED, EXCEL, POWERPOINT, OTHER = "word97", "encrypted", "excel", "powerpoint", "other"


def classify_ole(path: Path) -> str:
    """One of WORD97, ENCRYPTED, EXCEL, POWERPOINT, OTHER; ReadError if the container is broken."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            names = {entry[0].lower() for entry in ole.listdir(streams=True, storages=False) if len(entry) == 1}
            fib_valid = "worddocument" in names and ole.openstream("WordDocument").read(2) == _FIB_IDENT
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError… on damaged containers
        raise ReadError(f"corrupt OLE compound file ({type(exc).__name__}: {exc})") from exc
    if "encryptedpackage" in names or "encryptioninfo" in names:
        return ENCRYPTED  # an encrypted OOXML (.docx with a password)
    if "worddocument" in names:
        # a FIB without its magic number is damaged, and its flags are noise: LibreOffice says what is wrong
        return ENCRYPTED if fib_valid and _word97_encrypted(path) else WORD97
    if "workbook" in names or "book" in names:
        return EXCEL
    if "powerpoint document" in names:
        return POWERPOINT
    return OTHER


def _word97_encrypted(path: Path) -> bool:
    """The FIB's fEncrypted flag (RC4 or XOR password protection of Word 97–2003)."""
    try:
        with open(path, "rb") as handle:
            return msoffcrypto.OfficeFile(handle).is_encrypted()
    except Exception:  # noqa: BLE001 - a FIB it cannot parse: LibreOffice says what is wrong instead
        return False
