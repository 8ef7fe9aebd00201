"""A fast PNG writer for flat ad art: no row filters, zlib level 1.

Pillow's encoder tries every row filter and holds the GIL while it does; for flat-colour layouts the
unfiltered rows compress as well, and ``zlib.compress`` releases the GIL, so renders scale across threads.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode(img: Image.Image, level: int = 1) -> bytes:
    """PNG bytes of an RGB (or RGBA) image."""
    if img.mode not in ("RGB", "RGBA"):
        img = img.convert("RGB")
    width, height = img.size
    channels = 3 if img.mode == "RGB" else 4
    raw = img.tobytes()
    stride = width * channels
    rows = b"".join(b"\x00" + raw[y * stride:(y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 6, 0, 0, 0)
    return (_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, level))
            + _chunk(b"IEND", b""))


def save(img: Image.Image, path: Path | str, level: int = 1) -> None:
    Path(path).write_bytes(encode(img, level))
