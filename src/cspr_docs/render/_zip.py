"""A minimal zip writer: parts deflated once are copied as raw bytes into every output (reproducible timestamps)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01: outputs differ only when their content does
_DOS_TIME = 0
_UTF8_FLAG = 0x800


@dataclass(frozen=True)
class Entry:
    """One compressed zip member, ready to be written as it is."""

    name: bytes
    crc: int
    size: int
    data: bytes
    method: int


def deflate(name: str, content: bytes, *, level: int = 6) -> Entry:
    """Compress one member (raw deflate, as zip stores it)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return Entry(name.encode("utf-8"), zlib.crc32(content) & 0xFFFFFFFF, len(content), data, 8)


def build_zip(entries: list[Entry]) -> bytes:
    """The bytes of a zip archive holding `entries` in order (no zip64: Office parts stay far below 4 GiB)."""
    out = bytearray()
    central = bytearray()
    for entry in entries:
        offset = len(out)
        flags = _UTF8_FLAG if not entry.name.isascii() else 0
        out += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, flags, entry.method, _DOS_TIME, _DOS_DATE,
            entry.crc, len(entry.data), entry.size, len(entry.name), 0,
        )
        out += entry.name
        out += entry.data
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, entry.method, _DOS_TIME, _DOS_DATE,
            entry.crc, len(entry.data), entry.size, len(entry.name), 0, 0, 0, 0, 0o100644 << 16, offset,
        )
        central += entry.name
    start = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), start, 0)
    return bytes(out)
