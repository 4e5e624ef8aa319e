"""Validation of the plain-text fields people type into a decline request."""

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

_WHITESPACE_RUN = re.compile(r"\s+")


def clean_line(value: object) -> object:
    """Fold whitespace to single spaces and refuse characters no message can carry.

    Whitespace is folded so that a stray tab or double space in a name never shows up in a
    letter; control characters and lone surrogates are refused rather than dropped, because
    silently changing what someone typed would be worse than telling them.
    """
    if not isinstance(value, str):
        return value  # let the str validator explain the type error
    folded = _WHITESPACE_RUN.sub(" ", value).strip()
    for char in folded:
        category = unicodedata.category(char)
        if category == "Cs":
            raise PydanticCustomError(
                "invalid_text", "must be valid Unicode text (found a lone surrogate)"
            )
        if category == "Cc":
            raise PydanticCustomError(
                "invalid_text", f"must not contain control characters (found U+{ord(char):04X})"
            )
    return folded


# Folding runs before the length check, so limits count what the letter will carry.
Line120 = Annotated[
    str, BeforeValidator(clean_line), StringConstraints(min_length=1, max_length=120)
]
Line200 = Annotated[
    str, BeforeValidator(clean_line), StringConstraints(min_length=1, max_length=200)
]
Line300 = Annotated[
    str, BeforeValidator(clean_line), StringConstraints(min_length=1, max_length=300)
]
Line500 = Annotated[
    str, BeforeValidator(clean_line), StringConstraints(min_length=1, max_length=500)
]

_EMAIL = re.compile(r"^[^@\s<>]{1,64}@[^@\s<>.]+(\.[^@\s<>.]+)+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().\-]{4,30}([ ]?(x|ext\.?)[ ]?[0-9]{1,6})?$")


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise PydanticCustomError("invalid_text", "must be an email address like name@example.com")
    return value


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise PydanticCustomError(
            "invalid_text",
            "must be a phone number such as +1 415 555 0100 or (415) 555-0100",
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
