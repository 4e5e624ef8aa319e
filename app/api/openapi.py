"""The OpenAPI document, adjusted so every error is documented as problem+json."""

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            app.openapi_schema = _errors_as_problems(spec)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _errors_as_problems(spec: dict[str, Any]) -> dict[str, Any]:
    """FastAPI files error schemas under application/json; ours are sent as problem+json."""
    for operation in _operations(spec):
        for status, response in operation.get("responses", {}).items():
            if not status.startswith(("4", "5")):
                continue
            content = response.setdefault("content", {})
            content.pop("application/json", None)
            problem = content.setdefault("application/problem+json", {})
            problem["schema"] = PROBLEM_REF
            problem.setdefault("example", _example(int(status)))
    schemas = spec.get("components", {}).get("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    return spec


def _example(status: int) -> dict[str, Any]:
    phrase = HTTPStatus(status).phrase
    return {"type": "about:blank", "title": phrase, "status": status, "detail": f"{phrase}."}


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for path in spec.get("paths", {}).values()
        for operation in path.values()
        if isinstance(operation, dict)
    ]
