"""Offer closeouts: one accepted offer, a decline for every other open application.

What a closeout says is kept only in its declines; its guidance is worked out from them
whenever it is shown, so erasing a decline leaves no copy of it in the closeout.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic_core import from_json, to_json

from app.schemas import DeclineRequest, Reason, ReasonCategory, Stage
from app.schemas_scale import CloseoutRequest


def decline_requests(closeout: CloseoutRequest) -> list[DeclineRequest]:
    """The applications as ordinary decline requests, reason `accepted_other_offer`."""
    return [
        DeclineRequest(
            stage=application.stage,
            role=application.role,
            company=application.company,
            candidate=closeout.candidate,
            recipient=application.recipient,
            reason=Reason(category=ReasonCategory("accepted_other_offer")),
            preferred_role=application.preferred_role,
            referral=application.referral,
            relationship=application.relationship,
            interview_at=application.interview_at,
            tone=closeout.tone,
            locale=closeout.locale,
            channels=closeout.channels,
        )
        for application in closeout.applications
    ]


def accepted_company(closeout: CloseoutRequest) -> str | None:
    """The accepted employer, where the candidate chose to name it; otherwise nothing."""
    if closeout.mention_accepted and closeout.accepted is not None:
        return closeout.accepted.company
    return None


@dataclass(frozen=True, slots=True)
class Step:
    """One decline's place in the work: what decides when to act on it, and its advice."""

    decline_id: str
    stage: str
    interview_at: datetime | None
    guidance: Sequence[Mapping[str, object]]


def steps_of(documents: Sequence[str]) -> list[Step]:
    """The steps of stored declines, from their documents."""
    steps = []
    for document in documents:
        decline = from_json(document)
        request = decline["request"]
        interview_at = request.get("interview_at")
        steps.append(
            Step(
                decline_id=decline["id"],
                stage=request["stage"],
                interview_at=datetime.fromisoformat(interview_at) if interview_at else None,
                guidance=decline["guidance"],
            )
        )
    return steps


def _priority(step: Step, now: datetime) -> tuple[int, float]:
    if step.interview_at is not None and step.interview_at >= now:
        return (0, step.interview_at.timestamp())  # soonest first: call those
    if step.stage == Stage.offer.value:
        return (1, 0.0)
    return (2, 0.0)


def closeout_document(
    closeout_id: str,
    created_at: datetime,
    documents: Sequence[str],
    steps: Sequence[Step],
    now: datetime,
) -> str:
    """The Closeout as JSON: its declines as stored, in the order they were made, and every
    decline's advice, tagged with its id, in the order to act on it (a stable sort, so ties
    keep the order the applications came in)."""
    ordered = sorted(steps, key=lambda step: _priority(step, now))
    guidance = [
        {**advice, "decline_id": step.decline_id} for step in ordered for advice in step.guidance
    ]
    # Serialised as the declines' own documents are, so times and enums read alike.
    head = to_json({"id": closeout_id, "created_at": created_at}).decode()[:-1]
    return f'{head},"declines":[{",".join(documents)}],"guidance":{to_json(guidance).decode()}}}'
