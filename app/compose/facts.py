"""The facts of a decline, derived once from the request and shared by every channel's templates.

Templates receive only what the request says, pre-formatted; they never see None for a value
they print unless they test for it first, and nothing here invents a fact.

Facts are of two kinds. Texts are what people typed (and the spoken interview time): templates
print them and test whether they are given, nothing more. Everything else (the stage, reason
and tone, the flags, facts about a text such as how the role's title ends) is what templates
branch on. Together with which texts are given, that is a decline's shape (see skeleton.py).
"""

from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import lru_cache
from itertools import repeat
from operator import attrgetter, is_not
from typing import Any

from app.compose.layout import inline
from app.schemas import DeclineRequest, ReferralTiming

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


# The locales whose readers write the day before the month and "realise" rather than "realize".
BRITISH_ENGLISH = frozenset({"en-GB", "en-IE", "en-AU", "en-NZ", "en-IN"})


def spoken_datetime(moment: datetime, *, british: bool = False) -> str:
    """'Tuesday, December 1 at 3:00 PM', or 'Tuesday 1 December at 3:00 pm' in British
    English; in the moment's own offset, independent of the OS locale."""
    hour = moment.hour % 12 or 12
    weekday, month = _WEEKDAYS[moment.weekday()], _MONTHS[moment.month - 1]
    if british:
        meridiem = "am" if moment.hour < 12 else "pm"
        return f"{weekday} {moment.day} {month} at {hour}:{moment.minute:02d} {meridiem}"
    meridiem = "AM" if moment.hour < 12 else "PM"
    return f"{weekday}, {month} {moment.day} at {hour}:{moment.minute:02d} {meridiem}"


# Titles such as "Head of Data role" already say what they are, so no noun is added after them.
_ROLE_NOUNS = (" role", " position", " job", " opening")


# Not frozen, though nothing changes facts once made (dataclasses.replace makes new ones): a
# frozen dataclass sets each field through object.__setattr__, which cost more than a fifth of
# making the facts, for every decline.
@dataclass(slots=True)
class Facts:
    stage: str
    reason: str
    tone: str
    role: str
    company: str
    candidate_name: str
    candidate_email: str | None
    candidate_phone: str | None
    recipient_name: str | None
    recipient_title: str | None
    detail: str | None
    preferred_role: str | None
    preferred_role_note: str | None
    interview_when: str | None
    referral_offered: bool
    referral_now: bool
    referral_later: bool
    referral_name: str | None
    referral_email: str | None
    referral_relationship: str | None
    referral_strengths: str | None
    keep_in_touch: bool
    linkedin_connected: bool
    common_ground: str | None
    company_news: str | None
    role_ends_with_noun: bool
    british_english: bool  # the spelling the templates use (see BRITISH_ENGLISH)
    # The employer whose offer was accepted, only where the candidate chose to name it.
    accepted_company: str | None
    # Derived once, for the skeletons: the texts in TEXTS order (None when not given), the
    # shape (SHAPE in order: the facts templates branch on, then whether each text is given),
    # and whether every text lays out inline (an empty one does not: see __post_init__).
    texts: tuple[str | None, ...] = field(init=False, repr=False, compare=False)
    shape: tuple[object, ...] = field(init=False, repr=False, compare=False)
    inline: bool = field(init=False, repr=False, compare=False)
    # How each text (by its TEXTS index) ends a sentence, once a skeleton has asked: a memo of
    # a pure function of the texts, so these facts stay what they were made as.
    endings: dict[int, str | None] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    # What skeleton.py worked out for declines of this shape, shared by all of them.
    skeletons: dict[Any, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        texts: tuple[str | None, ...] = _TEXTS_OF(self)
        self.texts = texts
        self.shape = (*_BRANCHES_OF(self), *map(is_not, texts, repeat(None)))
        # An empty text would be given yet print nothing, which a placeholder cannot stand for.
        self.inline = "" not in texts and inline(tuple(filter(None, texts)))
        self.skeletons = shape_table(self.shape)

    def context(self, **extra: Any) -> dict[str, Any]:
        # A shallow copy: every field is immutable, and asdict()'s deep copy cost more than the
        # rendering it fed.
        return {**{name: getattr(self, name) for name in FIELDS}, **extra}


FIELDS = tuple(fact.name for fact in fields(Facts) if fact.init)
TEXTS = (
    "role",
    "company",
    "candidate_name",
    "candidate_email",
    "candidate_phone",
    "recipient_name",
    "recipient_title",
    "detail",
    "preferred_role",
    "preferred_role_note",
    "interview_when",
    "referral_name",
    "referral_email",
    "referral_relationship",
    "referral_strengths",
    "common_ground",
    "company_news",
    "accepted_company",
)
BRANCHES = tuple(name for name in FIELDS if name not in TEXTS)
SHAPE = (*BRANCHES, *TEXTS)
_TEXTS_OF = attrgetter(*TEXTS)
_BRANCHES_OF = attrgetter(*BRANCHES)


# Per shape, which skeleton each step of a decline uses (see skeleton.py), so that a decline
# looks its shape up once, here, and each step then makes one small look-up; and what else is
# worked out once per shape (the advice that applies, see guidance.py). Keyed by shape alone;
# each entry is a few dozen references to skeletons that shapes mostly share. An entry
# keeps its skeletons alive after the skeleton cache has let them go, so this bound is kept
# well below that cache's: at worst a few dozen megabytes, when every decline is a new shape.
SHAPES = 512


@lru_cache(maxsize=SHAPES)
def shape_table(shape: tuple[object, ...]) -> dict[Any, Any]:
    return {}


def facts_from(request: DeclineRequest, *, accepted_company: str | None = None) -> Facts:
    recipient = request.recipient
    referral = request.referral
    preferred = request.preferred_role
    relationship = request.relationship
    british = request.locale in BRITISH_ENGLISH
    # Positional, in the order of Facts' fields: 26 keyword arguments cost about a microsecond
    # more, for every decline. An enum's `_value_` is its value without the `value` property's
    # Python-level call.
    return Facts(
        request.stage._value_,  # stage
        request.reason.category._value_,  # reason
        request.tone._value_,  # tone
        request.role,  # role
        request.company,  # company
        request.candidate.name,  # candidate_name
        request.candidate.email,  # candidate_email
        request.candidate.phone,  # candidate_phone
        recipient.name if recipient else None,  # recipient_name
        recipient.title if recipient else None,  # recipient_title
        request.reason.detail,  # detail
        preferred.title if preferred else None,  # preferred_role
        preferred.note if preferred else None,  # preferred_role_note
        spoken_datetime(request.interview_at, british=british)  # interview_when
        if request.interview_at
        else None,
        referral is not None,  # referral_offered
        referral is not None and referral.timing is ReferralTiming.now,  # referral_now
        referral is not None and referral.timing is ReferralTiming.later,  # referral_later
        referral.name if referral else None,  # referral_name
        referral.email if referral else None,  # referral_email
        referral.relationship if referral else None,  # referral_relationship
        referral.strengths if referral else None,  # referral_strengths
        relationship.keep_in_touch,  # keep_in_touch
        relationship.linkedin_connected,  # linkedin_connected
        relationship.common_ground,  # common_ground
        relationship.company_news,  # company_news
        request.role.lower().endswith(_ROLE_NOUNS),  # role_ends_with_noun
        british,  # british_english
        accepted_company,  # accepted_company
    )
