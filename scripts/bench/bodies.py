"""Realistic, varied DeclineRequest bodies that ask for all four channels."""

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from app.schemas import Channel, ReasonCategory, Stage, Tone

# From the schema, so the bench asks for what the API accepts, in the API's order.
STAGES = [stage.value for stage in Stage]
REASONS = [reason.value for reason in ReasonCategory]
TONES = [tone.value for tone in Tone]
FIRST = ["Ana", "Jordan", "Sam", "Priya", "Mateo", "Yuki", "Amara", "Lars", "Chen", "Fatima"]
LAST = ["Ruiz", "Lee", "Patel", "Okafor", "Nguyen", "Schmidt", "Silva", "Kowalski", "Haddad"]
ROLES = ["Senior Data Engineer", "Product Designer", "Staff SRE", "Backend Developer"]
COMPANY_WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne"]
COMPANY_SUFFIX = ["Analytics", "Labs", "Systems", "Health", "Robotics", "Logistics", "Bank"]
ALL_CHANNELS = [channel.value for channel in Channel]
FILTER_COMPANY = "Acme Analytics"


def company_names(count: int) -> list[str]:
    """`count` distinct company names; the first is the one the log benchmark filters on."""
    names = [FILTER_COMPANY]
    number = 0
    while len(names) < count:
        word = COMPANY_WORDS[number % len(COMPANY_WORDS)]
        suffix = COMPANY_SUFFIX[(number // len(COMPANY_WORDS)) % len(COMPANY_SUFFIX)]
        names.append(f"{word} {suffix} {number}")
        number += 1
    return names


def decline_body(rng: random.Random, company: str | None = None) -> dict[str, Any]:
    candidate = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    recipient = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    referral = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    interview_at = datetime.now(UTC) + timedelta(days=rng.randint(2, 30))
    return {
        "stage": rng.choice(STAGES),
        "role": rng.choice(ROLES),
        "company": company or rng.choice(company_names(40)),
        "candidate": {
            "name": candidate,
            "email": "candidate@example.com",
            "phone": "+1 415 555 0100",
        },
        "recipient": {"name": recipient, "title": "Hiring Manager", "email": "hm@example.com"},
        "reason": {"category": rng.choice(REASONS), "detail": "I want to lead a team next."},
        "preferred_role": {"title": "Engineering Manager", "note": "a leadership role"},
        "referral": {
            "name": referral,
            "email": "ref@example.com",
            "relationship": "a former colleague",
            "strengths": "five years building streaming pipelines",
            "timing": rng.choice(["now", "later"]),
        },
        "relationship": {
            "keep_in_touch": True,
            "linkedin_connected": rng.random() < 0.5,
            "common_ground": "our shared interest in open-source data tooling",
            "company_news": "the launch of your real-time analytics product",
        },
        "interview_at": interview_at.isoformat(timespec="seconds"),
        "tone": rng.choice(TONES),
        "locale": "en",
        "channels": list(ALL_CHANNELS),
        "linkedin_limit": rng.choice([200, 300]),
    }


def decline_bodies(count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    return [json.dumps(decline_body(rng)) for _ in range(count)]


def sample_body() -> str:
    """The one body whose document the bench measures, and the ceiling stores the rest of."""
    return decline_bodies(1, seed=99)[0]


def batch_bodies(batches: int, size: int = 100, seed: int = 21) -> list[str]:
    """`batches` bodies of POST /v1/declines/batch, each `size` all-channel requests."""
    rng = random.Random(seed)
    return [json.dumps({"items": [decline_body(rng) for _ in range(size)]}) for _ in range(batches)]


APPLICATION_FIELDS = ("stage", "role", "recipient", "preferred_role", "referral", "relationship")


def closeout_bodies(count: int, applications: int = 20, seed: int = 31) -> list[str]:
    """`count` bodies of POST /v1/closeouts, each declining `applications` applications."""
    rng = random.Random(seed)
    companies = company_names(applications + 1)
    bodies = []
    for _ in range(count):
        declines = [decline_body(rng, company=company) for company in companies[1:]]
        bodies.append(
            json.dumps(
                {
                    "candidate": declines[0]["candidate"],
                    "accepted": {"company": companies[0], "role": "Staff Engineer"},
                    "applications": [
                        {
                            **{name: decline[name] for name in APPLICATION_FIELDS},
                            "company": decline["company"],
                            "interview_at": decline["interview_at"],
                        }
                        for decline in declines
                    ],
                }
            )
        )
    return bodies
