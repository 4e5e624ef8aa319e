"""Templates rendered once per shape, then filled in with each request's own words.

What a template prints depends on the texts people typed, which templates only print, and on a
decline's shape: the stage, reason and tone, the flags, which texts are given (see facts.py).
Rendered with a placeholder standing in for each text, a template gives a skeleton that serves
every decline of that shape; a message is then its skeleton with the texts put in, one join.
Skeletons are cached by shape, never by the texts, so the cache stays small however many
declines there are, and it remembers wording, never anyone's messages.

The one thing templates work out from a text is `stop()`, whether it already ends a sentence:
a skeleton records the text each `stop()` was given and decides when filling, on the filled
text (or once, when the wording after the last placeholder decides). HTML is filled with
escaped texts, as autoescaping would have printed them.

What a channel does with a rendering (split it into lines, strip it, join them) is done once,
on the skeleton. That is the same as doing it on the filled text because no text holds a line
break or starts or ends with whitespace (validation folds them away; a decline that breaks the
rule anyway is rendered directly). Whatever a channel measures (lengths, spoken words,
normalised forms) it measures on the filled text.
"""

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import _CacheInfo, lru_cache
from operator import itemgetter
from typing import Any, cast

from markupsafe import escape

from app.compose.environment import names_read, render
from app.compose.facts import SHAPE, TEXTS, Facts, shape_table
from app.compose.layout import ending, ends_sentence, full_stop, inline

Context = dict[str, Any]
Render = Callable[[str, Context], str]
Layout = Callable[[Render, tuple[str, ...], Context], tuple[str, ...]]
# Picks items from a sequence or a mapping, say a message's pieces from a skeleton's table.
Picker = Callable[[Any], tuple[Any, ...]]

# About fifty skeletons make up the declines of one shape, most shared with other shapes; a
# few thousand hold every shape a busy day brings, at a few kilobytes each.
SKELETONS = 4096

# Placeholders are control characters, which no template's wording holds; texts never enter a
# skeleton, so nothing a person typed can be taken for one.
_TEXT = "\x00{}\x00"
_STOP = "\x01{}\x01"
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00|\x01(\d+)\x01")
_APART = "\x1f"  # a character escape() leaves alone

_DIRECT: ContextVar[bool] = ContextVar("render_directly", default=False)


@dataclass(frozen=True, eq=False, slots=True)
class Step:
    """Templates rendered together, and how their renderings become a message's texts.

    `layout(render, templates, context)` may split, strip and join what it renders; it hands
    the context on to templates and reads from it itself only the names in `reads`. So every
    name that can change a skeleton is one a template or the layout reads, and a skeleton's key
    holds exactly those. `texts` names the context values, besides the facts' own, that are
    text (a str, perhaps empty) to print verbatim; `html` holds the indexes of the outputs that
    are HTML.
    """

    templates: tuple[str, ...]
    layout: Layout
    texts: tuple[str, ...] = ()
    html: frozenset[int] = frozenset()
    reads: tuple[str, ...] = ()


