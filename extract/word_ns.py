"""WordprocessingML names and the two value rules every Word part reader needs."""

from __future__ import annotations

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
VAL = W + "val"


def is_on(toggle: etree._Element | None) -> bool:
    """An on/off property (``w:vanish``, ``w:b``…): present and not switched off."""
    return toggle is not None and toggle.get(VAL, "true") not in ("0", "false", "off")


def to_int(value: str | None, default: int) -> int:
    """A decimal attribute; ``default`` when absent or not a number (damaged files have both)."""
    return int(value) if value and value.lstrip("-").isdigit() else default
