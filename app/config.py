"""Settings, read once from the environment (and an optional .env file)."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///./gracious.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+asyncpg://...",
    )
    db_pool_size: int = Field(
        default=20,
        ge=1,
        description="PostgreSQL connections per pool (the engine's and the write path's).",
    )
    db_timeout_seconds: float = Field(
        default=5.0, gt=0, description="How long a request waits for the database before a 503."
    )
    db_pool_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How long a request may queue for a pooled connection under load.",
    )
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    sqlite_checkpoint_seconds: float = Field(
        default=1.0,
        gt=0,
        description="How often the server copies SQLite's write-ahead log into the database.",
    )
    sqlite_wal_limit_mb: int = Field(
        default=64,
        ge=1,
        description="The size past which the server makes SQLite's write-ahead log start over.",
    )
    retry_after_seconds: int = Field(default=5, ge=1, description="Retry-After sent with a 503.")
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    max_bulk_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="The body limit of batches and closeouts, which carry up to 100 requests.",
    )
    export_page_rows: int = Field(
        default=1000, ge=1, le=10_000, description="Rows an export reads from the database at once."
    )
    public_base_url: str | None = Field(
        default=None, description="Base for Location and Link headers; default: the request's."
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=0, description="Requests a minute per API key; 0 turns limits off."
    )
    rate_limit_window_seconds: int = Field(
        default=60, ge=1, description="The moving window RATE_LIMIT_PER_MINUTE is counted over."
    )
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db to share rate limits across replicas."
    )
    redis_timeout_seconds: float = Field(
        default=0.5, gt=0, description="How long a request waits for Redis before going on without."
    )
    rate_limits_without_redis: Literal["open", "closed"] = Field(
        default="open",
        description="When Redis does not answer: open lets requests through unlimited, "
        "closed answers 503.",
    )
    auth_failures_per_minute: int = Field(
        default=30,
        ge=0,
        description="Failed authentications a minute per client address before 429; 0: no limit.",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Comma-separated proxy addresses whose X-Forwarded-For/-Proto are trusted; "
        "empty: none.",
    )
    db_idle_seconds: float = Field(
        default=60.0,
        gt=0,
        description="PostgreSQL sessions idle this long are closed (idle_session_timeout).",
    )
    retention_days: int | None = Field(
        default=None, ge=1, description="Erase declines older than this many days; unset: keep."
    )
    maintenance_interval_seconds: float = Field(
        default=600.0,
        gt=0,
        description="How often expired idempotency records and old declines are purged.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    header_timeout_seconds: float = Field(
        default=10.0, gt=0, description="A connection must send a request's headers this fast."
    )
    body_timeout_seconds: float = Field(
        default=30.0, gt=0, description="A request must send its whole body this fast."
    )
    keep_alive_seconds: int = Field(
        default=5, ge=1, description="How long an idle keep-alive connection stays open."
    )
    max_connections: int = Field(
        default=1000,
        ge=1,
        description="Concurrent connections per process; beyond it requests get 503.",
    )
    log_level: str = "info"
    log_format: Literal["text", "json"] = Field(
        default="text", description="One line per request: key=value text, or JSON objects."
    )
    metrics_enabled: bool = Field(default=True, description="Serve Prometheus metrics.")
    metrics_token: SecretStr | None = Field(
        default=None, description="When set, /metrics requires Authorization: Bearer <token>."
    )
    cors_origins: str = Field(
        default="",
        description="Comma-separated origins browsers may call from ('*' for any); none if empty.",
    )

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    webhook_allow_private_networks: bool = Field(
        default=False,
        description="Let webhooks use http and reach private and loopback addresses (development).",
    )
    worker_embedded: bool | None = Field(
        default=None,
        description="Run the worker inside the server process; default: on for SQLite only.",
    )
    worker_poll_seconds: float | None = Field(
        default=None,
        gt=0,
        description=(
            "How often an idle worker looks for work; default: 0.05 on PostgreSQL, 0.25 on SQLite."
        ),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
