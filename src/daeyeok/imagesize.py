"""Intrinsic width and height of PNG, GIF, JPEG, WebP and SVG files, from their headers.

Why: an ``<img>`` without ``width``/``height`` makes the text jump when the
image arrives (layout shift); with them the browser reserves the box, and CSS
(``height: auto``) still scales it.  Only the first bytes are read; a file
this module cannot measure simply gets no attributes.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_SVG_ATTR = re.compile(rb"""\b(width|height|viewBox)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_LENGTH = re.compile(rb"^\s*([0-9.]+)\s*(px)?\s*$")


def _svg(data: bytes) -> tuple[int, int] | None:
    root = _SVG_ROOT.search(data)
    if root is None:
        return None
    attrs = {k.decode().lower(): v for k, v in _SVG_ATTR.findall(root.group())}
    w, h = (_LENGTH.match(attrs.get(k, b"")) for k in ("width", "height"))
    if w and h:
        return round(float(w.group(1))), round(float(h.group(1)))
    box = attrs.get("viewbox", b"").replace(b",", b" ").split()
    if len(box) == 4:
        try:
            return round(float(box[2])), round(float(box[3]))
        except ValueError:
            return None
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return w, h
        i += 2 + length
    return None


def image_size(path: Path) -> tuple[int, int] | None:
    """``(width, height)`` in CSS pixels, or ``None`` when unknown."""
    try:
        with path.open("rb") as fh:
            data = fh.read(256 * 1024)
    except OSError:
        return None
    size: tuple[int, int] | None = None
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        size = struct.unpack(">II", data[16:24])
    elif data[:6] in (b"GIF87a", b"GIF89a"):
        size = struct.unpack("<HH", data[6:10])
    elif data.startswith(b"\xff\xd8"):
        size = _jpeg(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        chunk = data[12:16]
        if chunk == b"VP8X":
            size = (1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little"))
        elif chunk == b"VP8 ":
            w, h = struct.unpack("<HH", data[26:30])
            size = (w & 0x3FFF, h & 0x3FFF)
        elif chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            size = ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    elif path.suffix.lower() == ".svg" or b"<svg" in data[:2048]:
        size = _svg(data)
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return int(size[0]), int(size[1])
