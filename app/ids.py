"""Decline ids: `dcl_` + a ULID (48-bit millisecond time, 80 random bits, Crockford base32).

Sortable by creation, so the log's newest-first order and its cursor need only the primary key;
80 bits from `secrets` make an id impossible to guess. Within one process ids also rise when
several are made in the same millisecond: the next one's random part is the last one's plus a
fresh random step, so order holds and the next id still can't be guessed from the last.
"""

import secrets
from datetime import UTC, datetime

PREFIX = "dcl_"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {char: index for index, char in enumerate(_ALPHABET)}
ID_LENGTH = len(PREFIX) + 26


# Every pair of characters, by the 10 bits they stand for: an id is 13 look-ups, not 26 divmods
# (five ids for every decline stored: its own, its event's and its follow-ups').
_PAIRS = tuple(first + second for first in _ALPHABET for second in _ALPHABET)


def _encode(number: int, length: int) -> str:
    """The low 5 × `length` bits of `number` in base32, most significant first."""
    if length % 2:
        raise ValueError(f"_encode takes an even length, not {length}")
    pairs = _PAIRS
    return "".join([pairs[(number >> shift) & 1023] for shift in range(5 * length - 10, -1, -10)])


_RANDOM_LIMIT = 1 << 80
_STEP_BITS = 40
_last = [0, 0]  # the last id's millisecond and random part


def new_id(moment: datetime, prefix: str = PREFIX) -> str:
    millis = int(moment.timestamp() * 1000)
    last_millis, last_random = _last
    # One draw an id (each is a getrandom system call): the step only when this millisecond
    # already has an id, the 80 bits otherwise.
    if millis != last_millis:
        random = secrets.randbits(80)
    else:
        random = last_random + 1 + secrets.randbits(_STEP_BITS)
        if random >= _RANDOM_LIMIT:  # this millisecond is spent: borrow the next one
            millis, random = millis + 1, secrets.randbits(80)
    _last[:] = [millis, random]
    # The time's 10 characters and the random part's 16 in one pass: the same text, one join.
    return prefix + _encode(millis << 80 | random, 26)


def id_floor(moment: datetime, prefix: str = PREFIX) -> str:
    """The smallest id that could have been made at `moment` (for time-bounded scans)."""
    millis = max(int(moment.timestamp() * 1000), 0)
    return prefix + _encode(millis, 10) + "0" * 16


def is_well_formed(value: str, prefix: str = PREFIX) -> bool:
    return (
        len(value) == len(prefix) + 26
        and value.startswith(prefix)
        and all(char in _DECODE for char in value[len(prefix) :])
        and value[len(prefix)] <= "7"  # a ULID's time part fits 48 bits
    )


def created_at(decline_id: str) -> datetime:
    millis = 0
    for char in decline_id[len(PREFIX) : len(PREFIX) + 10]:
        millis = millis * 32 + _DECODE[char]
    return datetime.fromtimestamp(millis / 1000, tz=UTC)


CLOSEOUT_PREFIX = "clo_"


def new_closeout_id(moment: datetime) -> str:
    """An offer closeout's id: the same kind of ULID as a decline's, prefixed `clo_`."""
    return CLOSEOUT_PREFIX + new_id(moment).removeprefix(PREFIX)


def is_closeout_id(value: str) -> bool:
    return value.startswith(CLOSEOUT_PREFIX) and is_well_formed(
        PREFIX + value.removeprefix(CLOSEOUT_PREFIX)
    )
