"""The service's Prometheus metrics, in one registry of its own, served at /metrics."""

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = CONTENT_TYPE_LATEST

# Milliseconds matter on the write path (a decline takes a few), seconds at the tail.
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# HTTP: labelled by route template ("/v1/declines/{decline_id}"), never by the raw path, so
# the number of series stays fixed whatever paths clients send.
HTTP_REQUESTS = Counter(
    "gracious_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ("method", "route", "status"),
    registry=REGISTRY,
)
HTTP_DURATION = Histogram(
    "gracious_http_request_duration_seconds",
    "Time from the request's arrival to its last byte sent, by method, route template and status.",
    ("method", "route", "status"),
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)

COMPOSITION = Histogram(
    "gracious_composition_seconds",
    "Time spent composing a decline's messages and guidance.",
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)

DATABASE_UNAVAILABLE = Counter(
    "gracious_database_unavailable",
    "Requests answered 503 because the database could not be reached, by error type.",
    ("error",),
    registry=REGISTRY,
)
DATABASE_ERRORS = Counter(
    "gracious_database_errors",
    "Database errors that were not an outage (answered 500), by error type.",
    ("error",),
    registry=REGISTRY,
)

RATE_LIMIT_REJECTIONS = Counter(
    "gracious_rate_limit_rejections",
    "Requests refused with 429 because their API key was over its limit.",
    registry=REGISTRY,
)

# Webhook deliveries and the background worker (issue 12) add their figures here, in this
# registry, named gracious_webhook_* and gracious_worker_*.


def render() -> bytes:
    return generate_latest(REGISTRY)
