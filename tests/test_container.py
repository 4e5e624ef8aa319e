"""The container: a small build context, and a first start that says how to make a key."""

import fnmatch
import os
import subprocess
import sys
from pathlib import Path

from app.config import Settings
from scripts.dbtools import migrate
from tests.reliability.live import create_key

ROOT = Path(__file__).resolve().parents[1]
GRACIOUS = Path(sys.executable).parent / "gracious"


def _ignored(path: str, rules: list[str]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[: index + 1]) for index in range(len(parts))]
    ignored = False
    for rule in rules:
        negated = rule.startswith("!")
        pattern = rule.removeprefix("!").rstrip("/")
        patterns = (
            [pattern, pattern.removeprefix("**/")] if pattern.startswith("**/") else [pattern]
        )
        matched = any(
            fnmatch.fnmatchcase(candidate, option) or fnmatch.fnmatchcase(parts[-1], option)
            if option.startswith("*") and "/" not in option
            else fnmatch.fnmatchcase(candidate, option)
            for candidate in candidates
            for option in patterns
        )
        if matched:
            ignored = not negated
    return ignored


def test_the_build_context_holds_what_the_image_copies_and_no_database() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    rules = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for kept in [
        "pyproject.toml",
        "README.md",
        "alembic.ini",
        "app/main.py",
        "templates/email/offer.txt",
        "migrations/env.py",
    ]:
        assert not _ignored(kept, rules), kept
    for left_out in [
        ".venv/bin/python",
        ".git/HEAD",
        "gracious.db",
        "gracious.db-wal",
        "app/__pycache__/main.cpython-311.pyc",
        "tests/conftest.py",
        "data/x.db",
    ]:
        assert _ignored(left_out, rules), left_out
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = [line.split()[1:-1] for line in dockerfile.splitlines() if line.startswith("COPY ")]
    for sources in copied:
        for source in sources:
            assert not _ignored(source, rules), source


def test_a_new_database_says_how_to_make_the_first_key(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/gracious.db"
    migrate(url)
    env = {**os.environ, "DATABASE_URL": url}

    def hint() -> str:
        result = subprocess.run(
            [str(GRACIOUS), "hint"], env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "gracious keys create --tenant NAME" in hint()
    secret = create_key(Settings(database_url=url).database_url, "first")
    later = hint()
    assert later == ""
    assert secret not in later
    assert "gracious hint" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
