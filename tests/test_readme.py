"""The README and the API guide stand on their own in any clone: links stay inside the
repository, and every setting the service reads is documented."""

import re
from pathlib import Path

from app.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", ROOT / "docs" / "api.md"]


def test_links_point_at_files_in_the_repository() -> None:
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        links = re.findall(r"\]\(([^)\s]+)\)", text)
        assert links, document.name
        for link in links:
            assert "://" not in link, (document.name, link)
            target = (document.parent / link.split("#", 1)[0]).resolve()
            assert target.is_relative_to(ROOT), (document.name, link)
            assert target.exists(), (document.name, link)


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)`", readme, flags=re.MULTILINE))
    documented |= set(re.findall(r"^\| `[A-Z_]+`, `([A-Z_]+)`", readme, flags=re.MULTILINE))
    wanted = {name.upper() for name in Settings.model_fields}
    wanted |= {"MIGRATE_ON_START", "TEST_DATABASE_URL", "TEST_REDIS_URL", "HOST", "PORT"}
    assert wanted - documented == set()


def test_the_readme_says_what_it_needs_and_how_to_follow_a_request() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Python 3.11" in readme
    assert "`make`" in readme
    assert "/metrics" in readme
    assert "X-Request-Id" in readme
    assert "second `make run`" in readme
