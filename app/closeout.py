"""Offer closeouts: one accepted offer, a decline for every other open application.

What a closeout says is kept only in its declines; its guidance is worked out from them
whenever it is shown, so erasing a decline leaves no copy of it in the closeout.
"""

import json
from datetime import datetime
from typing import Any

from pydantic_core import to_json

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
            reason=Reason(category=ReasonCategory.accepted_other_offer),
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


def _priority(decline: dict[str, Any], position: int, now: datetime) -> tuple[int, Any, int]:
    request = decline["request"]
    if request.get("interview_at"):
        interview_at = datetime.fromisoformat(request["interview_at"])
        if interview_at >= now:
            return (0, interview_at.timestamp(), position)  # soonest first: call those
    if request["stage"] == Stage.offer.value:
        return (1, 0, position)
    return (2, 0, position)


def closeout_document(
    closeout_id: str, created_at: datetime, documents: list[str], now: datetime
) -> str:
    """The Closeout as JSON: its declines as stored, in the order they were made, and every
    decline's advice, tagged with its id, in the order to act on it."""
    declines = [json.loads(document) for document in documents]
    order = sorted(range(len(declines)), key=lambda i: _priority(declines[i], i, now))
    guidance = [
        {**advice, "decline_id": declines[i]["id"]}
        for i in order
        for advice in declines[i]["guidance"]
    ]
    # Serialised as the declines' own times are, so the two always read alike.
    head = to_json({"id": closeout_id, "created_at": created_at}).decode()[:-1]
    return (
        head
        + ',"declines":['
        + ",".join(documents)
        + '],"guidance":'
        + json.dumps(guidance, ensure_ascii=False)
        + "}"
    )