def as_rendered(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    return tuple([render(template, context) for template in templates])


def stripped(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    return tuple([render(template, context).strip() for template in templates])


def render_step(step: Step, facts: Facts, **extra: Any) -> tuple[str, ...]:
    """The step's outputs for these facts and extra context values."""
    plan = _PLANS.get(step) or _plan(step)
    texts: tuple[str, ...] = plan.texts(extra)
    if not fills(facts) or (texts and not inline(texts)):
        return step.layout(render, step.templates, facts.context(stop=full_stop, **extra))
    # A step's own text may be empty, which a template tells apart from one with words in it.
    skeleton = _skeleton_in(plan, facts, extra, tuple(map(bool, texts)))
    return skeleton.fill((*facts.texts, *texts) if texts else facts.texts, facts.endings)


def bind(step: Step, facts: Facts, variants: Sequence[Context]) -> Callable[[int], tuple[str, ...]]:
    """`render_step` of one step for one decline with `variants[i]` as its extra values, to call
    with `i` again and again (as a fitting loop does): what depends on the decline alone is
    worked out once, and each variant's skeleton once per shape. A step is always bound with
    the same variants, so a variant's number can stand for its values in the shape's table."""
    if _VARIANTS.setdefault(step, variants) is not variants:
        raise ValueError("a step is bound with one list of variants only")
    if step.texts or not fills(facts):
        return lambda variant: render_step(step, facts, **variants[variant])
    skeletons = facts.skeletons
    texts = facts.texts
    endings = facts.endings

    def render(variant: int) -> tuple[str, ...]:
        # A number and the step, not the variant's values: a small key to hash, for each try.
        skeleton = skeletons.get((step, variant))
        if skeleton is None:
            skeleton = skeletons[step, variant] = skeleton_for(step, facts, **variants[variant])
        return skeleton.fill(texts, endings)

    return render


_VARIANTS: dict[Step, Sequence[Context]] = {}


def fills(facts: Facts) -> bool:
    """Whether these facts are rendered by filling skeletons, rather than with their texts."""
    return facts.inline and not _DIRECT.get()


def skeleton_for(step: Step, facts: Facts, **extra: Any) -> "Skeleton":
    """The skeleton `render_step` fills for declines of this shape with these extra values (a
    step with no texts of its own), for a caller that remembers it for the shape alongside
    what else it works out once per shape. Fill it only for facts that `fills()`."""
    return _skeleton_in(_PLANS.get(step) or _plan(step), facts, extra, ())


def _skeleton_in(
    plan: "_Plan", facts: Facts, extra: Context, given: tuple[bool, ...]
) -> "Skeleton":
    """The skeleton of the plan's step for the facts' shape, these extra values and which of
    the step's own texts are given. The facts' shape was looked up once for the decline
    (Facts.skeletons): within it, the step and the values it is keyed by pick the skeleton."""
    names, pick = plan.extras.get(tuple(extra)) or plan.learn(tuple(extra))
    key = (plan.step, names, pick(extra), given)
    return facts.skeletons.get(key) or _remember(facts, key)


def _remember(
    facts: Facts, key: tuple[Step, tuple[str, ...], Sequence[object], tuple[bool, ...]]
) -> "Skeleton":
    """The skeleton of a step for this shape, now remembered for the shape."""
    step, names, values, given = key
    plan = _PLANS[step]
    skeleton = facts.skeletons[key] = _skeleton(step, plan.pick(facts.shape), names, values, given)
    return skeleton


@contextmanager
def rendering_directly() -> Iterator[None]:
    """Render every template with the real texts, without skeletons: what tests hold them to."""
    token = _DIRECT.set(True)
    try:
        yield
    finally:
        _DIRECT.reset(token)


def cache_info() -> _CacheInfo:
    return _skeleton.cache_info()


def shapes_info() -> _CacheInfo:
    """The table of shapes, each to the skeletons its steps use (Facts.skeletons)."""
    return shape_table.cache_info()


def cache_clear() -> None:
    shape_table.cache_clear()
    _skeleton.cache_clear()


@dataclass(frozen=True, slots=True)
class Skeleton:
    """A step's outputs for one shape, as pieces of a table to join (see `fill`)."""

    wording: list[str]
    # Each stop still to decide: the fact's text its argument ends with (-1 if none), and its
    # argument's pieces.
    stops: tuple[tuple[int, Picker], ...]
    outputs: tuple[Picker, ...]
    html: frozenset[int]

    def fill(self, texts: Sequence[str | None], endings: dict[int, str | None]) -> tuple[str, ...]:
        """The outputs with `texts` put in; `endings` remembers, for the facts' texts (the first
        of `texts`), how each one ends a sentence, from one step to the next of a decline."""
        # The table: the texts, the wording, then each stop's ending once decided, in order (a
        # stop's argument may hold earlier stops, never later ones).
        table: list[str | None] = [*texts, *self.wording]
        for slot, stop in self.stops:
            if slot < 0:
                end = None
            elif slot in endings:
                end = endings[slot]
            else:  # (a stop's argument can only end with a text that is given)
                end = endings[slot] = ending(cast(str, table[slot]))
            if end is None:  # the text has no say: decide on the whole argument
                end = "" if ends_sentence("".join(stop(table))) else "."
            table.append(end)
        if self.html:
            escaped = _escaped(texts)
            # (The table holds None for a text not given, which no output prints.)
            html = table if escaped is None else [*escaped, *table[len(texts) :]]
            return tuple(
                [
                    "".join(pick(html if index in self.html else table))
                    for index, pick in enumerate(self.outputs)
                ]
            )
        if len(self.outputs) == 1:
            return ("".join(self.outputs[0](table)),)
        return tuple(["".join(pick(table)) for pick in self.outputs])


def _escaped(texts: Sequence[str | None]) -> list[str] | None:
    """Each text escaped for HTML, as autoescaping prints it; None when escaping changes none
    of them, as for most declines."""
    given = [text or "" for text in texts]
    # escape() replaces characters one by one, so the texts can go through it in one call,
    # joined by a character it leaves alone; unless a text holds that character itself.
    joined = _APART.join(given)
    whole = escape(joined)
    if whole == joined:
        return None
    escaped = str(whole).split(_APART)
    if len(escaped) == len(given):
        return escaped
    return [str(escape(text)) for text in given]


@dataclass(frozen=True, slots=True)
class _Plan:
    """What of a step's context goes into its skeletons' key: only names its templates read."""

    step: Step
    names: frozenset[str]
    facts: tuple[str, ...]  # the facts the templates read, in SHAPE order
    pick: Picker  # their shapes, from Facts.shape
    texts: Picker  # the step's own texts, from the extra values
    # For each set of extra names a caller passes (in its order): those in the key, and a picker
    # of their values. Texts are keyed by their presence instead.
    extras: dict[tuple[str, ...], tuple[tuple[str, ...], Picker]]

    def learn(self, signature: tuple[str, ...]) -> tuple[tuple[str, ...], Picker]:
        keyed = tuple(
            name for name in signature if name in self.names and name not in self.step.texts
        )
        self.extras[signature] = keyed, _picker(keyed)
        return self.extras[signature]


_PLANS: dict[Step, _Plan] = {}


def _plan(step: Step) -> _Plan:
    names = frozenset(step.reads).union(*(names_read(template) for template in step.templates))
    indexes = [index for index, name in enumerate(SHAPE) if name in names]
    facts = tuple(SHAPE[index] for index in indexes)
    plan = _PLANS[step] = _Plan(step, names, facts, _picker(indexes), _picker(step.texts), {})
    return plan


@lru_cache(maxsize=SKELETONS)
def _skeleton(
    step: Step,
    facts_shape: Sequence[object],
    names: tuple[str, ...],
    values: Sequence[object],
    given: tuple[bool, ...],
) -> Skeleton:
    slots = {name: slot for slot, name in enumerate((*TEXTS, *step.texts))}
    context: Context = {}
    for name, shape in zip(_PLANS[step].facts, facts_shape, strict=True):
        # A fact's text is given or None, as the template sees it (never empty: see Facts).
        slot = slots.get(name)
        context[name] = shape if slot is None else _TEXT.format(slot) if shape else None
    for name, value in zip(names, values, strict=True):
        if name in TEXTS:
            raise ValueError(f"{name} is a fact's text; it cannot be replaced for one step")
        context[name] = value
    for name, words in zip(step.texts, given, strict=True):
        context[name] = _TEXT.format(slots[name]) if words else ""
    stops = _Stops()
    context["stop"] = stops
    outputs = step.layout(render, step.templates, context)
    return _compile(outputs, stops.texts, len(slots), step.html)


class _Stops:
    """`stop()` while rendering a skeleton: decided now when no text is in it, else recorded."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, text: str) -> str:
        if "\x00" not in text and "\x01" not in text:
            return full_stop(text)
        self.texts.append(text)
        return text + _STOP.format(len(self.texts) - 1)


# A piece of a skeleton: wording (str), a text's slot (int >= 0) or stop number n as -1 - n.
Piece = str | int


def _compile(
    outputs: tuple[str, ...], stop_texts: list[str], slots: int, html: frozenset[int]
) -> Skeleton:
    endings: dict[int, str] = {}  # stops decided by their wording alone
    pending: dict[int, list[Piece]] = {}  # the others, decided when filling
    for number, text in enumerate(stop_texts):
        pieces = _pieces(text, endings)
        end = _ending(pieces)
        if end is None:
            pending[number] = pieces
        else:
            endings[number] = end
    laid_out = [_pieces(output, endings) for output in outputs]
    wording: dict[str, int] = {}
    for pieces in [*pending.values(), *laid_out]:
        for piece in pieces:
            if isinstance(piece, str):
                wording.setdefault(piece, slots + len(wording))
    decided = {number: slots + len(wording) + order for order, number in enumerate(pending)}

    def picker(pieces: list[Piece]) -> Picker:
        return _picker(
            [
                wording[piece]
                if isinstance(piece, str)
                else piece
                if piece >= 0
                else decided[-1 - piece]
                for piece in pieces
            ]
        )

    def last_text(pieces: list[Piece]) -> int:
        # A fact's text the argument ends with; the texts of one step only are not remembered.
        last = pieces[-1] if pieces else ""
        return last if isinstance(last, int) and 0 <= last < len(TEXTS) else -1

    return Skeleton(
        wording=list(wording),
        stops=tuple((last_text(pieces), picker(pieces)) for pieces in pending.values()),
        outputs=tuple(picker(pieces) for pieces in laid_out),
        html=html,
    )


def _pieces(text: str, endings: dict[int, str]) -> list[Piece]:
    """`text` split at its placeholders, with decided stops as wording and wording merged."""
    pieces: list[Piece] = []
    split = _PLACEHOLDER.split(text)
    for index, part in enumerate(split):
        kind = index % 3
        if part is None:
            continue
        if kind == 1:
            pieces.append(int(part))
            continue
        if kind == 2:
            number = int(part)
            if number not in endings:
                pieces.append(-1 - number)
                continue
            part = endings[number]
        if not part:
            continue
        if pieces and isinstance(pieces[-1], str):
            pieces[-1] += part
        else:
            pieces.append(part)
    return pieces


def _ending(pieces: list[Piece]) -> str | None:
    """A stop's ending when its wording decides it, whatever the texts; else None."""
    if all(isinstance(piece, str) for piece in pieces):
        end = ending("".join(map(str, pieces)))
        return "." if end is None else end
    return ending(pieces[-1]) if isinstance(pieces[-1], str) else None


def _picker(keys: Sequence[int] | Sequence[str]) -> Picker:
    # itemgetter picks in C, but returns a lone item rather than a tuple of one.
    if not keys:
        return lambda items: ()
    if len(keys) == 1:
        key = keys[0]
        return lambda items: (items[key],)
    return itemgetter(*keys)
