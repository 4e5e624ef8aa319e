"""Templates rendered once per shape, then filled in with each request's own words.

Every message is made this way; there is no other path. A *step* is a few templates rendered
together and laid out into a message's parts. Rendered for a decline's shape (facts.py) with a
`Text` standing in for each text, a step gives a skeleton: its outputs as wording with a marker
where each text goes. A message is its skeleton with the texts put in.

This is the same as rendering with the texts themselves because of three rules, each enforced
where it can be broken: templates only print texts and test that they are given (`Text` and
the environment raise otherwise, environment.py); a text is one clean line, so splitting a
rendering into lines, stripping and joining them treats it as any run of characters (Facts
refuses any other); and the one thing wording depends on in a text, whether it already ends a
sentence, is decided when filling, on the filled text (`stop()`).
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import escape

from app.compose.environment import MARK, STOP_MARK, Text, render
from app.compose.facts import BRANCHES, TEXTS, Facts
from app.compose.layout import ending, ends_sentence, full_stop
from app.compose.wording import reason_words

Context = dict[str, Any]
Render = Callable[[str, Context], str]
Layout = Callable[[Render, tuple[str, ...], Context], tuple[str, ...]]

_PLACEHOLDER = re.compile(f"{MARK}(\\d+){MARK}|{STOP_MARK}(\\d+){STOP_MARK}")


@dataclass(frozen=True, eq=False, slots=True)
class Step:
    """Templates rendered together, and how their renderings become a message's parts.

    `layout(render, templates, context)` renders the templates and may split, strip and join
    the renderings (whitespace only: see the module's rules). `texts` names texts of the step's
    own, besides the facts', such as a subject that a page repeats; `html` holds the indexes of
    the outputs that are HTML, which are filled with escaped texts.
    """

    name: str
    templates: tuple[str, ...]
    layout: Layout
    texts: tuple[str, ...] = ()
    html: frozenset[int] = frozenset()


def as_rendered(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    return tuple([render(template, context) for template in templates])


def stripped(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    return tuple([render(template, context).strip() for template in templates])


def render_step(
    step: Step, facts: Facts, texts: Sequence[str | None] = (), /, **values: Any
) -> tuple[str, ...]:
    """The step's outputs for these facts, the step's own `texts` (in `step.texts` order) and
    the values its templates branch on."""
    key = (step, tuple(values.items()), tuple([text is not None for text in texts]))
    skeleton = facts.skeletons.get(key)
    if skeleton is None:
        skeleton = facts.skeletons[key] = _skeleton(step, facts, key[2], values)
    every = (*facts.texts, *texts) if texts else facts.texts
    if not skeleton.html:
        return skeleton.fill(every, every)
    escaped = facts.escaped()
    if texts:
        escaped = (*escaped, *[None if text is None else str(escape(text)) for text in texts])
    return skeleton.fill(every, escaped)


Filler = Callable[[Sequence[str | None], Sequence[str | None]], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Skeleton:
    """A step's outputs for one shape: wording cut at the slots, where slot n takes the text
    in slot n and, after the texts, the endings of the stops still to decide (each decided on
    its argument, cut the same way, which holds earlier stops only).

    `fill` is compiled from these cuts once, when the skeleton is made (`_filler`): one
    function call puts every text and ending in, where cut objects called one by one took
    several calls an output, a quarter of composing a decline."""

    outputs: tuple[tuple[str | int, ...], ...]
    stops: tuple[tuple[str | int, ...], ...]
    html: frozenset[int]
    texts: int
    _fill: Filler = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fill", _filler(self))

    def fill(self, texts: Sequence[str | None], escaped: Sequence[str | None]) -> tuple[str, ...]:
        """The outputs with the texts put in; HTML outputs get `escaped`, the same escaped."""
        if len(texts) != self.texts:
            raise ValueError(f"a skeleton of {self.texts} texts was given {len(texts)}")
        return self._fill(texts, escaped)


def _filler(skeleton: Skeleton) -> Filler:
    """`skeleton.fill` as one function, generated from its cuts: wording as literals (repr
    makes any text a valid one), texts by index, each stop's ending in a local of its own.

    A text is put in by str.join, which refuses None (a slot is made only for a text the
    shape has, so None here is a skeleton made for another shape) rather than print it."""

    def joined(pieces: Sequence[str | int], texts: str) -> str:
        parts = [
            repr(piece)
            if isinstance(piece, str)
            else (f"{texts}[{piece}]" if piece < skeleton.texts else f"s{piece - skeleton.texts}")
            for piece in pieces
        ]
        if not parts:
            return "''"
        if len(parts) == 1 and isinstance(pieces[0], str):
            return parts[0]
        return f"''.join(({', '.join(parts)},))"

    lines = ["def fill(t, h):"]
    for number, argument in enumerate(skeleton.stops):
        lines.append(f"    s{number} = '' if ends_sentence({joined(argument, 't')}) else '.'")
    outputs = [
        joined(output, "h" if index in skeleton.html else "t")
        for index, output in enumerate(skeleton.outputs)
    ]
    lines.append(f"    return ({''.join(output + ', ' for output in outputs)})")
    namespace: dict[str, Any] = {"ends_sentence": ends_sentence}
    exec(compile("\n".join(lines), "<skeleton>", "exec"), namespace)
    fill: Filler = namespace["fill"]
    return fill


def _skeleton(
    step: Step, facts: Facts, given: tuple[bool, ...], values: Mapping[str, Any]
) -> Skeleton:
    context: Context = {name: getattr(facts, name) for name in BRANCHES}
    names = (*TEXTS, *step.texts)
    present = (*facts.shape[len(BRANCHES) :], *given)
    for slot, (name, is_given) in enumerate(zip(names, present, strict=True)):
        context[name] = Text(name, slot) if is_given else None
    for name, value in values.items():
        if name in context:
            raise ValueError(f"{step.name}: {name!r} is a fact; a step cannot replace it")
        context[name] = value
    stops = _Stops()
    context["stop"] = stops
    context["reason_words"] = lambda channel: reason_words(channel, context)
    outputs = step.layout(render, step.templates, context)
    return _compile(outputs, stops.arguments, step.html, len(names))


class _Stops:
    """`stop(words)` while a skeleton is made: the words ended as a sentence, decided now when
    they hold no text, else when filling."""

    def __init__(self) -> None:
        self.arguments: list[str] = []

    def __call__(self, words: object) -> str:
        text = words.marker if type(words) is Text else str(words)
        if MARK not in text and STOP_MARK not in text:
            return full_stop(text)
        self.arguments.append(text)
        return f"{text}{STOP_MARK}{len(self.arguments) - 1}{STOP_MARK}"


def _compile(
    outputs: tuple[str, ...], arguments: list[str], html: frozenset[int], texts: int
) -> Skeleton:
    """The skeleton of these renderings, whose markers hold `texts` slots."""
    decided: dict[int, str] = {}  # stops their wording decides, whatever the texts
    order: dict[int, int] = {}  # the others: their place after the texts
    stops: list[tuple[str | int, ...]] = []
    for number, argument in enumerate(arguments):
        pieces = _pieces(argument, decided, order, texts)
        end = _decided_ending(pieces, texts)
        if end is None:
            order[number] = texts + len(stops)
            stops.append(tuple(pieces))
        else:
            decided[number] = end
    return Skeleton(
        outputs=tuple(tuple(_pieces(output, decided, order, texts)) for output in outputs),
        stops=tuple(stops),
        html=html,
        texts=texts,
    )


def _pieces(
    text: str, decided: dict[int, str], order: dict[int, int], texts: int
) -> list[str | int]:
    """`text` split at its markers into wording and value numbers (a text's slot, or an
    undecided stop's place), decided stops put in as wording, wording merged."""
    pieces: list[str | int] = []
    for index, part in enumerate(_PLACEHOLDER.split(text)):
        kind = index % 3
        if part is None:
            continue
        if kind == 1:
            pieces.append(int(part))
            continue
        if kind == 2:
            number = int(part)
            if number not in decided:
                pieces.append(order[number])
                continue
            part = decided[number]
        if not part:
            continue
        if pieces and isinstance(pieces[-1], str):
            pieces[-1] += part
        else:
            pieces.append(part)
    return pieces


def _decided_ending(pieces: list[str | int], texts: int) -> str | None:
    """A stop's ending when its wording decides it, whatever the texts; else None."""
    last = pieces[-1] if pieces else ""
    if isinstance(last, str):
        end = ending(last)
        if end is not None:
            return end
        if all(isinstance(piece, str) for piece in pieces):
            return "."
        return None
    if last >= texts:
        return ""  # an earlier stop ended it
    return None
