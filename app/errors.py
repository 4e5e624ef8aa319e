"""One small error hierarchy and the handlers that turn everything into RFC 9457 problem+json."""

import logging
import re
import time
import traceback
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import metrics
from app.config import Settings
from app.observe import current_request_id, new_request_id

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("gracious")


class DatabaseDown(Exception):
    """The database could not be reached or is refusing connections (raised by the driver)."""


class OutcomeUnknown(DatabaseDown):
    """The database stopped answering after a write was sent: it may or may not have committed."""


class RateLimitsDown(Exception):
    """The rate-limit store (Redis) did not answer in time, and the service fails closed."""


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
    408: "request_timeout",
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
    # Only the kinds of error: a driver's message may quote the values of a statement.
    logger.warning("database unavailable: %s", error_kinds(error))
    metrics.DATABASE_UNAVAILABLE.labels(type(error).__name__).inc()
    return unavailable(request, unknown=isinstance(error, OutcomeUnknown))


def unavailable(request: Request, *, unknown: bool = False) -> JSONResponse:
    settings: Settings = request.app.state.settings
    retry_after = str(settings.retry_after_seconds)
    if unknown:
        # The write was sent and no answer came: saying "nothing was stored" could be false.
        detail = (
            "The database stopped answering while this request was being stored: the outcome "
            "is unknown; retry with an Idempotency-Key (the same one, if this request had one)."
        )
    else:
        detail = "The database is unavailable right now. Nothing was changed; please retry."
    return problem(503, detail, headers={"Retry-After": retry_after})


def error_kinds(error: BaseException) -> str:
    """The error's type and those of its causes, without their messages."""
    kinds: list[str] = []
    current: BaseException | None = error
    while current is not None and len(kinds) < 5:
        kinds.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    return " <- ".join(kinds)


def where(error: BaseException) -> str:
    """The frames an error passed through, as file:line function: a traceback without the
    messages, since a driver's message may quote the personal text a statement carried."""
    frames = traceback.extract_tb(error.__traceback__)[-12:]
    return " | ".join(f"{frame.filename}:{frame.lineno} {frame.name}" for frame in frames)


async def _on_unexpected(_request: Request, error: Exception) -> JSONResponse:
    log_unexpected(error)
    return server_error()


def log_unexpected(error: BaseException) -> None:
    logger.error("unhandled error: %s at %s", error_kinds(error), where(error))


def server_error() -> JSONResponse:
    # The server closes the connection after a 500 (its state is in doubt), and says so.
    return problem(
        500,
        "Something went wrong on our side. Nothing was stored.",
        headers={"Connection": "close"},
    )


class Throttled:
    """Lets a repeated warning through at most once per `interval` seconds."""

    def __init__(self, interval: float = 60.0) -> None:
        self.interval = interval
        self._last: dict[str, float] = {}
        self.suppressed = 0

    def warning(self, message: str, *args: object) -> None:
        now = time.monotonic()
        last = self._last.get(message)
        if last is not None and now - last < self.interval:
            self.suppressed += 1
            return
        self._last[message] = now
        if self.suppressed:
            message += f" ({self.suppressed} more since the last report)"
            self.suppressed = 0
        logger.warning(message, *args)


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
    app.add_exception_handler(RateLimitsDown, _on_rate_limits_down)
    app.add_exception_handler(Exception, _on_unexpected)


# SQLSTATE classes that mean the server cannot serve now, not that the statement was wrong:
# connection exceptions, insufficient resources, operator intervention (shutting down,
# cannot connect now, a statement cancelled by its timeout).
_UNAVAILABLE_SQLSTATES = ("08", "53", "57")


def is_unavailable(error: DBAPIError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return error.connection_invalidated or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


def is_database_down(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and is_unavailable(error):
        return True
    return isinstance(error, DATABASE_DOWN)


async def _on_dbapi_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DBAPIError)
    if is_unavailable(error):
        return await _on_database_down(request, error)
    metrics.DATABASE_ERRORS.labels(type(error).__name__).inc()
    return await _on_unexpected(request, error)


async def _on_rate_limits_down(request: Request, _error: Exception) -> JSONResponse:
    settings: Settings = request.app.state.settings
    return problem(
        503,
        "Rate limits cannot be checked right now; please retry.",
        headers={"Retry-After": str(settings.retry_after_seconds)},
    )


class ServerErrors:
    """Turns an exception no handler took into a 500 problem+json, logged as `where` describes.

    Starlette's own last-resort handler answers and then re-raises, so the server logs the full
    traceback (messages included) and drops the connection the client may still be using.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as error:
            log_unexpected(error)
            if not started:  # otherwise the server ends the unfinished response itself
                await server_error()(scope, receive, send)
