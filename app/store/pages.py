"""Opaque keyset cursors: a page ends at a position, and the next one starts after it."""

import base64
import binascii


class InvalidCursor(ValueError):
    pass


def encode(kind: str, *parts: str) -> str:
    raw = "\x1f".join((kind, *parts))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(kind: str, cursor: str, parts: int) -> list[str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidCursor(cursor) from error
    found = raw.split("\x1f")
    if len(found) != parts + 1 or found[0] != kind:
        raise InvalidCursor(cursor)
    return found[1:]
