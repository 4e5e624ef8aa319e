"""Decline ids: `dcl_` + a ULID (48-bit millisecond time, 80 random bits, Crockford base32).

Sortable by creation, so the log's newest-first order and its cursor need only the primary key;
80 bits from `secrets` make an id impossible to guess.
"""

import secrets
from datetime import UTC, datetime

PREFIX = "dcl_"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {char: index for index, char in enumerate(_ALPHABET)}
ID_LENGTH = len(PREFIX) + 26


def _encode(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        number, remainder = divmod(number, 32)
        chars.append(_ALPHABET[remainder])
    return "".join(reversed(chars))


def new_id(moment: datetime) -> str:
    millis = int(moment.timestamp() * 1000)
    return PREFIX + _encode(millis, 10) + _encode(secrets.randbits(80), 16)


def id_floor(moment: datetime) -> str:
    """The smallest id that could have been made at `moment` (for time-bounded scans)."""
    millis = max(int(moment.timestamp() * 1000), 0)
    return PREFIX + _encode(millis, 10) + "0" * 16


def is_well_formed(value: str) -> bool:
    return (
        len(value) == ID_LENGTH
        and value.startswith(PREFIX)
        and all(char in _DECODE for char in value[len(PREFIX) :])
        and value[len(PREFIX)] <= "7"  # a ULID's time part fits 48 bits
    )


def created_at(decline_id: str) -> datetime:
    millis = 0
    for char in decline_id[len(PREFIX) : len(PREFIX) + 10]:
        millis = millis * 32 + _DECODE[char]
    return datetime.fromtimestamp(millis / 1000, tz=UTC)
