"""GET /metrics: the Prometheus exposition, mounted only when METRICS_ENABLED is true."""

import hmac

from fastapi import APIRouter, Request, Response

from app import metrics
from app.config import Settings
from app.errors import Unauthorized

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
async def scrape(request: Request) -> Response:
    """Prometheus text format; with METRICS_TOKEN set, only for `Authorization: Bearer <it>`."""
    settings: Settings = request.app.state.settings
    if settings.metrics_token is not None:
        expected = f"Bearer {settings.metrics_token.get_secret_value()}".encode()
        sent = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(sent, expected):
            raise Unauthorized("Send the metrics token as Authorization: Bearer <token>.")
    return Response(metrics.render(), media_type=metrics.CONTENT_TYPE)
