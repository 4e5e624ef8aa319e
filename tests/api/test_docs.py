"""The OpenAPI document and the docs console, which must work with no internet."""

import re
from pathlib import Path

import pytest
import yaml
from httpx import AsyncClient
from openapi_spec_validator import validate

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]


async def test_openapi_yaml_equals_what_the_app_serves(client: AsyncClient) -> None:
    served = (await client.get("/openapi.json")).json()
    committed = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    assert committed == served, "openapi.yaml is stale: run `make openapi`"
    validate(committed)


async def test_every_operation_documents_its_errors_with_examples(client: AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    create = spec["paths"]["/v1/declines"]["post"]
    assert {"201", "413", "415", "422", "503"} <= set(create["responses"])
    examples = create["requestBody"]["content"]["application/json"]["examples"]
    assert examples["offer"]["value"]["stage"] == "offer"
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            assert operation.get("operationId"), (path, method)
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    content = response["content"]["application/problem+json"]
                    assert content["example"]["status"] == int(status)
    codes = spec["components"]["schemas"]["GuidanceCode"]["enum"]
    assert {"interview_imminent", "interview_passed", "call_first"} <= set(codes)


async def test_docs_pages_load_only_local_assets(client: AsyncClient) -> None:
    for page in ["/docs", "/redoc"]:
        response = await client.get(page)
        assert response.status_code == 200
        html = response.text
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
        urls += re.findall(r"""url:\s*["']([^"']+)["']""", html)
        assert urls, page
        for url in urls:
            assert url.startswith("/"), f"{page} loads {url} from elsewhere"
            assert (await client.get(url)).status_code == 200, url
        assert "cdn" not in html.lower()
        assert "googleapis" not in html


async def test_the_bundles_the_docs_load_reach_for_nothing_outside(client: AsyncClient) -> None:
    redoc = await client.get("/docs-assets/redoc.standalone.js")
    assert redoc.status_code == 200
    assert "cdn." not in redoc.text
    swagger = await client.get("/docs")
    assert '"validatorUrl": null' in swagger.text


async def test_health_responses_are_named_models(client: AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path, name in [("/healthz", "Health"), ("/readyz", "Readiness")]:
        content = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert content["schema"] == {"$ref": f"#/components/schemas/{name}"}


async def test_requests_and_responses_are_described_apart(client: AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    request, echoed = schemas["DeclineRequest"], schemas["DeclineRequestOutput"]
    # Optional with a default in a request; always present in a response.
    for field in ["tone", "locale", "linkedin_limit", "channels", "relationship"]:
        assert field not in request["required"], field
        assert field in echoed["required"], field
    # The default is beside an allOf, where generators look, not beside a bare $ref.
    assert request["properties"]["tone"] == {
        "allOf": [{"$ref": "#/components/schemas/Tone"}],
        "default": "warm",
    }
    assert schemas["Problem"]["properties"]["errors"]["anyOf"][0]["items"] == {
        "$ref": "#/components/schemas/ProblemError"
    }
    assert set(schemas["ProblemError"]["required"]) == {"loc", "msg"}


async def test_enums_are_open_in_responses_and_closed_in_requests(client: AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    category = {"$ref": "#/components/schemas/ReasonCategory"}
    assert schemas["Reason"]["properties"]["category"] == category
    for name, field in [("ReasonInfo", "category"), ("ReasonOutput", "category")]:
        assert schemas[name]["properties"][field]["anyOf"] == [category, {"type": "string"}]
    guidance = schemas["Guidance"]["properties"]["code"]
    assert guidance["anyOf"] == [
        {"$ref": "#/components/schemas/GuidanceCode"},
        {"type": "string"},
    ]
    assert "additionalProperties" not in schemas["DeclineRequestOutput"]
    assert schemas["DeclineRequest"]["additionalProperties"] is False


async def test_responses_declare_the_headers_they_carry(client: AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for methods in spec["paths"].values():
        for operation in methods.values():
            for status, response in operation["responses"].items():
                headers = set(response.get("headers", {}))
                assert "X-Request-Id" in headers, (operation["operationId"], status)
                if operation.get("security"):
                    assert {"RateLimit", "RateLimit-Policy"} <= headers
                if status in ("429", "503"):
                    assert "Retry-After" in headers
    listing = spec["paths"]["/v1/declines"]["get"]["responses"]["200"]["headers"]
    assert "Link" in listing


async def test_the_text_rule_is_a_format_not_a_raw_pattern(client: AsyncClient) -> None:
    served = (await client.get("/openapi.json")).text
    assert "\\\\u0000" not in served
    spec = (await client.get("/openapi.json")).json()
    role = spec["components"]["schemas"]["DeclineRequest"]["properties"]["role"]
    assert role["format"] == "plain-text"
    assert "control characters" in role["description"]
