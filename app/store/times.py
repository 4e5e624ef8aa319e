"""Times read back from the database, always aware and in UTC."""

from datetime import UTC, datetime


def utc(value: datetime) -> datetime:
    # SQLite hands back the UTC times it was given without their zone.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def maybe_utc(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)
