"""One small error hierarchy and the handlers that turn everything into RFC 9457 problem+json."""

import logging
import re
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import metrics
from app.config import Settings
from app.observe import current_request_id, new_request_id

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("gracious")


class DatabaseDown(Exception):
    """The database could not be reached or is refusing connections (raised by the driver)."""


class ApiError(Exception):
    """An error the client should see; each subclass carries its status and stable code."""

    status: int = 500
    code: str = "internal_error"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"

    def __init__(self, detail: str, *, invalid: bool = False) -> None:
        challenge = 'Bearer realm="gracious"'
        if invalid:
            challenge += ', error="invalid_token"'
        super().__init__(detail, headers={"WWW-Authenticate": challenge})


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class IdempotencyKeyInUse(Conflict):
    code = "idempotency_key_in_use"


class TooManyRequests(ApiError):
    status = 429
    code = "rate_limited"


class UnsupportedMediaType(ApiError):
    status = 415
    code = "unsupported_media_type"


class InvalidInput(ApiError):
    """A 422 raised by our own checks, shaped like a validation error."""

    status = 422
    code = "validation_error"

    def __init__(self, detail: str, *, loc: Sequence[str | int]) -> None:
        super().__init__(detail)
        self.errors = [{"loc": list(loc), "msg": detail}]


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"


# The code of a problem raised by Starlette or FastAPI themselves, by status.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "database_unavailable",
}


def problem_body(
    status: int, detail: str, *, code: str | None = None, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A problem document. Its title is the reason phrase of the status line it is sent with;
    `code` is the stable word clients branch on; `request_id` matches the X-Request-Id."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code or CODES.get(status, "error"),
        "request_id": current_request_id() or new_request_id(),
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> JSONResponse:
    body = problem_body(status, detail, code=code, errors=errors)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _validation_errors(error: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(item.get("loc", ())), "msg": item.get("msg", "is invalid")}
        for item in error.errors()
    ]


def _field_name(loc: list[Any]) -> str:
    parts = [str(part) for part in loc[1:] if not isinstance(part, int)] if loc else []
    return ".".join(parts) or (str(loc[0]) if loc else "request")


async def _on_validation(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = _validation_errors(error)
    fields = sorted({_field_name(item["loc"]) for item in errors})
    detail = f"Invalid {', '.join(fields)}: {errors[0]['msg']}" if errors else "Invalid request."
    return problem(422, detail, errors=errors)


async def _on_api_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    if isinstance(error, TooManyRequests):
        metrics.RATE_LIMIT_REJECTIONS.inc()
    return problem(
        error.status,
        error.detail,
        code=error.code,
        headers=error.headers,
        errors=getattr(error, "errors", None),
    )


async def _on_http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    status = error.status_code
    detail = error.detail if isinstance(error.detail, str) else HTTPStatus(status).description
    if status == 404 and detail == "Not Found":
        detail = "No resource lives at this path."
    if status == 400 and detail == "There was an error parsing the body":
        # FastAPI says 400 when the body is not UTF-8 or nests too deep for the parser; any
        # other malformed JSON is a 422, and the contract documents 422 for all of them.
        return problem(
            422,
            "Invalid body: send JSON text in UTF-8.",
            errors=[{"loc": ["body"], "msg": "the body is not valid JSON text in UTF-8"}],
        )
    headers = dict(error.headers or {})
    if status == 405:
        # Starlette names only the first route that matched the path; a path served by
        # several routes (GET and POST on /v1/declines) must list them all.
        allowed = sorted(_allowed_methods(request))
        headers["Allow"] = ", ".join(allowed)
        detail = f"This path does not accept {request.method}. Allowed: {', '.join(allowed)}."
    return problem(status, detail, headers=headers)


def _allowed_methods(request: Request) -> set[str]:
    route_methods: list[tuple[re.Pattern[str], set[str]]] = request.app.state.route_methods
    path = request.url.path
    matching = [(regex, methods) for regex, methods in route_methods if regex.match(path)]
    # A fixed path (/v1/declines/preview) wins over a template that also matches it
    # (/v1/declines/{decline_id}), as the routes and the OpenAPI document say.
    fixed = [methods for regex, methods in matching if "(?P<" not in regex.pattern]
    return {
        method for methods in (fixed or [methods for _, methods in matching]) for method in methods
    }


async def _on_database_down(request: Request, error: Exception) -> JSONResponse:
    # The error's text says which (refused, timed out, locked...); it never holds request data.
    logger.warning("database unavailable: %s: %s", type(error).__name__, error)
    metrics.DATABASE_UNAVAILABLE.labels(type(error).__name__).inc()
    return unavailable(request)


def unavailable(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    retry_after = str(settings.retry_after_seconds)
    return problem(
        503,
        "The database is unavailable right now. Nothing was stored; please retry.",
        headers={"Retry-After": retry_after},
    )


async def _on_unexpected(_request: Request, error: Exception) -> JSONResponse:
    # The traceback goes to the log, never to the client.
    logger.exception("unhandled error", exc_info=error)
    return problem(500, "Something went wrong on our side. Nothing was stored.")


# Errors that mean "the database cannot be reached", not "the request was wrong".
# OSError covers refused connections and timeouts (ConnectionError, TimeoutError).
DATABASE_DOWN: tuple[type[Exception], ...] = (
    DatabaseDown,
    OperationalError,
    InterfaceError,
    PoolTimeoutError,
    OSError,
)


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    for error_type in DATABASE_DOWN:
        app.add_exception_handler(error_type, _on_database_down)
    app.add_exception_handler(DBAPIError, _on_dbapi_error)
    app.add_exception_handler(Exception, _on_unexpected)


async def _on_dbapi_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DBAPIError)
    if error.connection_invalidated:
        return await _on_database_down(request, error)
    metrics.DATABASE_ERRORS.labels(type(error).__name__).inc()
    return await _on_unexpected(request, error)
