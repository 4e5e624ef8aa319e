"""The two tables a writer edits besides the templates: reasons and advice.

`templates/reasons.yaml` holds every reason category: its label, description and ATS mapping,
and how the reason is put in each channel and tone (and stage, where it differs). The reason
taxonomy of the API is this table: adding a row adds a category. `templates/guidance.yaml`
holds every piece of advice: its severity and when it applies (a Jinja expression over the
decline's shape), in the order the advice is given; its words are `templates/guidance/<code>.txt`.

Both are checked whole when first read: a missing cell, tone, stage or template raises, naming
it, so a gap never falls back silently to other words.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from app.compose import environment as templates
from app.compose.environment import environment, render_string

STAGES = ("interview", "candidacy", "offer")
TONES = ("warm", "formal", "brief")
# Where a reason is put into words: the email (and the emails after a call), what is said on
# the call, and the call's talking point.
CHANNELS = ("email", "call", "point")
SEVERITIES = ("info", "warning")


class WordingError(ValueError):
    """A table is missing something, or holds something it should not."""


@dataclass(frozen=True, slots=True)
class ReasonRow:
    category: str
    label: str
    description: str
    ats: dict[str, str]
    # (channel, tone, stage) -> Jinja source, printed where the templates ask for the reason.
    words: dict[tuple[str, str, str], str]


@dataclass(frozen=True, slots=True)
class AdviceRow:
    code: str
    severity: str
    when: Any  # a compiled Jinja expression over the shape
    template: str


def _load(name: str) -> dict[str, Any]:
    with (templates.TEMPLATES_DIR / name).open(encoding="utf-8") as file:
        table = yaml.safe_load(file)
    if not isinstance(table, dict) or not table:
        raise WordingError(f"templates/{name} must be a mapping of rows")
    return table


def _expand(value: object, keys: tuple[str, ...], where: str) -> dict[str, object]:
    """A cell given once for all `keys` (a string) or for each of them (a mapping)."""
    if isinstance(value, str):
        return dict.fromkeys(keys, value)
    if not isinstance(value, dict):
        raise WordingError(f"{where}: give one wording, or one for each of {', '.join(keys)}")
    missing = [key for key in keys if key not in value]
    extra = [key for key in value if key not in keys]
    if missing or extra:
        raise WordingError(
            f"{where}: "
            + "; ".join(
                part
                for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unknown {', '.join(map(str, extra))}" if extra else "",
                )
                if part
            )
        )
    return {key: value[key] for key in keys}


@cache
def reason_table() -> dict[str, ReasonRow]:
    rows: dict[str, ReasonRow] = {}
    for category, row in _load("reasons.yaml").items():
        where = f"templates/reasons.yaml: {category}"
        if not isinstance(row, dict) or set(row) != {"label", "description", "ats", "words"}:
            raise WordingError(f"{where}: a row has label, description, ats and words")
        words: dict[tuple[str, str, str], str] = {}
        for channel, by_tone in _expand(row["words"], CHANNELS, f"{where}.words").items():
            for tone, by_stage in _expand(by_tone, TONES, f"{where}.{channel}").items():
                cells = _expand(by_stage, STAGES, f"{where}.{channel}.{tone}")
                for stage, source in cells.items():
                    if not isinstance(source, str):
                        raise WordingError(f"{where}.{channel}.{tone}.{stage}: not text")
                    # Compiled now, so a syntax error names its cell at start-up.
                    environment().from_string(source)
                    words[channel, tone, stage] = source.strip()
        rows[category] = ReasonRow(
            category=category,
            label=str(row["label"]),
            description=str(row["description"]),
            ats={str(key): str(value) for key, value in row["ats"].items()},
            words=words,
        )
    return rows


def reason_words(channel: str, context: dict[str, Any]) -> str:
    """The reason as the table puts it for this channel and the context's reason, tone and
    stage; empty when the table leaves it unsaid (as for `other`)."""
    row = reason_table()[context["reason"]]
    key = (channel, context["tone"], context["stage"])
    if key not in row.words:
        raise WordingError(f"templates/reasons.yaml has no channel {channel!r}")
    name = f"templates/reasons.yaml: {row.category}.{channel}.{key[1]}.{key[2]}"
    return render_string(row.words[key], name, context).strip()


@cache
def advice_table() -> tuple[AdviceRow, ...]:
    rows = []
    for code, row in _load("guidance.yaml").items():
        where = f"templates/guidance.yaml: {code}"
        if not isinstance(row, dict) or set(row) != {"severity", "when"}:
            raise WordingError(f"{where}: a row has a severity and a condition (when)")
        if row["severity"] not in SEVERITIES:
            raise WordingError(f"{where}: severity is one of {', '.join(SEVERITIES)}")
        template = f"guidance/{code}.txt"
        if not (templates.TEMPLATES_DIR / template).is_file():
            raise WordingError(f"{where}: its words belong in templates/{template}")
        when = environment().compile_expression(str(row["when"]), undefined_to_none=False)
        rows.append(AdviceRow(code, row["severity"], when, template))
    return tuple(rows)
