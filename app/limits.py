"""ASGI middleware that bounds a request body (size, time, who may send one) before the app
sees it."""

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import keys
from app.errors import PROBLEM_JSON

NO_KEY = "Send your API key in the header Authorization: Bearer <key>."
BAD_KEY = "This API key is not valid or has been revoked."


class BodySizeLimit:
    """413 for a declared Content-Length over the limit, and for a streamed body that grows past
    it; 401 before any of the body is read when a /v1 request carries no key that could exist;
    408 when the body does not arrive within the body timeout.

    The body is buffered here (never more than the limit) and replayed to the app, so a
    chunked upload is cut off as soon as it is too large, not after it has been read whole.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _reply(send, 400, "Bad Request", "The Content-Length header is not a number.")
                return
            if int(declared) > self.max_bytes:
                await self._too_large(send)
                return

        if scope["path"].startswith("/v1/") and (refusal := _key_refusal(scope)):
            await _reply(send, 401, "Unauthorized", refusal, challenge=refusal == BAD_KEY)
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
                    if size > self.max_bytes:
                        await self._too_large(send)
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            detail = f"The body did not arrive within {self.timeout:g} seconds."
            await _reply(send, 408, "Request Timeout", detail)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        detail = f"The body is larger than {self.max_bytes} bytes."
        await _reply(send, 413, "Content Too Large", detail)


def _key_refusal(scope: Scope) -> str | None:
    """Why the request's key cannot be anyone's, judged without the database; None if it might."""
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, secret = header.partition(" ")
    if not header or scheme.lower() != "bearer" or not secret.strip():
        return NO_KEY
    return None if keys.looks_like_secret(secret.strip()) else BAD_KEY


async def _reply(
    send: Send, status: int, title: str, detail: str, *, challenge: bool | None = None
) -> None:
    payload = json.dumps(
        {"type": "about:blank", "title": title, "status": status, "detail": detail}
    ).encode()
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
