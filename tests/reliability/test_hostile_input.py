"""Hostile input at every endpoint: a 4xx problem+json, nothing stored, the process unharmed.

Hypothesis throws arbitrary JSON, bytes, nesting, sizes, query strings, ids and headers; the
examples are derandomised so `make test` is reproducible (`make soak` runs many more).
"""

import json
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.compose.reading import in_prose, title_in_prose
from tests.conftest import count_rows, decline_request
from tests.reliability.live import SOAK
from tests.strategies import EXPANDING, INVISIBLE, edge_times

pytestmark = pytest.mark.anyio

PROBLEM = "application/problem+json"
JSON = {"content-type": "application/json"}
JSON_RAW = [(b"content-type", b"application/json")]
BODY_ENDPOINTS = ["/v1/declines", "/v1/declines/preview"]
WELL_FORMED_ID = "dcl_01JDX2Q3M4N5P6R7S8T9V0W1XY"
EVERY_ENDPOINT = [
    ("POST", "/v1/declines"),
    ("POST", "/v1/declines/preview"),
    ("GET", "/v1/declines"),
    ("GET", f"/v1/declines/{WELL_FORMED_ID}"),
    ("DELETE", f"/v1/declines/{WELL_FORMED_ID}"),
    ("GET", "/v1/reasons"),
]
EXAMPLES = 300 if SOAK else 40
hostile = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not SOAK,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=30,
)


