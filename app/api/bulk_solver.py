"""The hand solver (see app/api/presolve.py) of the routes that store many declines at once.

A batch body is up to a megabyte of JSON: validated straight from the text it costs about
two thirds of json.loads plus validation of the parsed objects, the way FastAPI does it.
"""

from typing import Any

from fastapi import Request
from pydantic import BaseModel, ValidationError

from app.api.auth import authenticate, bearer
from app.api.deps import get_clock, get_engine, require_json
from app.api.presolve import Solver


def bulk_solver(model: type[BaseModel]) -> Solver:
    """The endpoint's arguments for a valid JSON body under a bearer key, with no
    Idempotency-Key and no dependency overrides; None for anything else, which FastAPI
    solves (and reports) as always."""

    async def solve(request: Request) -> dict[str, Any] | None:
        if request.app.dependency_overrides:
            # These routes solve their own dependencies, so an override would be ignored.
            raise RuntimeError("bulk routes do not take dependency overrides; set app.state")
        if "idempotency-key" in request.headers:
            return None
        await require_json(request)
        credentials = await bearer(request)
        if credentials is None:
            return None
        try:
            body = model.model_validate_json(await request.body())
        except ValidationError:
            return None
        return {
            "body": body,
            "request": request,
            "engine": await get_engine(request),
            "clock": await get_clock(request),
            "principal": await authenticate(request, credentials),
            "idempotency_key": None,
        }

    return solve
