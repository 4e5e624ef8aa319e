"""The one Jinja2 environment every message is rendered with, built once at start-up."""

import hashlib
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, meta, select_autoescape

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


def _build_environment(directory: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(directory),
        undefined=StrictUndefined,
        # Only HTML is escaped: plain text must carry what people typed, character for character.
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    return env


@lru_cache(maxsize=1)
def environment() -> Environment:
    return _build_environment(TEMPLATES_DIR)


@lru_cache(maxsize=1)
def template_version() -> str:
    """A digest of every template, so a stored decline says which wording produced it."""
    digest = hashlib.sha256()
    for path in sorted(TEMPLATES_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(TEMPLATES_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return f"v1-{digest.hexdigest()[:12]}"


@cache
def names_read(name: str) -> frozenset[str]:
    """Every name a template reads from its context, the templates it imports included."""
    env = environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    tree = env.parse(source)
    names = set(meta.find_undeclared_variables(tree))
    for imported in meta.find_referenced_templates(tree):
        if imported is None:
            raise ValueError(f"{name} imports a template by a computed name")
        names |= names_read(imported)
    return frozenset(names)


def warm_up() -> None:
    """Compile every template now, so no request pays for it."""
    env = environment()
    for name in env.list_templates():
        env.get_template(name)
        names_read(name)
    template_version()


def render(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(name).render(context)
