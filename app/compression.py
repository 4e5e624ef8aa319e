"""gzip for clients that ask for it, and no cost at all for those that do not."""

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

# Responses smaller than this go out as they are: compressing them saves less than it costs.
MIN_BYTES = 1024


class GzipWhenAsked:
    """Starlette's GZipMiddleware, entered only by requests whose Accept-Encoding names gzip.

    Starlette wraps every other response too (to inspect its headers), which cost as much per
    request as the rest of our middleware together; a scan of the raw headers costs little.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=MIN_BYTES, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"accept-encoding" and b"gzip" in value.lower():
                    await self.gzip(scope, receive, send)
                    return
        await self.app(scope, receive, send)
