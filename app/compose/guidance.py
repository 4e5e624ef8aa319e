"""Advice to the candidate about sending the decline: when, how, and what to check first.

Which advice applies is decided here from the request and the injected clock; what it says
lives in templates/guidance/, one template per code. Warnings come first, then the rest in
the order a coach would raise them.
"""

from datetime import datetime, timedelta

from pydantic import TypeAdapter

from app.compose.facts import Facts
from app.compose.follow_ups import CHECK_IN_AFTER_DAYS
from app.compose.skeleton import Context, Render, Step, render_step
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
_NOW = timedelta(0)
_WARNINGS = frozenset({GuidanceCode.interview_imminent, GuidanceCode.interview_passed})
_TEMPLATES = {code: f"guidance/{code.value}.txt" for code in GuidanceCode}
# The advice validated as one list: a call into pydantic-core per decline, not one per item.
_ADVICE_LIST = TypeAdapter(list[Guidance])
# A tuple, not a list: what templates are given is part of a skeleton's key, so it is hashable.
_CHECK_IN_MONTHS = tuple(days // 30 for days in CHECK_IN_AFTER_DAYS)


def advise(
    request: DeclineRequest, facts: Facts, *, now: datetime, note_shortened: bool
) -> list[Guidance]:
    """The advice that applies at `now` (an aware datetime), most important first."""
    until = request.interview_at - now if request.interview_at else None
    imminent = until is not None and _NOW < until < IMMINENT
    passed = until is not None and until <= _NOW and request.stage is Stage.interview
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
    context = {
        "hours_left": round(until / _HOUR) if imminent and until is not None else 0,
        "interview_ahead": until is not None and until >= IMMINENT,
        "linkedin_limit": request.linkedin_limit,
        "has_phone_script": Channel.phone_script in channels,
        "has_linkedin_note": Channel.linkedin_note in channels,
        "has_follow_ups": Channel.follow_ups in channels,
        "check_in_months": _CHECK_IN_MONTHS,
    }
    codes = tuple([code for code, applicable in applies if applicable])
    messages = render_step(_ADVICE, facts, codes=codes, **context)
    return _ADVICE_LIST.validate_python(
        [
            {
                "code": code,
                "severity": Severity.warning if code in _WARNINGS else Severity.info,
                "message": message,
            }
            for code, message in zip(codes, messages, strict=True)
        ]
    )


def _advice(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    """The message of each code in `codes`, in order: one template per code."""
    return tuple([render(_TEMPLATES[code], context).strip() for code in context["codes"]])


_ADVICE = Step(tuple(_TEMPLATES.values()), _advice, reads=("codes",))
