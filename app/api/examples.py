"""Example bodies for the OpenAPI document, so the docs console shows ready-to-send requests."""

from http import HTTPStatus
from typing import Any

from fastapi.openapi.models import Example

from app.errors import CODES
from app.schemas import Problem

# Far in the future, so the docs console's examples never carry an interview that has passed
# (which would change the guidance a reader sees, and then be refused as stale advice).
FUTURE_INTERVIEW = "2099-12-01T15:00:00-05:00"
# What a generated X-Request-Id looks like; every problem example carries one.
REQUEST_ID = "0f8e4c2a9b7d4e61a3c5b7d9e1f20468"

OFFER_EXAMPLE: dict[str, Any] = {
    "stage": "offer",
    "role": "Senior Data Engineer",
    "company": "Acme Analytics",
    "candidate": {"name": "Ana Ruiz", "email": "ana@example.com", "phone": "+1 415 555 0100"},
    "recipient": {"name": "Jordan Lee", "title": "Hiring Manager", "email": "jordan@acme.example"},
    "reason": {"category": "career_direction", "detail": "I want to lead a team in my next role."},
    "preferred_role": {"title": "Engineering Manager, Data Platform", "note": "a leadership role"},
    "referral": {
        "name": "Sam Patel",
        "email": "sam@example.com",
        "relationship": "a former colleague",
        "strengths": "five years building streaming pipelines",
        "timing": "now",
    },
    "relationship": {
        "keep_in_touch": True,
        "linkedin_connected": False,
        "common_ground": "our shared interest in open-source data tooling",
        "company_news": "the launch of your real-time analytics product",
    },
    "interview_at": FUTURE_INTERVIEW,
    "tone": "warm",
    "locale": "en",
    "channels": ["email", "phone_script", "linkedin_note", "follow_ups"],
    "linkedin_limit": 200,
}

INTERVIEW_EXAMPLE: dict[str, Any] = {
    "stage": "interview",
    "role": "Product Designer",
    "company": "Northwind",
    "candidate": {"name": "Lee Chen", "email": "lee.chen@example.com"},
    "reason": {"category": "accepted_other_offer"},
    "referral": {"timing": "later"},
    "tone": "brief",
}

REQUEST_EXAMPLES: dict[str, Example] = {
    "offer": Example(summary="Decline an offer, every channel", value=OFFER_EXAMPLE),
    "interview": Example(
        summary="Decline an interview, brief, referral later", value=INTERVIEW_EXAMPLE
    ),
}


def problem_example(
    status: int, detail: str, *, code: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A problem exactly as app.errors.problem_body writes it (tests/api/test_examples.py
    compares each documented one with a live response)."""
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code or CODES[status],
        "request_id": REQUEST_ID,
        **extra,
    }


def _problem(status: int, detail: str, *, code: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "model": Problem,  # registers the schema; openapi.py files it under problem+json
        "description": HTTPStatus(status).phrase,
        "content": {
            "application/problem+json": {
                "example": problem_example(status, detail, code=code, **extra)
            }
        },
    }


Responses = dict[int | str, dict[str, Any]]

LINK_HEADER = {
    "description": 'The next page, `<...>; rel="next"`, whenever `next_cursor` is not null.',
    "schema": {"type": "string"},
}

NOT_FOUND: Responses = {404: _problem(404, "No decline has this id.")}
VALIDATION: Responses = {
    422: _problem(
        422,
        "Invalid role: Value should have at least 1 item after validation, not 0",
        errors=[
            {
                "loc": ["body", "role"],
                "msg": "Value should have at least 1 item after validation, not 0",
            }
        ],
    )
}
QUERY_VALIDATION: Responses = {
    422: _problem(
        422,
        "Invalid limit: Input should be less than or equal to 100",
        errors=[{"loc": ["query", "limit"], "msg": "Input should be less than or equal to 100"}],
    )
}
UNAVAILABLE: Responses = {
    503: {
        **_problem(
            503,
            "The database is unavailable right now. Nothing was changed; please retry.",
        ),
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    }
}
BODY_ERRORS: Responses = {
    413: _problem(413, "The body is larger than 65536 bytes."),
    415: _problem(
        415,
        "Send the body as JSON with the header Content-Type: application/json.",
    ),
}

AUTH_ERRORS: Responses = {
    401: {
        **_problem(401, "This API key is not valid or has been revoked."),
        "headers": {
            "WWW-Authenticate": {"description": "Bearer challenge", "schema": {"type": "string"}}
        },
    },
    403: _problem(
        403,
        "Admin keys manage tenants and keys only; use one of the tenant's keys here.",
        code="forbidden",
    ),
    429: {
        **_problem(
            429,
            "This API key may make 600 requests a minute; retry in 12 seconds.",
        ),
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    },
}
CONFLICT: Responses = {
    409: _problem(
        409,
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        code="idempotency_key_in_use",
    )
}

ADMIN_AUTH_ERRORS: Responses = {
    **AUTH_ERRORS,
    403: _problem(
        403,
        "This endpoint needs an admin key (gr_admin_...); tenant keys cannot manage tenants.",
        code="forbidden",
    ),
}
TENANT_CONFLICT: Responses = {
    409: _problem(409, "A tenant with this id or name exists already.", code="conflict")
}


def not_found(detail: str) -> Responses:
    """The 404 of a route whose resource has its own wording ("No follow-up has this id.")."""
    return {404: _problem(404, detail)}


def invalid(loc: list[str | int], msg: str) -> Responses:
    """A 422 naming one field, worded as app.errors writes it: the dotted names, no indexes."""
    name = ".".join(str(part) for part in loc[1:] if not isinstance(part, int))
    return {422: _problem(422, f"Invalid {name}: {msg}", errors=[{"loc": loc, "msg": msg}])}


# Batches and closeouts carry up to 100 requests, so their body limit is max_bulk_body_bytes.
BULK_BODY_ERRORS: Responses = {
    **BODY_ERRORS,
    413: _problem(413, "The body is larger than 1048576 bytes."),
}
REFRESH_CONFLICT: Responses = {
    409: _problem(409, "This follow-up cannot be composed again from its decline's request.")
}
