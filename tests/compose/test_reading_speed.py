"""The readers' fast paths find exactly what the plain searches find.

Each reader of typed text runs on every decline, several times; the faster forms below replace
slower ones of the same meaning (docs/performance.md). These hold the two equal over texts made
of the very words the patterns look for, in every case, with and without characters beyond
ASCII, so a pattern edited into one a fast path cannot take fails here, naming it."""

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.compose import reading
from app.compose.phone import spoken_words
from app.compose.reading import Caseless, unspoken

CASELESS = {name: value for name, value in vars(reading).items() if isinstance(value, Caseless)}

# The words and marks the patterns are made of, and others, to build texts that match often.
_VOCABULARY = sorted(
    set(re.findall(r"[a-z][a-z' /]*[a-z/]|[a-z]", " ".join(c.pattern for c in CASELESS.values())))
    | {"I", "i", "Congrats!", "you GUYS", "LAST WEEK", ":)", ";-P", "(like 60%?)", "{x}", "Ltd"}
)
_GLUE = st.sampled_from([" ", " ", ", ", ". ", "! ", "'", "-", "", " — ", "\u00a0", "’"])
_PIECE = st.one_of(
    st.sampled_from(_VOCABULARY).map(str),
    st.sampled_from(_VOCABULARY).map(str.upper),
    st.sampled_from(_VOCABULARY).map(str.title),
    st.text(alphabet="aeiouKkSsİıſé😀☀️😀 .,!?:;()'’-_0123456789", max_size=4),
)
texts = st.lists(st.tuples(_PIECE, _GLUE), max_size=8).map(
    lambda parts: "".join(piece + glue for piece, glue in parts)
)


def test_the_readers_use_caseless_patterns() -> None:
    # The readers the profile found costly: if they stop being Caseless, this names them.
    for name in ("_shorthand", "_ahead", "_STALE_END", "_CONGRATULATIONS_AFTER"):
        assert name in CASELESS, name


@pytest.mark.parametrize("name", sorted(CASELESS))
@settings(max_examples=300)
@given(text=texts)
def test_caseless_finds_what_a_case_insensitive_search_finds(name: str, text: str) -> None:
    caseless = CASELESS[name]
    ignoring = re.compile(caseless.pattern, re.IGNORECASE)
    assert caseless(text) == (ignoring.search(text) is not None), name
    for count in (0, 1):
        assert caseless.sub("", text, count=count) == ignoring.sub("", text, count=count), name
        assert caseless.sub("you", text, count=count) == ignoring.sub("you", text, count), name


@pytest.mark.parametrize(
    "source", [r"\bInterview", r"(?-i:SpA)|ltd", r"(?i)ltd", r"[A-Z]+", r"(?P<word>ltd)"]
)
def test_caseless_refuses_a_pattern_with_capitals_or_flags(source: str) -> None:
    with pytest.raises(ValueError, match="lowercase"):
        Caseless(source)


def test_caseless_refuses_a_replacement_with_groups() -> None:
    with pytest.raises(ValueError, match="plain text"):
        Caseless(r"(ltd)").sub(r"\1", "Acme Ltd")


@given(text=texts)
def test_the_voicemail_counts_every_word_it_says(text: str) -> None:
    # A word is a run between spaces with a letter or a digit in it; a lone dash is not one.
    words = [run for run in text.split() if re.search(r"\w", run)]
    assert spoken_words(text) == len(words)


@given(text=texts)
@example(text="Visual Merchandiser 💫")
@example(text="so happy for you ☀️ congrats")
def test_unspoken_leaves_out_every_emoji_and_nothing_else(text: str) -> None:
    assert unspoken(text) == (reading._EMOJI.sub("", text).strip() or text)
