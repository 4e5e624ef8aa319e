"""The hand solver (see app/api/presolve.py) of the routes that store many declines at once.

A batch body is up to a megabyte of JSON: validated straight from the text it costs about
two thirds of json.loads plus validation of the parsed objects, the way FastAPI does it.
"""

from typing import Any, TypeVar

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ValidationError

from app.api.auth import authenticate, bearer
from app.api.deps import get_clock, get_engine, require_json
from app.api.presolve import Solver

Body = TypeVar("Body", bound=BaseModel)


async def common_request(
    request: Request, model: type[Body]
) -> tuple[Body, HTTPAuthorizationCredentials] | None:
    """The valid body and the bearer credentials of a common write: JSON, a bearer key, no
    Idempotency-Key. None for anything else, which FastAPI solves (and reports) as always.
    The body is validated straight from its JSON text, in one pass."""
    if "idempotency-key" in request.headers:
        return None
    await require_json(request)
    credentials = await bearer(request)
    if credentials is None:
        return None
    try:
        return model.model_validate_json(await request.body()), credentials
    except ValidationError:
        return None


def bulk_solver(model: type[BaseModel]) -> Solver:
    """The endpoint's arguments for a common write (see common_request); None otherwise."""

    async def solve(request: Request) -> dict[str, Any] | None:
        common = await common_request(request, model)
        if common is None:
            return None
        body, credentials = common
        return {
            "body": body,
            "request": request,
            "engine": await get_engine(request),
            "clock": await get_clock(request),
            "principal": await authenticate(request, credentials),
            "idempotency_key": None,
        }

    return solve
