"""ASGI middleware that bounds a request body (size, time, who may send one) before the app
sees it."""

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import keys
from app.errors import PROBLEM_JSON, problem_body

NO_KEY = "Send your API key in the header Authorization: Bearer <key>."
BAD_KEY = "This API key is not valid or has been revoked."


class BodySizeLimit:
    """413 for a declared Content-Length over the limit, and for a streamed body that grows past
    it; 401 before any of the body is read when a /v1 request carries no key that could exist;
    408 when the body does not arrive within the body timeout.

    The body is buffered here (never more than the limit) and replayed to the app, so a
    chunked upload is cut off as soon as it is too large, not after it has been read whole.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        timeout: float,
        bulk_paths: frozenset[str] = frozenset(),
        max_bulk_bytes: int = 0,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout
        # Batches and closeouts carry up to a hundred requests, so they get a limit of their own.
        self.bulk_paths = bulk_paths
        self.max_bulk_bytes = max_bulk_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.max_bulk_bytes if scope["path"] in self.bulk_paths else self.max_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _reply(send, 400, "The Content-Length header is not a number.")
                return
            if int(declared) > limit:
                await self._too_large(send, limit)
                return

        if scope["path"].startswith("/v1/") and (refusal := _key_refusal(scope)):
            await _reply(send, 401, refusal, challenge=refusal == BAD_KEY)
            return

        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        return  # the client went away
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        await self._too_large(send, limit)
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            detail = f"The body did not arrive within {self.timeout:g} seconds."
            await _reply(send, 408, detail)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send, limit: int) -> None:
        detail = f"The body is larger than {limit} bytes."
        await _reply(send, 413, detail)


def _key_refusal(scope: Scope) -> str | None:
    """Why the request's key cannot be anyone's, judged without the database; None if it might."""
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, secret = header.partition(" ")
    if not header or scheme.lower() != "bearer" or not secret.strip():
        return NO_KEY
    secret = secret.strip()
    might_be = keys.looks_like_secret(secret) or keys.looks_like_admin_secret(secret)
    return None if might_be else BAD_KEY


async def _reply(send: Send, status: int, detail: str, *, challenge: bool | None = None) -> None:
    payload = json.dumps(problem_body(status, detail)).encode()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(payload)).encode()),
        (b"connection", b"close"),
    ]
    if challenge is not None:
        value = 'Bearer realm="gracious"' + (', error="invalid_token"' if challenge else "")
        headers.append((b"www-authenticate", value.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
