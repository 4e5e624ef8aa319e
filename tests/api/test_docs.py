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
