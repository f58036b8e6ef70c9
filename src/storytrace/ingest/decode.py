"""Bytes to text for line- and file-oriented readers: UTF-8 (with or without BOM), then cp1252.

Real corpora mix encodings (old Windows exports are cp1252); binary files are refused by their NUL bytes.
"""

from __future__ import annotations

SNIFF_BYTES = 8192
_BOMS_UTF16 = (b"\xff\xfe", b"\xfe\xff")


class DecodeError(ValueError):
    """Bytes that are binary or in no encoding we try; the message is meant for a ReadError."""


def looks_binary(head: bytes) -> bool:
    """NUL bytes do not occur in text files (UTF-16 aside, which ``decode_bytes`` handles by its BOM)."""
    return b"\x00" in head and not head.startswith(_BOMS_UTF16)


def decode_bytes(data: bytes) -> str:
    """Decode a whole text file, trying UTF-8, UTF-8 with BOM, then cp1252."""
    if data.startswith(_BOMS_UTF16):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"not valid UTF-16 despite its byte-order mark ({exc.reason} at byte {exc.start})") from exc
    if b"\x00" in data:
        raise DecodeError("binary file (contains NUL bytes)")
    return decode_line(data)


def decode_line(data: bytes) -> str:
    """Decode one chunk (a line or a file) with the UTF-8 -> UTF-8-sig -> cp1252 fallback."""
    if b"\x00" in data:
        raise DecodeError("binary data (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")  # plain UTF-8 too; only strips a leading BOM
    except UnicodeDecodeError as exc:
        first_error = exc
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise DecodeError(
            f"cannot decode: not UTF-8 ({first_error.reason} at byte {first_error.start}) and not cp1252"
        ) from None
