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
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db to share rate limits across replicas."
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
    worker_poll_seconds: float = Field(
        default=0.2, gt=0, description="How often an idle worker looks for work."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
