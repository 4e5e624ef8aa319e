"""The composition engine: one path, on which a template that misuses a text fails at once.

Every message is a skeleton per shape filled in with the texts (app/compose/skeleton.py). These
tests make the edits a maintainer would make to a copy of the templates, and compose through
the real code, as every request does.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings

from app.compose import environment as env_module
from app.compose import wording
from app.compose.decline import compose_fields
from app.compose.environment import TextMisuse
from app.compose.facts import TEXTS, Facts, facts_from, shape_table
from app.compose.reading import unshouted_name, unspoken, with_capitals, without_legal_suffix
from app.schemas import DeclineRequest
from tests.compose.strategies import NOW, requests
from tests.conftest import decline_request, every_text

EDITS = [
    # (what a writer tries, in the greeting of every email)
    ("{{ address_as.split()[0] }}", "read `.split`"),
    ("{{ address_as[:3] }}", "indexed or sliced"),
    ("{{ address_as | upper }}", "`upper`"),
    ("{{ address_as | length }}", "`length`"),
    ("{{ 'Dr' if address_as == 'Lee' else address_as }}", "compared"),
    ("{{ 'Hi ' ~ address_as }}", "turned it into a string"),
    ("{{ address_as | truncate(5) }}", "`truncate`"),
    ("{{ address_as.title() }}", "read `.title`"),
    ("{% for letter in address_as %}{{ letter }}{% endfor %}", "iterated"),
    ("{{ ('x' ~ shared.the_role()) | lower }}", "`lower`"),
]


@pytest.fixture
def templates(tmp_path: Path) -> Iterator[Path]:
    """A copy of templates/ the engine reads instead, for this test only."""
    copy = tmp_path / "templates"
    shutil.copytree(env_module.TEMPLATES_DIR, copy)
    caches = (
        env_module.environment,
        env_module._compiled,
        env_module._template_files,
        wording.reason_table,
        wording.advice_table,
        shape_table,
    )
    original = env_module.TEMPLATES_DIR
    for cache in caches:
        cache.cache_clear()
    env_module.TEMPLATES_DIR = copy
    try:
        yield copy
    finally:
        env_module.TEMPLATES_DIR = original
        for cache in caches:
            cache.cache_clear()


def _greet_with(templates: Path, expression: str) -> int:
    """Replace the warm greeting's name with `expression`; the line number it is on."""
    parts = templates / "email" / "_parts.txt"
    source = parts.read_text()
    old = "Hi {{ address_as }},"
    assert old in source
    parts.write_text(source.replace(old, f"Hi {expression},", 1))
    return next(
        number
        for number, line in enumerate(parts.read_text().splitlines(), start=1)
        if expression in line
    )


@pytest.mark.parametrize(("expression", "complaint"), EDITS, ids=[e for e, _ in EDITS])
def test_a_template_that_does_more_than_print_a_text_fails_naming_the_line(
    templates: Path, expression: str, complaint: str
) -> None:
    line = _greet_with(templates, expression)
    request = DeclineRequest.model_validate(decline_request())
    with pytest.raises(TextMisuse) as raised:
        compose_fields(request, now=NOW)
    message = str(raised.value)
    assert complaint in message
    if "shared.the_role" not in expression:
        assert f"templates/email/_parts.txt line {line}" in message, message


def test_printing_and_testing_a_text_is_fine(templates: Path) -> None:
    _greet_with(templates, "{% if address_as %}{{ address_as }}{% endif %}")
    request = DeclineRequest.model_validate(decline_request())
    messages, _ = compose_fields(request, now=NOW)
    assert messages["email"]["text"].startswith("Hi Jordan,")  # type: ignore[index]


def test_a_missing_reason_wording_fails_at_start_up_naming_the_cell(templates: Path) -> None:
    table = templates / "reasons.yaml"
    source = table.read_text()
    table.write_text(source.replace('      brief: "The location doesn\'t work for me."\n', "", 1))
    with pytest.raises(wording.WordingError, match=r"location\.email: missing brief"):
        wording.reason_table()


