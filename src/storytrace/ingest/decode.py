"""Bytes to text for line- and file-oriented readers: UTF-8 (with or without BOM), then cp1252.

Real corpora mix encodings (old Windows exports are cp1252); binary files are refused by their NUL bytes
or, since cp1252 reads almost any bytes, by their control characters.
"""

from __future__ import annotations

SNIFF_BYTES = 8192
_BOMS_UTF16 = (b"\xff\xfe", b"\xfe\xff")


class DecodeError(ValueError):
    """Bytes that are binary or in no encoding we try; the message is meant for a ReadError."""


def looks_binary(head: bytes) -> bool:
    """NUL bytes do not occur in text files (UTF-16 aside, which ``decode_bytes`` handles by its BOM)."""
    return b"\x00" in head and not head.startswith(_BOMS_UTF16)


def looks_binary_lines(head: bytes) -> bool:
    """For line formats (JSON Lines, CSV): binary only when most lines hold NUL bytes. One damaged line
    is that line's problem (``decode_line`` refuses it) and must not cost the rest of the file."""
    if not looks_binary(head):
        return False
    lines = head.split(b"\n")[:-1] or [head]  # the head's last line may be cut short
    return sum(b"\x00" in line for line in lines) * 2 > len(lines)


def is_utf16(head: bytes) -> bool:
    return head.startswith(_BOMS_UTF16)


# Control characters other than tab, line breaks (Word writes \x0b for one) and page breaks: text has
# next to none, random bytes read as cp1252 about one in eight. Over 1% of a file's characters means it is not text.
_CONTROL = frozenset(chr(c) for c in (*range(0x01, 0x09), *range(0x0E, 0x20), 0x7F))
_MAX_CONTROL_SHARE = 0.01


def _control_share(text: str) -> float:
    return sum(text.count(c) for c in _CONTROL) / len(text) if text else 0.0


def decode_bytes(data: bytes) -> str:
    """Decode a whole text file, trying UTF-8, UTF-8 with BOM, then cp1252."""
    if data.startswith(_BOMS_UTF16):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"not valid UTF-16 despite its byte-order mark ({exc.reason} at byte {exc.start})") from exc
    if b"\x00" in data:
        raise DecodeError("binary file (contains NUL bytes)")
    text = decode_line(data)
    share = _control_share(text[:SNIFF_BYTES * 8])
    if share > _MAX_CONTROL_SHARE:
        raise DecodeError(f"binary file ({share:.0%} control characters)")
    return text


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
