"""A live uvicorn, served as CI and production serve it: no banner, and an id to follow."""

import json
from pathlib import Path

import httpx

from tests.reliability.live import service


def test_a_request_id_leads_from_the_response_to_its_log_line(tmp_path: Path) -> None:
    with service("sqlite", tmp_path, LOG_FORMAT="json", LOG_LEVEL="info") as live:
        response = httpx.get(f"{live.base}/v1/reasons", headers=live.headers)
        log = live.server.log
    assert response.status_code == 200
    assert "server" not in response.headers
    request_id = response.headers["x-request-id"]
    entries = [
        json.loads(line)
        for line in log.read_text(encoding="utf-8").splitlines()
        if line.startswith("{") and request_id in line
    ]
    assert len(entries) == 1, entries
    assert entries[0]["route"] == "/v1/reasons"
    assert entries[0]["status"] == 200
    assert entries[0]["tenant_id"].startswith("ten_")