def assert_refused(response: Response, *allowed: int) -> dict[str, Any]:
    """A client error, as RFC 9457 problem+json that names its own status."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    if allowed:
        assert response.status_code in allowed, (response.status_code, response.text[:500])
    assert response.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    assert problem["status"] == response.status_code
    assert problem["title"]
    assert problem["detail"]
    return problem


async def assert_unharmed(client: AsyncClient, app: FastAPI) -> None:
    assert (await client.get("/healthz")).status_code == 200
    assert await count_rows(app) == 0


@hostile
@given(body=json_values, path=st.sampled_from(BODY_ENDPOINTS))
async def test_arbitrary_json_is_refused(
    client: AsyncClient, app: FastAPI, body: Any, path: str
) -> None:
    assert_refused(await client.post(path, content=json.dumps(body), headers=JSON), 422)
    await assert_unharmed(client, app)


@hostile
@given(raw=st.binary(max_size=2_000), path=st.sampled_from(BODY_ENDPOINTS))
async def test_arbitrary_bytes_are_refused(
    client: AsyncClient, app: FastAPI, raw: bytes, path: str
) -> None:
    assert_refused(await client.post(path, content=raw, headers=JSON), 400, 422)
    await assert_unharmed(client, app)


@hostile
@given(
    field=st.sampled_from(["role", "company", "stage", "candidate", "reason", "channels"]),
    value=json_values,
)
async def test_arbitrary_json_in_one_field_stores_nothing_unless_valid(
    client: AsyncClient, app: FastAPI, field: str, value: Any
) -> None:
    response = await client.post(
        "/v1/declines/preview", content=json.dumps(decline_request(**{field: value})), headers=JSON
    )
    if response.status_code != 200:
        assert_refused(response, 422)
    await assert_unharmed(client, app)


NESTED = ["[" * depth + "]" * depth for depth in (100, 1_000, 30_000)] + [
    '{"a":' * depth + "1" + "}" * depth for depth in (100, 1_000, 10_000)
]


@pytest.mark.parametrize("nested", NESTED, ids=lambda text: f"{text[:2]}x{len(text)}")
async def test_deep_nesting_is_refused(client: AsyncClient, app: FastAPI, nested: str) -> None:
    for path in BODY_ENDPOINTS:
        assert_refused(await client.post(path, content=nested, headers=JSON), 400, 413, 422)
        inside = json.dumps(decline_request(role="x")).replace('"x"', nested)
        assert_refused(await client.post(path, content=inside, headers=JSON), 400, 413, 422)
    await assert_unharmed(client, app)


SIZES = [
    (decline_request(role="r" * 60_000), 422),  # under the body limit, over the field's
    (decline_request(role="r" * 70_000), 413),
    (decline_request(reason={"category": "other", "detail": "d" * 66_000}), 413),
    ({f"k{number}": number for number in range(3_000)}, 422),
    (decline_request(linkedin_limit=10**400), 422),
    (decline_request(channels=["email"] * 5_000), 422),
    ([decline_request()] * 30, 422),
    ([decline_request()] * 200, 413),
]


@pytest.mark.parametrize(("body", "status"), SIZES, ids=range(len(SIZES)))
async def test_huge_values_are_refused(
    client: AsyncClient, app: FastAPI, body: Any, status: int
) -> None:
    for path in BODY_ENDPOINTS:
        assert_refused(await client.post(path, content=json.dumps(body), headers=JSON), status)
    await assert_unharmed(client, app)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"stage": "offer", "role": "\xff\xfe", "company": "A"}',
        b'{"role": "\xc3\x28"}',
        b'{"role": "\xed\xa0\x80"}',  # an encoded surrogate
        b'\xef\xbb\xbf{"stage": "offer"}',  # a byte order mark
        b'{"role": "a\x00b"}',
        b"\x00" * 100,
    ],
)
async def test_invalid_utf8_is_refused(client: AsyncClient, app: FastAPI, raw: bytes) -> None:
    for path in BODY_ENDPOINTS:
        assert_refused(await client.post(path, content=raw, headers=JSON), 400, 422)
    await assert_unharmed(client, app)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/html",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/jsonx",
        "json",
        "",
        "a" * 5_000,
    ],
)
async def test_wrong_content_types_are_415(
    client: AsyncClient, app: FastAPI, content_type: str
) -> None:
    body = json.dumps(decline_request())
    for path in BODY_ENDPOINTS:
        response = await client.post(path, content=body, headers={"content-type": content_type})
        assert_refused(response, 415)
    await assert_unharmed(client, app)


@pytest.mark.parametrize(
    ("content_length", "status"), [("abc", 400), ("-1", 400), ("1e3", 400), ("9" * 30, 413)]
)
async def test_lying_content_length_is_refused(
    client: AsyncClient, app: FastAPI, content_length: str, status: int
) -> None:
    headers = {**JSON, "content-length": content_length}
    for path in BODY_ENDPOINTS:
        response = await client.post(path, content=b"{}", headers=headers)
        assert response.status_code == status
        assert response.headers["content-type"] == PROBLEM
    await assert_unharmed(client, app)


Headers = list[tuple[bytes, bytes]]
AUTH_ABUSE: list[Headers] = [
    [(b"authorization", b"Bearer " + b"x" * 10_000)],
    [(b"authorization", b"Bearer")],
    [(b"authorization", b"Basic dXNlcjpwYXNz")],
    [(b"authorization", b"Bearer gr_live_" + b"\xe9" * 43)],
    [(b"authorization", b"Bearer gr_live_" + b"A" * 43 + b", Bearer gr_live_" + b"B" * 43)],
]
JUNK_HEADERS: list[Headers] = [
    [(b"idempotency-key", b"k" * 10_000)],
    [(b"idempotency-key", b"\xff\xfe")],
    [(b"accept", b"application/xml" * 500)],
    [(b"cookie", b"a=" + b"b" * 8_000)],
    [(f"x-junk-{number}".encode(), b"v" * 100) for number in range(200)],
    [(b"x-forwarded-for", b"not an address"), (b"host", b"evil.example")],
]
# A body that is refused whatever the headers say, so header abuse can never store anything.
REFUSED_BODY = json.dumps(decline_request(stage="hired"))


async def _send(client: AsyncClient, method: str, path: str, headers: Headers) -> Response:
    body = REFUSED_BODY if method == "POST" else None
    return await client.request(method, path, content=body, headers=[*JSON_RAW, *headers])


@pytest.mark.parametrize("headers", AUTH_ABUSE, ids=range(len(AUTH_ABUSE)))
@pytest.mark.parametrize(("method", "path"), EVERY_ENDPOINT)
async def test_abused_authorization_is_401(
    client: AsyncClient, app: FastAPI, method: str, path: str, headers: Headers
) -> None:
    assert_refused(await _send(client, method, path, headers), 401)
    await assert_unharmed(client, app)


@pytest.mark.parametrize("headers", JUNK_HEADERS, ids=range(len(JUNK_HEADERS)))
@pytest.mark.parametrize(("method", "path"), EVERY_ENDPOINT)
async def test_junk_headers_are_refused_or_ignored(
    client: AsyncClient, app: FastAPI, method: str, path: str, headers: Headers
) -> None:
    response = await _send(client, method, path, headers)
    if response.status_code >= 400:
        assert_refused(response)
    else:  # ignored: the endpoint answered as usual
        assert (method, response.status_code) in {("GET", 200)}, response.text[:300]
    await assert_unharmed(client, app)


query_names = st.sampled_from(
    ["stage", "reason", "company", "q", "created_after", "created_before", "limit", "cursor"]
) | st.text(min_size=1, max_size=10)
nasty_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x19b",
        "\u202eevil",
        "\ud7ff\U0010ffff",
        "%",
        "_",
        "\\",
        "'; --",
        "0",
        "-1",
        "ß" * 200,
        "ﬃ" * 150,
        *EXPANDING,
        *INVISIBLE,
    ]
)
query_values = (
    nasty_text | edge_times | st.text(max_size=300) | st.builds("".join, st.lists(nasty_text))
)


@hostile
@given(params=st.lists(st.tuples(query_names, query_values), min_size=1, max_size=6))
@example(params=[("q", "a\x19b")])
@example(params=[("company", "\x00")])
@example(params=[("limit", "1e9"), ("cursor", "%00")])
@example(params=[("created_after", "9999-12-31T23:59:59-23:59")])
@example(params=[("created_before", "0001-01-01T00:00:00+23:59")])
@example(params=[("company", "ß" * 200), ("q", "İ" * 200)])
async def test_arbitrary_log_queries_answer_a_page_or_422(
    client: AsyncClient, app: FastAPI, params: list[tuple[str, str]]
) -> None:
    response = await client.get("/v1/declines", params=tuple(params))
    if response.status_code == 200:
        page = response.json()
        assert page["items"] == []
        assert page["next_cursor"] is None
    else:
        assert_refused(response, 422)
    await assert_unharmed(client, app)


@hostile
@given(decline_id=st.text(min_size=1, max_size=300), method=st.sampled_from(["GET", "DELETE"]))
@example(decline_id="/", method="GET")
@example(decline_id="dcl_01JDX2Q3M4N5P6R7S8T9V0W1XY/", method="DELETE")
async def test_arbitrary_ids_are_404(
    client: AsyncClient, app: FastAPI, decline_id: str, method: str
) -> None:
    response = await client.request(method, f"/v1/declines/{quote(decline_id, safe='')}")
    # Nothing redirects, not even a path with a trailing slash (an id ending in "/").
    assert "location" not in response.headers
    assert_refused(response, 404, 405)
    await assert_unharmed(client, app)


TEMPLATE_LOOKING = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{{ config }}",
    "{# comment #}",
    "${7*7}",
    "<%= 7*7 %>",
]
MARKED_TAG = "<zq-mark onload=alert(1)>"
plain_text = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=30
).filter(lambda text: text.strip() == text)


@hostile
@given(
    snippet=st.sampled_from(TEMPLATE_LOOKING) | plain_text,
    around=plain_text,
)
async def test_template_looking_input_is_literal_and_html_is_escaped(
    client: AsyncClient, app: FastAPI, snippet: str, around: str
) -> None:
    company = f"{around} {snippet} {MARKED_TAG}"
    role = f"{snippet} <b>{around}</b>"
    body = decline_request(
        company=company,
        role=role,
        candidate={"name": f"{around} <script>x</script>"},
        reason={"category": "career_direction", "detail": f"{snippet} {MARKED_TAG}"},
    )
    response = await client.post("/v1/declines/preview", json=body)
    if response.status_code != 200:
        # Text rules may refuse some characters; what they refuse must be a clean 422.
        assert_refused(response, 422)
        return
    messages = response.json()["messages"]
    email_text = " ".join(messages["email"]["text"].split())
    # As a person writes them in a sentence (a title's asides and an employer's registry entry
    # left out), and literally: nothing in them is run as a template.
    assert " ".join(in_prose(company).split()) in email_text
    assert " ".join(title_in_prose(role)[0].split()) in email_text
    html = messages["email"]["html"]
    assert "<zq-mark" not in html
    assert "&lt;zq-mark" in html
    assert "<script>" not in html
    assert "<b>" not in html
    assert await count_rows(app) == 0


async def test_the_service_still_works_after_a_barrage(client: AsyncClient, app: FastAPI) -> None:
    barrage = [NESTED[-1], json.dumps(SIZES[0][0]), "\x00" * 100, json.dumps([None] * 9_000)]
    for path in BODY_ENDPOINTS:
        for body in barrage:
            assert_refused(await client.post(path, content=body, headers=JSON))
    response = await client.post("/v1/declines", json=decline_request())
    assert response.status_code == 201, response.text
    assert (await client.get(response.headers["location"])).json()["id"] == response.json()["id"]
    assert await count_rows(app) == 1
