"""Write docs/examples.md: what the composer really says for a spread of declines.

Run with `python -m scripts.examples` (or `make examples`). The clock is fixed, so the file only
changes when the wording or the composer does. Every channel present in the messages is shown.
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.api.examples import OFFER_EXAMPLE
from app.compose.decline import Composition, compose
from app.reasons import REASONS
from app.schemas import DeclineRequest, Messages

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "examples.md"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
LABELS = {reason.category.value: reason.label for reason in REASONS}

ANA = {"name": "Ana Ruiz", "email": "ana@example.com", "phone": "+1 415 555 0100"}
JORDAN = {"name": "Jordan Lee", "title": "Hiring Manager", "email": "jordan@acme.example"}

# (what the example shows, the request as an integrator would send it)
EXAMPLES: list[tuple[str, dict[str, Any]]] = [
    (
        "everything given: the API example",
        {
            key: value
            for key, value in OFFER_EXAMPLE.items()
            if key not in ("locale", "channels", "linkedin_limit")
        },
    ),
    (
        "only the required fields, addressed to the hiring team",
        {
            "stage": "interview",
            "role": "Product Designer",
            "company": "Northwind Health",
            "candidate": {"name": "Lee Chen"},
            "reason": {"category": "accepted_other_offer"},
            "tone": "brief",
        },
    ),
    (
        "a scheduled interview, a preferred role without a note, no keeping in touch",
        {
            "stage": "interview",
            "role": "Backend Engineer",
            "company": "Globex",
            "candidate": {"name": "Priya Nair", "email": "priya@example.com"},
            "recipient": {"name": "Morgan Blake", "title": "Talent Partner"},
            "reason": {"category": "timing"},
            "preferred_role": {"title": "Staff Engineer"},
            "relationship": {"keep_in_touch": False},
            "interview_at": "2026-12-03T10:30:00+00:00",
            "tone": "warm",
        },
    ),
    (
        "compensation, a general referral offer, already connected on LinkedIn",
        {
            "stage": "candidacy",
            "role": "Head of Customer Success",
            "company": "Initech",
            "candidate": {"name": "Tomás García", "phone": "+34 600 123 456"},
            "recipient": {"name": "Dana Whitfield"},
            "reason": {"category": "compensation"},
            "referral": {},
            "relationship": {"linkedin_connected": True},
            "tone": "formal",
        },
    ),
    (
        "location in the candidate's own words, the referral saved for a follow-up",
        {
            "stage": "offer",
            "role": "Site Reliability Engineer",
            "company": "Umbrella Labs",
            "candidate": {"name": "Sofia Rossi", "email": "sofia@example.com"},
            "recipient": {"name": "Chris Okafor"},
            "reason": {
                "category": "location",
                "detail": "The daily commute would be over two hours each way",
            },
            "referral": {"name": "Ben Hart", "email": "ben@example.com", "timing": "later"},
            "tone": "brief",
        },
    ),
    (
        "company fit without criticism, an unnamed referral described by the candidate",
        {
            "stage": "candidacy",
            "role": "Marketing Manager",
            "company": "Stark & Wayne",
            "candidate": ANA,
            "recipient": JORDAN,
            "reason": {"category": "company_fit"},
            "referral": {
                "relationship": "a former teammate",
                "strengths": "a decade of B2B campaign experience",
            },
            "tone": "warm",
        },
    ),
    (
        "personal circumstances, never detailed, to the hiring team",
        {
            "stage": "offer",
            "role": "Clinical Data Analyst",
            "company": "Mercy General",
            "candidate": {"name": "Grace Mensah", "email": "grace@example.com"},
            "reason": {"category": "personal"},
            "tone": "formal",
        },
    ),
    (
        "role fit, a named referral with strengths and email, a preferred role with a note",
        {
            "stage": "interview",
            "role": "Junior Data Analyst",
            "company": "Acme Analytics",
            "candidate": ANA,
            "recipient": {"name": "Jordan Lee"},
            "reason": {"category": "role_fit"},
            "preferred_role": {"title": "Senior Analytics Engineer", "note": "a more senior role"},
            "referral": {
                "name": "Riley Park",
                "email": "riley@example.com",
                "strengths": "a sharp eye for messy data",
            },
            "tone": "formal",
        },
    ),
    (
        "no specific reason given, and none invented",
        {
            "stage": "candidacy",
            "role": "Operations Lead",
            "company": "Blue Harbor Logistics",
            "candidate": {"name": "Sam O'Neill", "email": "sam.oneill@example.com"},
            "recipient": {"name": "Avery Quinn"},
            "reason": {"category": "other"},
            "relationship": {"linkedin_connected": True},
            "tone": "brief",
        },
    ),
    (
        "accepted another offer, in the candidate's words, ending as they typed it",
        {
            "stage": "offer",
            "role": "Platform Engineer",
            "company": "Hooli",
            "candidate": {"name": "Jun Watanabe", "email": "jun@example.com"},
            "recipient": {"name": "Pat Rivera", "title": "Engineering Manager"},
            "reason": {
                "category": "accepted_other_offer",
                "detail": "I've accepted a role much closer to home, and it was a close call!",
            },
            "preferred_role": {"title": "Staff Platform Engineer", "note": "ideally remote-first"},
            "tone": "warm",
        },
    ),
    (
        "British English (locale en-GB): the day before the month, and British spelling",
        {
            "stage": "interview",
            "role": "Data Engineer",
            "company": "Thames Analytics",
            "candidate": {"name": "Priya Shah", "email": "priya@example.co.uk"},
            "recipient": {"name": "Oliver Grant", "title": "Head of Data"},
            "reason": {"category": "career_direction"},
            "interview_at": "2026-12-03T10:30:00+00:00",
            "locale": "en-GB",
        },
    ),
]


def fenced(text: str, language: str = "text") -> str:
    return f"```{language}\n{text}\n```"


def heading(number: int, caption: str, body: dict[str, Any]) -> str:
    tone = body.get("tone", "warm")
    return (
        f"## {number}. {body['stage']} · {LABELS[body['reason']['category']]} · {tone}: {caption}"
    )


def channels(messages: Messages) -> list[str]:
    """Every channel the messages hold, in the order a candidate would use them."""
    parts = [
        "### Email",
        f"**Subject:** {messages.email.subject}",
        fenced(messages.email.text),
    ]
    if messages.phone_script is not None:
        script = messages.phone_script
        points = "\n".join(f"- {point}" for point in script.talking_points)
        parts += ["### Phone script", fenced(script.text), "**Talking points**", points]
        parts += ["**Voicemail**", fenced(script.voicemail)]
    if messages.linkedin_note is not None:
        note = messages.linkedin_note
        kind = note.kind.replace("_", " ")
        parts += [f"### LinkedIn {kind} ({note.length}/{note.limit} characters)", fenced(note.text)]
    if messages.follow_ups is not None:
        parts.append("### Follow-ups")
        for follow_up in messages.follow_ups:
            when = f"send after {follow_up.send_after_days} days"
            parts += [f"#### {follow_up.kind.value.replace('_', ' ')} ({when})"]
            parts += [f"**Subject:** {follow_up.subject}", fenced(follow_up.text)]
    return parts


def example(number: int, caption: str, body: dict[str, Any]) -> str:
    composition: Composition = compose(DeclineRequest.model_validate(body), now=NOW)
    parts = [
        heading(number, caption, body),
        "**Request**",
        fenced(json.dumps(body, indent=2, ensure_ascii=False), "json"),
        *channels(composition.messages),
    ]
    if composition.guidance:
        advice = "\n".join(
            f"- `{item.code.value}` ({item.severity.value}): {item.message}"
            for item in composition.guidance
        )
        parts += ["### Guidance for the candidate", advice]
    if number == 1:
        html = composition.messages.email.html
        parts += [
            f"<details><summary>The email's HTML</summary>\n\n{fenced(html, 'html')}\n\n</details>"
        ]
    return "\n\n".join(parts)


def document() -> str:
    intro = (
        "# Example declines\n\n"
        "Real output of `app.compose.decline.compose`, written by `python -m scripts.examples`"
        f" with the clock fixed at {NOW.isoformat().replace('+00:00', 'Z')}. Do not edit by"
        " hand: change the templates and run the script again."
    )
    examples = (example(number, *item) for number, item in enumerate(EXAMPLES, start=1))
    return "\n\n".join([intro, *examples]) + "\n"


def main() -> None:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(document(), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(EXAMPLES)} examples)")


if __name__ == "__main__":
    main()
