"""Validation of the plain-text fields people type into a decline request."""

import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

_WHITESPACE_RUN = re.compile(r"\s+")
# Every character of Unicode category Cc (controls) or Cs (surrogates), as one regex: a search
# in C instead of a category look-up per character, which was most of a request's validation.
_REFUSED_CHARS = "\x00-\x1f\x7f-\x9f\ud800-\udfff"


# Characters that change what a message looks like without being seen: the format characters
# (Unicode category Cf: direction overrides, embeddings and isolates U+202A-202E and
# U+2066-2069, the Arabic letter mark U+061C, marks U+200E-200F, zero-width space U+200B, word
# joiner and invisible operators, byte order mark U+FEFF, tag characters U+E0000-E007F, ...)
# but the zero-width (non-)joiners U+200C-200D, which Persian, Devanagari and emoji sequences
# need and which reorder nothing; and the 66 noncharacters. Spelled out, not computed at import
# (a scan of every code point took a second); a test checks it against unicodedata.
FORMAT_CHARACTERS = [
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200B),
    (0x200E, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
]
NONCHARACTERS = [(0xFDD0, 0xFDEF)] + [
    (plane * 0x10000 + 0xFFFE, plane * 0x10000 + 0xFFFF) for plane in range(17)
]
_INVISIBLE = sorted(FORMAT_CHARACTERS + NONCHARACTERS)
_INVISIBLE_CHARS = "".join(
    re.escape(chr(low)) + ("" if low == high else "-" + re.escape(chr(high)))
    for low, high in _INVISIBLE
)
_REFUSED_CHAR = re.compile(f"[{_REFUSED_CHARS}{_INVISIBLE_CHARS}]")


def clean_line(value: object) -> object:
    """Fold whitespace to single spaces and refuse characters no message can carry.

    Whitespace is folded so that a stray tab or double space in a name never shows up in a
    letter; control characters and lone surrogates are refused rather than dropped, because
    silently changing what someone typed would be worse than telling them.
    """
    if not isinstance(value, str):
        return value  # let the str validator explain the type error
    # Most text is already clean. isprintable() is False for every control, surrogate and
    # whitespace character but the ASCII space, so with no doubled or edge space there is
    # nothing to fold or refuse (one C-level pass instead of three).
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value
    folded = _WHITESPACE_RUN.sub(" ", value).strip()
    refused = _REFUSED_CHAR.search(folded)
    if refused is None:
        return folded
    char = refused.group()
    category = unicodedata.category(char)
    if category == "Cs":
        raise PydanticCustomError(
            "invalid_text", "must be valid Unicode text (found a lone surrogate)"
        )
    if category != "Cc":
        raise PydanticCustomError(
            "invalid_text",
            "must not contain invisible or direction-changing characters "
            f"(found U+{ord(char):04X})",
        )
    raise PydanticCustomError(
        "invalid_text", f"must not contain control characters (found U+{ord(char):04X})"
    )


# What clean_line refuses, as JSON Schema: control characters that are not whitespace, and
# text that folds to nothing. (Python folds U+001C-U+001F and U+0085 as whitespace.)
# (JSON Schema patterns without the u flag name only the Basic Multilingual Plane's.)
_REFUSED = "\\u0000-\\u0008\\u000e-\\u001b\\u007f-\\u0084\\u0086-\\u009f" + "".join(
    f"\\u{low:04x}" + ("" if low == high else f"-\\u{high:04x}")
    for low, high in _INVISIBLE
    if high <= 0xFFFF
)
_SPACE = "\\s\\u001c-\\u001f\\u0085"
TEXT_PATTERN = f"^[^{_REFUSED}]*[^{_SPACE}{_REFUSED}][^{_REFUSED}]*$"


def _line(max_length: int) -> object:
    schema = {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": TEXT_PATTERN}
    return WithJsonSchema(schema)


# Folding runs before the length check, so limits count what the letter will carry.
Line60 = Annotated[
    str, BeforeValidator(clean_line), StringConstraints(min_length=1, max_length=60), _line(60)
]
Line120 = Annotated[
    str, BeforeValidator(clean_line), StringConstraints(min_length=1, max_length=120), _line(120)
]
Line200 = Annotated[
    str, BeforeValidator(clean_line), StringConstraints(min_length=1, max_length=200), _line(200)
]
Line300 = Annotated[
    str, BeforeValidator(clean_line), StringConstraints(min_length=1, max_length=300), _line(300)
]
Line500 = Annotated[
    str, BeforeValidator(clean_line), StringConstraints(min_length=1, max_length=500), _line(500)
]

# Local part, then dot-separated domain labels; no whitespace, brackets or control characters.
_NOT_IN_EMAIL = f"\\s<>{_REFUSED_CHARS}{_INVISIBLE_CHARS}"
_DOMAIN_LABEL = f"[^.@{_NOT_IN_EMAIL}]+"
_EMAIL = re.compile(f"^[^@{_NOT_IN_EMAIL}]{{1,64}}@{_DOMAIN_LABEL}(\\.{_DOMAIN_LABEL})+$")
_PHONE = re.compile(r"^\+?[0-9(][0-9 ().\-]{4,30}([ ]?(x|ext\.?)[ ]?[0-9]{1,6})?$")


def _email(value: str) -> str:
    if (refused := _REFUSED_CHAR.search(value)) is not None:
        raise PydanticCustomError(
            "invalid_text",
            f"must not contain control, invisible or direction-changing characters "
            f"(found U+{ord(refused.group()):04X})",
        )
    if not _EMAIL.match(value):
        raise PydanticCustomError("invalid_text", "must be an email address like name@example.com")
    return value


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise PydanticCustomError(
            "invalid_text",
            "must be a phone number such as +1 415 555 0100 or 415-555-0100",
        )
    return value


# Readable messages instead of a regular expression quoted back at the person.
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254),
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254}),
]
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=5, max_length=40),
    AfterValidator(_phone),
    WithJsonSchema({"type": "string", "minLength": 5, "maxLength": 40, "pattern": _PHONE.pattern}),
]


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def rfc3339_only(value: object) -> object:
    """Refuse what lax parsing would turn into a moment: numbers (Unix time), dates alone."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339.fullmatch(value.strip()):
        raise PydanticCustomError(
            "rfc3339", "give an RFC 3339 date-time with an offset, e.g. 2026-12-01T15:00:00Z"
        )
    return value


# Times whose UTC moment lies a year inside what Python can represent, so that normalising
# them, or a year's arithmetic on them, never overflows.
EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def _representable(value: datetime) -> datetime:
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise PydanticCustomError(
            "rfc3339", "must be a time between the years 0002 and 9998 (in UTC)"
        )
    return value


Rfc3339 = Annotated[AwareDatetime, BeforeValidator(rfc3339_only), AfterValidator(_representable)]
