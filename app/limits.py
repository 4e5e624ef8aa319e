"""ASGI middleware that refuses bodies over the size limit before the app sees them."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PROBLEM_JSON, problem_body


class BodySizeLimit:
    """413 for a declared Content-Length over the limit, and for a streamed body that grows past it.

    The body is buffered here (never more than the limit) and replayed to the app, so a
    chunked upload is cut off as soon as it is too large, not after it has been read whole.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        bulk_paths: frozenset[str] = frozenset(),
        max_bulk_bytes: int = 0,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
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

        chunks: list[bytes] = []
        size = 0
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


async def _reply(send: Send, status: int, detail: str) -> None:
    payload = json.dumps(problem_body(status, detail)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
