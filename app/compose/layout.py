"""Layout shared by every channel: sentences joined into paragraphs, endings, subject lengths.

Templates put each sentence on its own line and a blank line between paragraphs; joining the
lines of a paragraph with single spaces means a sentence left out for a missing field never
leaves a gap, a doubled space or an empty paragraph behind.
"""

import re
import unicodedata

# A subject longer than a header line folds (RFC 5322) and every client joins it again; the
# title is what tells a recruiter with many openings which one this is, so a subject keeps it
# whole up to here, and mail clients that truncate still show the start.
SUBJECT_MAX = 100
ELLIPSIS = "…"

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_ENDS = frozenset(".!?…。！？؟۔")
_CLOSERS = "\"'”’»›)]}"
# Marks that ride on the previous character (emoji variation selectors, skin tones, joiners).
_RIDERS = frozenset({"Mn", "Me", "Cf", "Sk"})
_DANGLING = " ,;:-–—/&(+"


def full_stop(text: str) -> str:
    """`text` ended as a sentence: add a full stop unless it already ends like one.

    People's own words are printed verbatim, so a detail that already ends with "!" or "?" or
    an emoji keeps its ending rather than gaining a second one.
    """
    return text if ends_sentence(text) else f"{text}."


def ends_sentence(text: str) -> bool:
    return ending(text) == ""


def ending(text: str) -> str | None:
    """What `text` needs to end a sentence ("" or "."), decided by its end alone; or None.

    The end decides with the last character before any closing quotes and brackets and the
    marks riding on it. A text that is nothing but those has no say (None): whatever comes
    before it decides, and with nothing before it, it needs a full stop.
    """
    last = text[-1:]
    if last.isascii() and last.isalnum():  # as most texts end: neither a closer nor a mark
        return "."
    end = text.rstrip(_CLOSERS)
    while end and unicodedata.category(end[-1]) in _RIDERS:
        end = end[:-1]
    if not end:
        return None
    last = end[-1]
    return "" if last in _SENTENCE_ENDS or unicodedata.category(last) == "So" else "."


def inline(texts: tuple[str, ...]) -> bool:
    """Each text lays out as one run of a line: no line break in it, no whitespace at its ends.

    Splitting a rendering into lines and stripping them treats such a text like any other run
    of characters, so it may be laid out before the texts are put in (see skeleton.py).
    """
    if len(texts) == 1:
        return texts[0].strip() == texts[0] and len(texts[0].splitlines()) <= 1
    # In C over all of them at once: no Python code runs per text.
    return tuple(map(str.strip, texts)) == texts and len(" ".join(texts).splitlines()) <= 1


def shorten(text: str, limit: int) -> str | None:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis; or None."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    # Keep only whole words: drop the last piece unless the cut fell exactly on a space.
    kept = cut[:-1] if cut.endswith(" ") else cut.rpartition(" ")[0]
    kept = kept.rstrip(_DANGLING)
    return f"{kept}{ELLIPSIS}" if kept else None


def paragraphs(rendered: str) -> list[str]:
    joined = (" ".join(lines(chunk)) for chunk in _PARAGRAPH_BREAK.split(rendered))
    return [paragraph for paragraph in joined if paragraph]


def lines(rendered: str) -> list[str]:
    # Split on "\n" only: the request's text never holds one, whatever else it holds.
    return [line.strip() for line in rendered.split("\n") if line.strip()]
