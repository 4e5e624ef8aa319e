"""The one Jinja2 environment every message is rendered with, and the rule it enforces.

Templates are rendered once per decline *shape* (see skeleton.py), with a `Text` standing in
for each thing a person typed. A template may print a text and ask whether it was given;
anything else it does with one (compare it, measure it, slice, split or change it, branch on
its words) would be worked out on the stand-in rather than on the person's words, so it raises
`TextMisuse` at once, naming the template and the line. Every composition takes this path, so
every test that composes a shape checks the templates it uses.
"""

import hashlib
import traceback
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NoReturn

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

# A text's place in a skeleton: a character no validated text holds (control characters are
# refused), then its slot number, then the character again.
MARK = "\x00"
STOP_MARK = "\x01"


class TextMisuse(Exception):
    """A template did something with a person's text other than print it or test it is given.

    Deliberately not a TypeError, AttributeError or LookupError: Jinja swallows those in places
    (attribute look-ups fall back to items, then to undefined), and this must never be swallowed.
    """


class Text:
    """A person's text (or one derived from it) as templates see it while a skeleton is made.

    It prints as its slot's marker (`{{ name }}`), and it is truthy, because a text that is not
    given is None rather than a Text: whether it is given is part of the shape. Everything else
    raises.
    """

    __slots__ = ("marker", "name")

    def __init__(self, name: str, slot: int) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "marker", f"{MARK}{slot}{MARK}")

    def __html__(self) -> str:
        # Printed in an HTML template: filling puts the escaped text where the marker is.
        return self.marker

    def __bool__(self) -> bool:
        return True

    def _refuse(self, what: str) -> NoReturn:
        raise TextMisuse(
            f"a template may only print `{self.name}` or test that it is given; it {what}"
        )

    def __str__(self) -> str:
        self._refuse("turned it into a string (a filter, `~`, or join); print it with {{ }}")

    def __repr__(self) -> str:
        return f"Text({self.name!r})"

    def __getattr__(self, attribute: str) -> NoReturn:
        self._refuse(f"read `.{attribute}`")

    def __setattr__(self, attribute: str, value: object) -> NoReturn:
        self._refuse(f"set `.{attribute}`")

    def __getitem__(self, key: object) -> NoReturn:
        self._refuse("indexed or sliced it")

    def __len__(self) -> NoReturn:
        self._refuse("measured its length")

    def __iter__(self) -> NoReturn:
        self._refuse("iterated over it")

    def __contains__(self, item: object) -> NoReturn:
        self._refuse("searched it")

    def __eq__(self, other: object) -> NoReturn:
        self._refuse("compared it")

    def __ne__(self, other: object) -> NoReturn:
        self._refuse("compared it")

    def __lt__(self, other: object) -> NoReturn:
        self._refuse("compared it")

    __le__ = __gt__ = __ge__ = __lt__

    def __hash__(self) -> NoReturn:
        self._refuse("used it as a key")

    def __add__(self, other: object) -> NoReturn:
        self._refuse("added to it")

    __radd__ = __mul__ = __rmul__ = __mod__ = __rmod__ = __add__


def _finalize(value: object) -> object:
    if isinstance(value, Text):
        return value.marker
    if value is None:
        # A text that is not given is None: printing it would write "None" into a letter.
        raise TextMisuse("a template printed a text that is not given; test it first")
    return value


def _holds_text(value: object) -> bool:
    return type(value) is Text or (isinstance(value, str) and (MARK in value or STOP_MARK in value))


def _guarded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter or test that refuses a text, or wording that holds one (a macro's output)."""

    def guarded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if _holds_text(value):
                raise TextMisuse(f"a template applied `{name}` to a person's text")
        return function(*args, **kwargs)

    return guarded


class _Environment(Environment):
    """Attribute and item look-ups refuse wording that holds a text, as Text itself does."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is Text:
            obj._refuse(f"read `.{attribute}`")
        if isinstance(obj, str) and _holds_text(obj):
            raise TextMisuse(f"a template read `.{attribute}` of wording that holds a text")
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if type(obj) is Text:
            obj._refuse("indexed or sliced it")
        if isinstance(obj, str) and _holds_text(obj):
            raise TextMisuse("a template indexed or sliced wording that holds a text")
        return super().getitem(obj, argument)


# Filters that only print what they are given, or choose between values.
_PRINTING_FILTERS = frozenset({"default", "d"})


def _build_environment(directory: Path) -> Environment:
    env = _Environment(
        loader=FileSystemLoader(directory),
        undefined=StrictUndefined,
        # Only HTML is escaped: plain text must carry what people typed, character for character.
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        finalize=_finalize,
    )
    env.filters = {
        name: function if name in _PRINTING_FILTERS else _guarded(name, function)
        for name, function in env.filters.items()
    }
    env.tests = {
        name: test if name in {"defined", "undefined", "none"} else _guarded(name, test)  # type: ignore[arg-type]
        for name, test in env.tests.items()
    }
    return env


@lru_cache(maxsize=1)
def environment() -> Environment:
    return _build_environment(TEMPLATES_DIR)


@lru_cache(maxsize=1)
def template_version() -> str:
    """A digest of every template and table, so a stored decline says which wording made it."""
    digest = hashlib.sha256()
    for path in sorted(TEMPLATES_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(TEMPLATES_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return f"v2-{digest.hexdigest()[:12]}"


def warm_up() -> None:
    """Compile every template now, so no request pays for it and a syntax error stops start-up."""
    env = environment()
    for name in env.list_templates():
        env.get_template(name)
    template_version()


@cache
def _template_files() -> frozenset[str]:
    return frozenset(str(path) for path in TEMPLATES_DIR.rglob("*") if path.is_file())


def render(name: str, context: dict[str, Any]) -> str:
    try:
        return environment().get_template(name).render(context)
    except TextMisuse as error:
        raise TextMisuse(f"{_where(error) or name}: {error}") from None


def render_string(source: Markup | str, name: str, context: dict[str, Any]) -> str:
    """A table cell (see wording.py) rendered like a template; `name` says where it is from."""
    try:
        rendered: str = _compiled(str(source), name).render(context)
        return rendered
    except TextMisuse as error:
        raise TextMisuse(f"{name}: {error}") from None


@cache
def _compiled(source: str, name: str) -> Template:
    return environment().from_string(source)


def _where(error: BaseException) -> str | None:
    """The innermost template line in the error's traceback, as 'templates/x.txt line 12'."""
    files = _template_files()
    where = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename in files:
            relative = Path(frame.filename).relative_to(TEMPLATES_DIR.parent).as_posix()
            where = f"{relative} line {frame.lineno}"
    return where
