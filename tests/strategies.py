"""Hypothesis strategies for the input every text and time field must survive: the edges of the
calendar, characters that casefolding lengthens, and invisible or direction-changing ones."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

# Every plain-text field of DeclineRequest, as a path into the body.
TEXT_FIELDS: list[tuple[str, ...]] = [
    ("role",),
    ("company",),
    ("candidate", "name"),
    ("recipient", "name"),
    ("recipient", "title"),
    ("reason", "detail"),
    ("preferred_role", "title"),
    ("preferred_role", "note"),
    ("referral", "name"),
    ("referral", "relationship"),
    ("referral", "strengths"),
    ("relationship", "common_ground"),
    ("relationship", "company_news"),
]
EMAIL_FIELDS: list[tuple[str, ...]] = [("candidate", "email"), ("recipient", "email")]
TIME_FIELDS: list[tuple[str, ...]] = [("interview_at",)]
TIME_FILTERS = ["created_after", "created_before"]
TEXT_FILTERS = ["company", "q"]
LIMITS = {"role": 200, "company": 200, "reason.detail": 500, "preferred_role.title": 200}

# Casefolding turns each into two or three characters.
EXPANDING = ["ß", "ﬃ", "İ", "ΐ", "ŉ", "ﬀ", "ǰ", "ẞ"]
# Characters that must never reach a message: direction overrides, embeddings and isolates,
# the Arabic letter mark, zero-width space, word joiner, byte order mark, soft hyphen,
# tag characters, noncharacters.
INVISIBLE = [
    "\u202e",
    "\u202d",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u200b",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\U000e0001",
    "\U000e0041",
    "\U000e007f",
    "\ufdd0",
    "\ufffe",
    "\U0010ffff",
]

expanding_text = st.integers(min_value=1, max_value=200).flatmap(
    lambda size: st.lists(st.sampled_from(EXPANDING), min_size=size, max_size=size).map("".join)
)
word = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12)
invisible_text = st.builds(
    lambda before, char, after: f"{before}{char}{after}", word, st.sampled_from(INVISIBLE), word
)

_OFFSET = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_EDGE_MOMENTS = [
    datetime(1, 1, 1),
    datetime(1, 1, 1, 23, 59, 59),
    datetime(1, 1, 2),
    datetime(2, 1, 1),
    datetime(1970, 1, 1),
    datetime(1969, 12, 31, 23, 59, 59, 999999),
    datetime(2000, 2, 29, 12),
    datetime(9998, 12, 31, 23, 59, 59),
    datetime(9999, 1, 1),
    datetime(9999, 12, 31),
    datetime(9999, 12, 31, 23, 59, 59, 999999),
]


def _rfc3339(moment: datetime, offset: timezone) -> str:
    text = moment.replace(tzinfo=offset).isoformat()
    return text.replace("+00:00", "Z") if offset.utcoffset(None) == timedelta(0) else text


edge_times = st.builds(
    _rfc3339, st.sampled_from(_EDGE_MOMENTS) | st.datetimes(), _OFFSET | st.just(UTC)
)


def with_field(body: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of `body` with the value at `path` set, creating the parent object if absent."""
    copy = {key: (dict(item) if isinstance(item, dict) else item) for key, item in body.items()}
    target = copy
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    if path[0] == "recipient":
        target.setdefault("name", "Jordan Lee")
    if path[0] == "preferred_role":
        target.setdefault("title", "Engineering Manager")
    return copy
