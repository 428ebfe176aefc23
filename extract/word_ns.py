"""WordprocessingML names and the two value rules every Word part reader needs."""

from __future__ import annotations

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
VAL = W + "val"


def is_on(toggle: etree._Element | None) -> bool:
    """An on/off property (``w:vanish``, ``w:b``…): present and not switched off."""
    return toggle is not None and toggle.get(VAL, "true") not in ("0", "false", "off")


# Word's decimal numbers are 32-bit; a longer digit string is damage or an attack, and
# Python refuses to convert one of over 4,300 digits (ValueError), so it saturates here.
INT_MAX = 2**31 - 1


def to_int(value: str | None, default: int) -> int:
    """A decimal attribute; ``default`` when absent or not an ASCII number, clamped to ±INT_MAX."""
    if not value or not value.isascii():
        return default
    digits = value[1:] if value.startswith("-") else value
    if not digits.isdigit():
        return default
    number = INT_MAX if len(digits) > 10 else min(int(digits), INT_MAX)
    return -number if value.startswith("-") else number