def test_a_new_reason_needs_every_channel_and_tone(templates: Path) -> None:
    table = templates / "reasons.yaml"
    table.write_text(
        table.read_text()
        + "\nrelocation:\n  label: Relocation\n  description: Moving away.\n"
        + '  ats: {greenhouse: Other}\n  words:\n    email: "I\'m moving away."\n'
        + '    call: "I\'m moving away."\n'
    )
    with pytest.raises(wording.WordingError, match=r"relocation\.words: missing point"):
        wording.reason_table()


def test_advice_without_its_words_fails_naming_the_template(templates: Path) -> None:
    table = templates / "guidance.yaml"
    table.write_text(table.read_text() + "\nsay_thanks:\n  severity: info\n  when: 'true'\n")
    with pytest.raises(wording.WordingError, match=r"templates/guidance/say_thanks\.txt"):
        wording.advice_table()


def test_facts_refuse_a_text_that_is_not_one_clean_line() -> None:
    facts = facts_from(DeclineRequest.model_validate(decline_request()), now=NOW)
    values = {
        name: getattr(facts, name)
        for name in facts.__dataclass_fields__
        if facts.__dataclass_fields__[name].init
    }
    for bad in ("two\nlines", " padded", "a\x00marker"):
        with pytest.raises(ValueError, match="company"):
            Facts(**{**values, "company": bad})


def test_every_field_the_templates_print_is_declared_a_text() -> None:
    # The texts are the Facts fields annotated as typed; each is what a person typed or a part
    # of it, and every one of them reaches some message when given.
    assert {"role", "company", "candidate_name", "address_as", "detail", "referral_first"} <= set(
        TEXTS
    )


@settings(max_examples=120, deadline=None, derandomize=True)
@given(request=requests())
def test_what_people_type_comes_back_literally_whatever_it_is(request: DeclineRequest) -> None:
    # Template syntax, markers' look-alikes, markup: printed as typed in text, escaped in HTML.
    messages, guidance = compose_fields(request, now=NOW)
    texts = "\n".join(every_text([messages, guidance]))
    assert "\x00" not in texts
    assert "\x01" not in texts
    # As typed, or given capitals when typed in plain lowercase words (reading.with_capitals),
    # without an emoji (reading.unspoken), and written as a name when shouted.
    company = unshouted_name(with_capitals(unspoken(request.company)))
    text = messages["email"]["text"]  # type: ignore[index]
    # Before "team", also without a legal suffix or a mark ("Acme™").
    assert company in text or without_legal_suffix(company) in text


def test_no_template_hides_a_fact_behind_a_name_of_its_own() -> None:
    # A macro or variable named like a fact (a macro `keep_in_touch`) would stand for the fact
    # in every template that imports it, and `{% if keep_in_touch %}` would always be true.
    from jinja2 import nodes

    from app.compose.environment import environment
    from app.compose.facts import BRANCHES

    env = environment()
    assert env.loader is not None
    facts = {*BRANCHES, *TEXTS}
    clashes = []
    for name in env.list_templates(extensions=["txt", "html"]):
        tree = env.parse(env.loader.get_source(env, name)[0])
        defined = {macro.name for macro in tree.find_all(nodes.Macro)}
        defined |= {
            target.name
            for assign in tree.find_all(nodes.Assign)
            for target in (assign.target, *assign.target.find_all(nodes.Name))
            if isinstance(target, nodes.Name)
        }
        clashes += [f"{name}: {defined_name}" for defined_name in sorted(defined & facts)]
    assert not clashes


def test_no_module_of_composition_names_a_constant_twice() -> None:
    # A second `_NOTE = …` further down a reader module silently replaces the first for every
    # function above it; ruff catches a redefined function, not a reassigned constant.
    import ast
    from pathlib import Path

    twice = []
    for path in sorted(Path("app/compose").glob("*.py")):
        seen: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Name):
                    if target.id in seen:
                        twice.append(f"{path}: {target.id}")
                    seen.add(target.id)
    assert not twice
