"""Example bodies for the OpenAPI document, so the docs console shows ready-to-send requests."""

from typing import Any

from fastapi.openapi.models import Example

from app.schemas import Problem

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
    "interview_at": "2026-12-01T15:00:00-05:00",
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


def _problem(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return {
        "model": Problem,  # registers the schema; openapi.py files it under problem+json
        "description": title,
        "content": {"application/problem+json": {"example": body}},
    }


Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: _problem(404, "Not Found", "No decline has this id.")}
VALIDATION: Responses = {
    422: _problem(
        422,
        "Unprocessable Content",
        "Invalid role: String should have at least 1 character",
        errors=[{"loc": ["body", "role"], "msg": "String should have at least 1 character"}],
    )
}
UNAVAILABLE: Responses = {
    503: {
        **_problem(
            503,
            "Service Unavailable",
            "The database is unavailable right now. Nothing was stored; please retry.",
        ),
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    }
}
BODY_ERRORS: Responses = {
    413: _problem(413, "Content Too Large", "The body is larger than 65536 bytes."),
    415: _problem(
        415,
        "Unsupported Media Type",
        "Send the body as JSON with the header Content-Type: application/json.",
    ),
}

AUTH_ERRORS: Responses = {
    401: {
        **_problem(401, "Unauthorized", "This API key is not valid or has been revoked."),
        "headers": {
            "WWW-Authenticate": {"description": "Bearer challenge", "schema": {"type": "string"}}
        },
    },
    403: _problem(
        403,
        "Forbidden",
        "Admin keys manage tenants and keys only; use one of the tenant's keys here.",
    ),
    429: {
        **_problem(
            429,
            "Too Many Requests",
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
        "Conflict",
        "A request with this Idempotency-Key is still being processed; retry shortly.",
    )
}

ADMIN_AUTH_ERRORS: Responses = {
    **AUTH_ERRORS,
    403: _problem(
        403,
        "Forbidden",
        "This endpoint needs an admin key (gr_admin_...); tenant keys cannot manage tenants.",
    ),
}
TENANT_CONFLICT: Responses = {
    409: _problem(409, "Conflict", "A tenant with this id or name exists already.")
}
