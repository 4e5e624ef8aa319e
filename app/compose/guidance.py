"""Advice to the candidate about sending the decline: when, how, and what to check first.

Which advice applies is decided here from the request and the injected clock; what it says
lives in templates/guidance/, one template per code. Warnings come first, then the rest in
the order a coach would raise them.
"""

from datetime import datetime, timedelta

from app.compose.environment import render
from app.compose.facts import Facts
from app.compose.follow_ups import CHECK_IN_AFTER_DAYS
from app.compose.layout import full_stop
from app.schemas import (
    Channel,
    DeclineRequest,
    Guidance,
    GuidanceCode,
    ReasonCategory,
    Severity,
    Stage,
)

IMMINENT = timedelta(hours=24)
_HOUR = timedelta(hours=1)


def advise(
    request: DeclineRequest, facts: Facts, *, now: datetime, note_shortened: bool
) -> list[Guidance]:
    """The advice that applies at `now` (an aware datetime), most important first."""
    until = request.interview_at - now if request.interview_at else None
    imminent = until is not None and timedelta(0) < until < IMMINENT
    passed = until is not None and until <= timedelta(0) and request.stage is Stage.interview
    channels = set(request.channels)

    applies: list[tuple[GuidanceCode, bool]] = [
        (GuidanceCode.interview_imminent, imminent),
        (GuidanceCode.interview_passed, passed),
        (
            GuidanceCode.consider_negotiating,
            request.stage is Stage.offer and request.reason.category is ReasonCategory.compensation,
        ),
        # An imminent interview already says to get in touch at once.
        (GuidanceCode.send_promptly, not imminent),
        (GuidanceCode.call_first, True),
        (GuidanceCode.recipient_missing, facts.recipient_name is None),
        (GuidanceCode.referral_consent, facts.referral_name is not None),
        (GuidanceCode.review_detail, facts.detail is not None),
        (GuidanceCode.referral_later, facts.referral_later),
        (GuidanceCode.note_shortened, note_shortened),
        (GuidanceCode.connect_linkedin, not facts.linkedin_connected),
        (GuidanceCode.check_ins_scheduled, facts.keep_in_touch),
    ]
    context = facts.context(
        stop=full_stop,
        hours_left=round(until / _HOUR) if imminent and until is not None else 0,
        interview_ahead=until is not None and until >= IMMINENT,
        linkedin_limit=request.linkedin_limit,
        has_phone_script=Channel.phone_script in channels,
        has_linkedin_note=Channel.linkedin_note in channels,
        has_follow_ups=Channel.follow_ups in channels,
        check_in_months=[days // 30 for days in CHECK_IN_AFTER_DAYS],
    )
    warnings = {GuidanceCode.interview_imminent, GuidanceCode.interview_passed}
    return [
        Guidance(
            code=code,
            severity=Severity.warning if code in warnings else Severity.info,
            message=render(f"guidance/{code.value}.txt", context).strip(),
        )
        for code, applicable in applies
        if applicable
    ]
