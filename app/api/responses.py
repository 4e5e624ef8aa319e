"""JSON responses assembled from stored JSON text, and the Link header of a paged list."""

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request, Response

from app.errors import InvalidInput
from app.store.pages import InvalidCursor


def json_response(
    document: str, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(document, status_code, headers, media_type="application/json")


def paged(request: Request, items: list[str], next_cursor: str | None) -> Response:
    """`{"items": [...], "next_cursor": ...}` with `Link: <...>; rel="next"` when there is more."""
    headers: dict[str, str] = {}
    next_json = "null"
    if next_cursor:
        next_json = f'"{next_cursor}"'
        next_url = request.url.include_query_params(cursor=next_cursor)
        headers["Link"] = f'<{next_url.path}?{next_url.query}>; rel="next"'
    body = '{"items":[' + ",".join(items) + '],"next_cursor":' + next_json + "}"
    return json_response(body, headers=headers)


@contextmanager
def cursor_checked() -> Iterator[None]:
    """A cursor that is not one of ours, met while reading a page, is the same 422 on every
    list."""
    try:
        yield
    except InvalidCursor:
        raise InvalidInput(
            "Invalid cursor: use the next_cursor value of a previous page", loc=["query", "cursor"]
        ) from None
