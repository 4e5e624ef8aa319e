"""The two tables are whole: every reason has its words everywhere, every piece of advice its
template, and the API's enums are exactly the tables' rows."""

import itertools
from pathlib import Path

from app.compose.environment import TEMPLATES_DIR
from app.compose.wording import CHANNELS, STAGES, TONES, advice_table, reason_table
from app.reasons import REASONS
from app.schemas import GuidanceCode, ReasonCategory, Stage, Tone


def test_every_reason_has_words_for_every_channel_tone_and_stage() -> None:
    missing = [
        f"{category}.{channel}.{tone}.{stage}"
        for category, row in reason_table().items()
        for channel, tone, stage in itertools.product(CHANNELS, TONES, STAGES)
        if (channel, tone, stage) not in row.words
    ]
    assert not missing
    assert set(STAGES) == {stage.value for stage in Stage}
    assert set(TONES) == {tone.value for tone in Tone}


def test_only_other_says_no_reason() -> None:
    silent = {
        category
        for category, row in reason_table().items()
        if any(not words for words in row.words.values())
    }
    assert silent == {"other"}


def test_the_enums_are_the_tables() -> None:
    assert [category.value for category in ReasonCategory] == list(reason_table())
    assert [reason.category.value for reason in REASONS] == list(reason_table())
    assert [code.value for code in GuidanceCode] == [row.code for row in advice_table()]


def test_every_guidance_template_has_its_row() -> None:
    templates = {path.stem for path in Path(TEMPLATES_DIR, "guidance").glob("*.txt")}
    rows = {row.code for row in advice_table()}
    assert templates - rows == set(), "templates without a row in templates/guidance.yaml"
    assert rows - templates == set()
