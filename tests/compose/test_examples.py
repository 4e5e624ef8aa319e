"""The documents that quote the composer are the composer's own output, as openapi.yaml is the
app's: docs/examples.md and the README's sample response are written by `make examples`, and
a test fails when either falls behind the templates."""

from scripts import examples


def test_docs_examples_md_is_what_the_templates_write() -> None:
    written = examples.OUTPUT.read_text(encoding="utf-8")
    assert written == examples.document(), "docs/examples.md is stale: run `make examples`"


def test_the_readme_sample_response_is_what_the_service_answers() -> None:
    readme = examples.README.read_text(encoding="utf-8")
    assert readme == examples.readme_with_sample(readme), "README sample: run `make examples`"
