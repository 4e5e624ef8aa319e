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
from app.compose.environment import template_version
from app.reasons import REASONS
from app.schemas import Decline, DeclineRequest, Messages

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "examples.md"
README = ROOT / "README.md"
SAMPLE_START = "<!-- sample:start (written by make examples) -->"
SAMPLE_END = "<!-- sample:end -->"
# The README's curl example: what it sends, and what the service answers with the clock fixed.
README_REQUEST: dict[str, Any] = {
    "stage": "offer",
    "role": "Senior Data Engineer",
    "company": "Acme Analytics",
    "candidate": {"name": "Ana Ruiz", "email": "ana@example.com"},
    "recipient": {"name": "Jordan Lee", "title": "Hiring Manager"},
    "reason": {"category": "career_direction"},
    "preferred_role": {"title": "Engineering Manager, Data Platform"},
    "referral": {"name": "Sam Patel", "relationship": "a former colleague"},
    "channels": ["email"],
}
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
            "relationship": {"linkedin_connected": True, "common_ground": "customer education"},
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
            "recipient": {**JORDAN, "address_as": "Jo"},
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
            "interview_at": "2026-11-26T09:30:00+00:00",
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
        "### Email (stand-alone, for when the candidate cannot call)",
        f"**Subject:** {messages.email.subject}",
        fenced(messages.email.text),
    ]
    for caption, variant in (
        ("after the call", messages.email.after_call),
        ("after the voicemail", messages.email.after_voicemail),
    ):
        if variant is not None:
            parts += [f"### Email {caption}", f"**Subject:** {variant.subject}"]
            parts.append(fenced(variant.text))
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


def readme_sample() -> str:
    """The README's sample response: the real composition of README_REQUEST, with the id and
    time as the service would print them at the fixed clock and the HTML cut short."""
    composition = compose(DeclineRequest.model_validate(README_REQUEST), now=NOW)
    decline = Decline(
        id="dcl_01KB1QXW8023ZJ5N3D2X0RS0KT",
        created_at=NOW,
        request=DeclineRequest.model_validate(README_REQUEST),
        messages=composition.messages,
        guidance=composition.guidance,
        template_version=template_version(),
    )
    body = json.loads(decline.model_dump_json())
    body["messages"]["email"]["html"] = body["messages"]["email"]["html"][:120] + "…"
    return fenced(json.dumps(body, indent=2, ensure_ascii=False), "json")


def readme_with_sample(readme: str) -> str:
    """The README with its sample response section written anew."""
    start, end = readme.index(SAMPLE_START), readme.index(SAMPLE_END)
    return f"{readme[: start + len(SAMPLE_START)]}\n{readme_sample()}\n{readme[end:]}"


def main() -> None:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    README.write_text(readme_with_sample(README.read_text(encoding="utf-8")), encoding="utf-8")
    OUTPUT.write_text(document(), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(EXAMPLES)} examples)")


if __name__ == "__main__":
    main()
