"""`alembic check` on a fresh SQLite file and, with TEST_DATABASE_URL, a fresh PostgreSQL database.

Each database is migrated up, checked for drift against the models, migrated down to nothing
and up again, so both directions of every migration are exercised.
"""

import os
import sys
import tempfile

from alembic import command

from scripts.dbtools import alembic_config, scratch_postgres


def _check(url: str) -> None:
    config = alembic_config(url)
    command.upgrade(config, "head")
    command.check(config)
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    command.check(config)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        _check(f"sqlite+aiosqlite:///{folder}/check.db")
        print("alembic check: SQLite ok")
    admin_url = os.environ.get("TEST_DATABASE_URL")
    if admin_url:
        with scratch_postgres(admin_url, "gracious_check") as url:
            _check(url)
        print("alembic check: PostgreSQL ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
