"""Throwaway databases: a fresh PostgreSQL database on a given server, or a SQLite temp file.

Both are migrated to head with the project's own Alembic migrations and removed afterwards.
"""

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from scripts.dbtools import migrate, migrated_postgres

SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime on SQLite
DEFAULT_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def admin_url() -> str:
    """The PostgreSQL server to make databases on: BENCH_DATABASE_URL, TEST_DATABASE_URL."""
    return (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or DEFAULT_ADMIN_URL
    )


def driver_dsn(url: str) -> str:
    """A SQLAlchemy postgresql+asyncpg URL as a plain libpq DSN for asyncpg."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database:
        raise ValueError(f"not a SQLite file URL: {url}")
    return database


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@contextlib.contextmanager
def postgresql_database(prefix: str = "gracious_bench", admin: str | None = None) -> Iterator[str]:
    """A new, migrated database on the admin URL's server; dropped (forcibly) at the end."""
    with migrated_postgres(admin or admin_url(), prefix) as url:
        yield url


@contextlib.contextmanager
def sqlite_database(folder: Path, name: str = "gracious.db") -> Iterator[str]:
    """A new, migrated SQLite file in `folder`; the file and its WAL are removed at the end."""
    path = folder / name
    url = f"sqlite+aiosqlite:///{path}"
    try:
        migrate(url)
        yield url
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "postgresql":
        with postgresql_database() as url:
            yield url
    elif kind == "sqlite":
        with sqlite_database(folder, f"gracious_{uuid.uuid4().hex[:8]}.db") as url:
            yield url
    else:
        raise ValueError(f"unknown database kind {kind!r}: use postgresql or sqlite")
