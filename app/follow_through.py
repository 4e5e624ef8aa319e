"""When a stored decline's follow-ups come due, and how their status reads at a given moment."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from app import ids
from app.schemas import DeclineRequest

FOLLOW_UP_PREFIX = "fup_"
SEND_AT = time(9, 0)


@dataclass(frozen=True, slots=True)
class NewFollowUp:
    id: str
    position: int
    kind: str
    send_after_days: int
    subject: str
    text: str
    due_at: datetime


def candidate_zone(request: DeclineRequest) -> tzinfo:
    """The candidate's time zone: theirs if given, else the interview's offset, else UTC."""
    if request.candidate.timezone:
        return ZoneInfo(request.candidate.timezone)
    if request.interview_at is not None and request.interview_at.utcoffset() is not None:
        return timezone(request.interview_at.utcoffset() or timedelta())
    return UTC


def due_at(created_at: datetime, days: int, zone: tzinfo) -> datetime:
    """`days` after `created_at`, at 09:00 on that day in `zone`, in UTC."""
    day = created_at.astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, SEND_AT, tzinfo=zone).astimezone(UTC)


def schedule(
    request: DeclineRequest,
    follow_ups: Sequence[Mapping[str, object]],
    created_at: datetime,
) -> tuple[list[dict[str, object]], list[NewFollowUp]]:
    """The composed follow-ups with `id`, `due_at` and `status` added, and the rows to store."""
    zone = candidate_zone(request)
    entries: list[dict[str, object]] = []
    rows: list[NewFollowUp] = []
    for position, fields in enumerate(follow_ups):
        days = fields["send_after_days"]
        assert isinstance(days, int)
        row = NewFollowUp(
            id=ids.new_id(created_at, FOLLOW_UP_PREFIX),
            position=position,
            kind=str(fields["kind"]),
            send_after_days=days,
            subject=str(fields["subject"]),
            text=str(fields["text"]),
            due_at=due_at(created_at, days, zone),
        )
        rows.append(row)
        entries.append({**fields, "id": row.id, "due_at": row.due_at, "status": "scheduled"})
    return entries, rows


def read_status(stored: str, due: datetime, now: datetime) -> str:
    """The status a reader sees: a scheduled follow-up whose time has passed is due."""
    return "due" if stored == "scheduled" and due <= now else stored


# A stored document's follow-up entry ends with its due_at and status, as serialised by
# decline_document; text a person typed cannot forge this, since its quotes are escaped.
_SCHEDULED = re.compile(r'"due_at":"([0-9T:.+\-Z]+)","status":"scheduled"')


def as_of(document: str, now: datetime) -> str:
    """The stored document with each scheduled follow-up whose time has passed marked due."""
    if '"status":"scheduled"' not in document:
        return document

    def mark(match: re.Match[str]) -> str:
        moment = datetime.fromisoformat(match.group(1))
        if moment > now:
            return match.group(0)
        return f'"due_at":"{match.group(1)}","status":"due"'

    return _SCHEDULED.sub(mark, document)
