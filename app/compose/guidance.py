"""Advice to the candidate about sending the decline: when, how, and what to check first.

Which advice applies is decided here from the request and the injected clock; what it says
lives in templates/guidance/, one template per code. Warnings come first, then the rest in
the order a coach would raise them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import TypeAdapter

from app.compose.facts import Facts
from app.compose.follow_ups import CHECK_IN_AFTER_DAYS
from app.compose.skeleton import (
    Context,
    Render,
    Skeleton,
    Step,
    fills,
    render_step,
    skeleton_for,
)
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
    return _ADVICE_LIST.validate_python(
        advice(request, facts, now=now, note_shortened=note_shortened)
    )


def advice(
    request: DeclineRequest, facts: Facts, *, now: datetime, note_shortened: bool
) -> list[dict[str, object]]:
    """The advice of `advise()`, as the fields of each item, to validate with other models."""
    until = request.interview_at - now if request.interview_at else None
    imminent = until is not None and _NOW < until < IMMINENT
    channels = set(request.channels)
    # Besides the clock's readings here, which advice applies and how it is worded depend only
    # on the decline's shape and these values, so that is worked out once per shape for each
    # of them (see _Advice), and kept in the shape's table.
    key = (
        _ADVICE,
        Channel.phone_script in channels,
        Channel.linkedin_note in channels,
        Channel.follow_ups in channels,
        request.linkedin_limit,
        note_shortened,
        imminent,
        until is not None and until <= _NOW,  # a passed interview, if the stage says so
        until is not None and until >= IMMINENT,
        round(until / _HOUR) if imminent and until is not None else 0,
    )
    worked_out: _Advice = facts.skeletons.get(key) or _work_out(facts, key)
    if fills(facts):
        messages = worked_out.skeleton.fill(facts.texts, facts.endings)
    else:
        messages = render_step(_ADVICE, facts, **worked_out.context)
    return [
        {"code": code, "severity": severity, "message": message}
        for (code, severity), message in zip(worked_out.codes, messages, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class _Advice:
    """The advice for declines of one shape at one reading of the clock: each code that
    applies with its severity, the context its templates are rendered with, their skeleton.
    Codes and severities are kept as their values: plain data serialises without a call back
    into Python for each enum."""

    codes: tuple[tuple[str, str], ...]
    context: dict[str, object]
    skeleton: Skeleton


def _work_out(facts: Facts, key: tuple[object, ...]) -> _Advice:
    """The advice for the shape of `facts` with `key`'s values; only what the shape holds is
    read from the facts (the stage, the reason, flags and whether texts are given)."""
    (
        _,
        has_phone_script,
        has_linkedin_note,
        has_follow_ups,
        linkedin_limit,
        note_shortened,
        imminent,
        ended,
        interview_ahead,
        hours_left,
    ) = key
    applies: list[tuple[GuidanceCode, object]] = [
        (GuidanceCode.interview_imminent, imminent),
        (GuidanceCode.interview_passed, ended and facts.stage == Stage.interview),
        (
            GuidanceCode.consider_negotiating,
            facts.stage == Stage.offer and facts.reason == ReasonCategory.compensation,
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
    codes = tuple([code for code, applicable in applies if applicable])
    context = {
        "codes": codes,
        "hours_left": hours_left,
        "interview_ahead": interview_ahead,
        "linkedin_limit": linkedin_limit,
        "has_phone_script": has_phone_script,
        "has_linkedin_note": has_linkedin_note,
        "has_follow_ups": has_follow_ups,
        "check_in_months": _CHECK_IN_MONTHS,
    }
    worked_out = facts.skeletons[key] = _Advice(
        codes=tuple(
            (code.value, (Severity.warning if code in _WARNINGS else Severity.info).value)
            for code in codes
        ),
        context=context,
        skeleton=skeleton_for(_ADVICE, facts, **context),
    )
    return worked_out


def _advice(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    """The message of each code in `codes`, in order: one template per code."""
    return tuple([render(_TEMPLATES[code], context).strip() for code in context["codes"]])


_ADVICE = Step(tuple(_TEMPLATES.values()), _advice, reads=("codes",))
