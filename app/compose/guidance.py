"""Advice to the candidate about sending the decline: when, how, and what to check first.

Which advice applies and in what order is templates/guidance.yaml; what each says is
templates/guidance/<code>.txt. Both depend on the decline's shape and on the clock only
through the interview's timing and whole hours left, so they are worked out once per shape and
reading of the clock and kept in the shape's table.
"""

from datetime import datetime, timedelta
from typing import Any

from app.compose.facts import BRANCHES, TEXTS, Facts
from app.compose.follow_ups import check_in_hooks
from app.compose.layout import paragraphs
from app.compose.skeleton import Context, Render, Step, render_step
from app.compose.wording import advice_table

_HOUR = timedelta(hours=1)


def advice(
    facts: Facts,
    *,
    interview_at: datetime | None,
    now: datetime,
    linkedin_limit: int,
    note_left_out: tuple[str, ...],
) -> list[dict[str, object]]:
    """The advice that applies at `now`, most important first, as each item's fields."""
    values = {
        "note_left_out": note_left_out,
        "hooks": tuple([hook for hook, _ in check_in_hooks(facts)]),
        "linkedin_limit": linkedin_limit,
    }
    key = ("advice", *values.values())
    applies: tuple[tuple[str, str], ...] | None = facts.skeletons.get(key)
    if applies is None:
        applies = facts.skeletons[key] = _applies(facts, values)
    messages = render_step(_ADVICE, facts, codes=tuple(code for code, _ in applies), **values)
    return [
        {"code": code, "severity": severity, "message": message}
        for (code, severity), message in zip(applies, messages, strict=True)
    ]


def _applies(facts: Facts, values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Each code that applies to the shape, with its severity, in the table's order."""
    shape: dict[str, Any] = {name: getattr(facts, name) for name in BRANCHES}
    shape.update({name: getattr(facts, name) is not None for name in TEXTS})
    shape.update(values)
    shape["check_ins"] = len(values["hooks"])
    return tuple((row.code, row.severity) for row in advice_table() if bool(row.when(**shape)))


def _layout(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    """The message of each code in `codes`, in order."""
    return tuple(
        [" ".join(paragraphs(render(f"guidance/{code}.txt", context))) for code in context["codes"]]
    )


_ADVICE = Step("guidance", (), _layout)
