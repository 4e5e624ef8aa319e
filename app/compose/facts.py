"""The facts of a decline, derived once from the request and shared by every channel's templates.

Templates receive only what the request says, pre-formatted; they never see None for a value
they print unless they test for it first, and nothing here invents a fact.
"""

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from app.schemas import DeclineRequest, ReferralTiming

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def spoken_datetime(moment: datetime) -> str:
    """'Tuesday, December 1 at 3:00 PM', in the moment's own offset, independent of OS locale."""
    hour = moment.hour % 12 or 12
    meridiem = "AM" if moment.hour < 12 else "PM"
    return (
        f"{_WEEKDAYS[moment.weekday()]}, {_MONTHS[moment.month - 1]} {moment.day}"
        f" at {hour}:{moment.minute:02d} {meridiem}"
    )


@dataclass(frozen=True, slots=True)
class Facts:
    stage: str
    reason: str
    tone: str
    role: str
    company: str
    candidate_name: str
    candidate_email: str | None
    candidate_phone: str | None
    recipient_name: str | None
    recipient_title: str | None
    detail: str | None
    preferred_role: str | None
    preferred_role_note: str | None
    interview_when: str | None
    referral_offered: bool
    referral_now: bool
    referral_later: bool
    referral_name: str | None
    referral_email: str | None
    referral_relationship: str | None
    referral_strengths: str | None
    keep_in_touch: bool
    linkedin_connected: bool
    common_ground: str | None
    company_news: str | None

    def context(self, **extra: Any) -> dict[str, Any]:
        # A shallow copy: every field is immutable, and asdict()'s deep copy cost more than the
        # rendering it fed.
        return {**{name: getattr(self, name) for name in _FIELD_NAMES}, **extra}


_FIELD_NAMES = tuple(field.name for field in fields(Facts))


def facts_from(request: DeclineRequest) -> Facts:
    recipient = request.recipient
    referral = request.referral
    preferred = request.preferred_role
    relationship = request.relationship
    return Facts(
        stage=request.stage.value,
        reason=request.reason.category.value,
        tone=request.tone.value,
        role=request.role,
        company=request.company,
        candidate_name=request.candidate.name,
        candidate_email=request.candidate.email,
        candidate_phone=request.candidate.phone,
        recipient_name=recipient.name if recipient else None,
        recipient_title=recipient.title if recipient else None,
        detail=request.reason.detail,
        preferred_role=preferred.title if preferred else None,
        preferred_role_note=preferred.note if preferred else None,
        interview_when=spoken_datetime(request.interview_at) if request.interview_at else None,
        referral_offered=referral is not None,
        referral_now=referral is not None and referral.timing is ReferralTiming.now,
        referral_later=referral is not None and referral.timing is ReferralTiming.later,
        referral_name=referral.name if referral else None,
        referral_email=referral.email if referral else None,
        referral_relationship=referral.relationship if referral else None,
        referral_strengths=referral.strengths if referral else None,
        keep_in_touch=relationship.keep_in_touch,
        linkedin_connected=relationship.linkedin_connected,
        common_ground=relationship.common_ground,
        company_news=relationship.company_news,
    )
