"""The facts of a decline, derived once from the request and shared by every channel's templates.

Facts are of two kinds, declared once, here, by their annotation. Texts (`Typed` and
`Derived`) are what people typed, or words made from it (a first name, a spoken time):
templates print them and test whether they are given, nothing more (environment.py enforces
it). Everything else is what templates branch on. The branches together with which texts are
given make a decline's *shape*; every decline of one shape is worded alike (skeleton.py).

Nothing here invents a fact: a derived text is only ever a part of what was typed, or the
interview's own time put into words.
"""

import re
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any, get_type_hints

from markupsafe import escape

from app.compose.environment import MARK, STOP_MARK
from app.schemas import DeclineRequest, ReferralTiming

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# The locales whose readers write the day before the month and "realise" rather than "realize".
BRITISH_ENGLISH = frozenset({"en-GB", "en-IE", "en-AU", "en-NZ", "en-IN"})

# Within a day, say it by phone now; within two, apologise for the short notice.
IMMINENT = timedelta(hours=24)
SHORT_NOTICE = timedelta(hours=48)
_WEEK = timedelta(days=6)

# Courtesy titles: "Dr Jordan Lee" is addressed as "Dr Lee", never as "Dr".
_TITLES = frozenset(
    {"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "mx.", "prof", "prof.", "sir"}
)
# Titles such as "Head of Data role" already say what they are, so no noun is added after them.
_ROLE_NOUNS = (" role", " position", " job", " opening", " internship")


class _Text:
    """The annotation that makes a field a text."""


TEXT = _Text()
Typed = Annotated[str, TEXT]
MaybeTyped = Annotated[str | None, TEXT]


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which cost more
# than a fifth of making the facts, for every decline. Nothing changes facts once made.
@dataclass(slots=True)
class Facts:
    # What templates branch on.
    stage: str
    reason: str
    tone: str
    british_english: bool
    referral_offered: bool
    referral_now: bool
    referral_later: bool
    keep_in_touch: bool
    linkedin_connected: bool
    role_ends_with_noun: bool
    # How the better-fit role's title reads in "a Director of Product role" (see _noun_phrase).
    preferred_role_reads_as_one: bool
    preferred_role_an: bool
    preferred_role_ends_with_noun: bool
    # The better-fit role is the recipient's own title ("CEO" to the CEO): asked of them, it
    # reads as asking for their job, so no message names it and the guidance says why.
    preferred_role_is_theirs: bool
    # The common ground was typed as a sentence about the two of them ("we both rowed at
    # university"), not as a topic ("open-source data tooling"): it is said with "how".
    common_is_a_clause: bool
    # None, "passed", "imminent" (within a day), "soon" (within two) or "ahead".
    interview: str | None
    interview_today: bool  # on the interview's own calendar
    # How the referral's strengths follow their name (see strengths_as): "is" (typed as "a
    # brilliant designer", "great with clients"), "is_a"/"is_an" ("strong operator"),
    # "excels_at" ("building fast React apps"), "verb" ("led our move to Kubernetes"), else
    # "brings" ("a great eye for type", "Go").
    strengths_as: str | None
    # The channels asked for, which some messages mention (the email after a call exists only
    # with a phone script; the guidance points at the note and the follow-ups).
    has_phone_script: bool
    has_linkedin_note: bool
    has_follow_ups: bool
    # Texts.
    role: Typed
    company: Typed  # in a sentence: "the University of Toronto", "Acme" (see in_prose)
    company_name: Typed  # as typed, before a noun: "University of Toronto team"
    candidate_name: Typed
    candidate_spoken: Typed  # how they say their own name: "Wei Zhang", not "Dr Wei Zhang"
    candidate_email: MaybeTyped
    candidate_phone: MaybeTyped
    recipient_name: MaybeTyped
    address_as: MaybeTyped  # how they are greeted: given, or made from the name
    recipient_title: MaybeTyped
    detail: MaybeTyped
    preferred_role: MaybeTyped
    preferred_role_note: MaybeTyped
    interview_date: MaybeTyped  # "Tuesday, December 1 at 3:00 PM"
    interview_on: MaybeTyped  # written: "today at 3:00 PM", "on Tuesday, December 1 at 3:00 PM"
    interview_spoken: MaybeTyped  # said: "this afternoon", "tomorrow morning", "on Thursday"
    interview_heard: MaybeTyped  # said on a voicemail heard later: "on Friday morning"
    interview_weekday: MaybeTyped  # "Friday", within the coming week
    referral_name: MaybeTyped
    referral_first: MaybeTyped  # the referral's first name, for every mention after the first
    referral_email: MaybeTyped
    referral_relationship: MaybeTyped
    referral_strengths: MaybeTyped
    common_ground: MaybeTyped
    # The common ground as a topic ("our shared interest in" left off), or as a clause that
    # follows "how" ("we both rowed at university", its capital and full stop left off).
    common_topic: MaybeTyped
    company_news: MaybeTyped
    # A closeout's accepted employer, in a sentence, and only when it may be named.
    accepted_company: MaybeTyped
    # Worked out from the above once (see __post_init__).
    texts: tuple[str | None, ...] = field(init=False, repr=False, compare=False)
    shape: tuple[object, ...] = field(init=False, repr=False, compare=False)
    skeletons: dict[Any, Any] = field(init=False, repr=False, compare=False)
    _escaped: tuple[str | None, ...] | None = field(
        init=False, repr=False, compare=False, default=None
    )

    def __post_init__(self) -> None:
        texts = tuple([getattr(self, name) for name in TEXTS])
        for name, text in zip(TEXTS, texts, strict=True):
            if text is not None and not _one_clean_line(text):
                # Validation folds whitespace and refuses control characters in every field,
                # so this is a field added without that validation: it must not be composed.
                raise ValueError(f"the text {name!r} is not one clean line of text")
        self.texts = texts
        self.shape = (*[getattr(self, name) for name in BRANCHES], *[t is not None for t in texts])
        self.skeletons = shape_table(self.shape)

    def escaped(self) -> tuple[str | None, ...]:
        """The texts escaped for HTML, worked out once for every HTML output of the decline."""
        if self._escaped is None:
            self._escaped = _escape_all(self.texts)
        return self._escaped


def _escape_all(texts: tuple[str | None, ...]) -> tuple[str | None, ...]:
    # One call into escape() for all of them, joined by a control character no text holds
    # (Facts refuses none of them, but validation refuses every control character).
    joined = _APART.join([text or "" for text in texts])
    parts = str(escape(joined)).split(_APART)
    if len(parts) != len(texts):
        return tuple([None if text is None else str(escape(text)) for text in texts])
    return tuple([None if text is None else part for text, part in zip(texts, parts, strict=True)])


_APART = "\x1f"


def _one_clean_line(text: str) -> bool:
    # What laying a skeleton out (splitting at line breaks, stripping lines) must not notice,
    # and no marker a skeleton uses.
    return (
        bool(text)
        and text.strip() == text
        and "\n" not in text
        and MARK not in text
        and STOP_MARK not in text
    )


_HINTS = get_type_hints(Facts, include_extras=True)
_INIT = tuple(fact.name for fact in fields(Facts) if fact.init)
TEXTS = tuple(name for name in _INIT if TEXT in getattr(_HINTS[name], "__metadata__", ()))
BRANCHES = tuple(name for name in _INIT if name not in TEXTS)

# Per shape, the skeletons each step of a decline uses and the advice that applies, so that a
# decline looks its shape up once and each step then makes one small look-up. Keyed by shape
# alone, never by anyone's words; bounded, so a flood of new shapes costs memory once.
SHAPES = 1024


@lru_cache(maxsize=SHAPES)
def shape_table(shape: tuple[object, ...]) -> dict[Any, Any]:
    return {}


# How people type common ground as a phrase rather than a topic; templates say it their way.
_SHARED = re.compile(
    r"^(?:(?:our|a|the) )?(?:(?:shared|mutual|common) )?(?:interest|passion|love) (?:in|for|of) ",
    re.IGNORECASE,
)


def topic_of(common_ground: str) -> str:
    """'open-source data tooling' from 'our shared interest in open-source data tooling', and
    'we both rowed at university' from 'We both rowed at university.'"""
    if is_a_clause(common_ground):
        clause = common_ground.rstrip(".!")
        first = clause.split(" ", 1)[0]
        return clause[0].lower() + clause[1:] if first != "I" and first.istitle() else clause
    topic = _SHARED.sub("", common_ground, count=1)
    return topic or common_ground


# How a sentence about the two of them starts: "we both ...", "both of us ...", "you and I ...".
_CLAUSE_STARTS = frozenset({"we", "we're", "we've", "we'd", "both", "you", "you're", "i", "i'm"})


def is_a_clause(common_ground: str) -> bool:
    return common_ground.split(" ", 1)[0].lower().strip(",") in _CLAUSE_STARTS


def _reads_as_one(title: str) -> bool:
    """Whether "a {title} role" reads naturally: no comma, bracket or slash splits the title."""
    return bool(title) and not any(mark in title for mark in ",()/;:&|")


_AN_LETTERS = frozenset("AEFHILMNORSX")  # initialisms said with a vowel: an MBA, an SRE


def _takes_an(title: str) -> bool:
    """'an' before the title, as it is said: an Engineering Manager, an SRE, a UX Designer."""
    word = title.split(" ", 1)[0]
    if not word:
        return False
    if word.isupper() and len(word) > 1:
        return word[0] in _AN_LETTERS
    lower = word.lower()
    if lower.startswith(("uni", "use", "usu", "eu", "one", "once")):
        return False
    return lower[0] in "aeiou" or lower.startswith(("hour", "honest", "heir"))


def first_word(name: str) -> str:
    return name.split(" ", 1)[0]


def spoken_name(name: str) -> str:
    """A name as its owner says it on the phone: without a courtesy title in front."""
    first, _, rest = name.partition(" ")
    return rest if rest and first.lower() in _TITLES else name


def addressed_as(name: str) -> str:
    """How to greet someone by default: the first word of the name, or the title and the last
    word when the name starts with a courtesy title."""
    words = name.split(" ")
    if len(words) > 1 and words[0].lower() in _TITLES:
        return f"{words[0]} {words[-1]}"
    return words[0]


def written_date(moment: datetime, *, british: bool) -> str:
    """'Tuesday, December 1 at 3:00 PM', or 'Tuesday 1 December at 3:00 pm' in British
    English; in the moment's own offset, independent of the OS locale."""
    return f"{_day(moment, british=british)} at {_time(moment, british=british)}"


def _day(moment: datetime, *, british: bool) -> str:
    weekday, month = _WEEKDAYS[moment.weekday()], _MONTHS[moment.month - 1]
    return f"{weekday} {moment.day} {month}" if british else f"{weekday}, {month} {moment.day}"


def _time(moment: datetime, *, british: bool) -> str:
    hour = moment.hour % 12 or 12
    meridiem = ("am" if british else "AM") if moment.hour < 12 else ("pm" if british else "PM")
    return f"{hour}:{moment.minute:02d} {meridiem}"


def _part_of_day(moment: datetime) -> str:
    return "morning" if moment.hour < 12 else "afternoon" if moment.hour < 17 else "evening"


def interview_words(moment: datetime, now: datetime, *, british: bool) -> tuple[str, str, str, str]:
    """The interview's timing, written date, written phrase and spoken phrase, as seen on the
    interview's own calendar (its offset) at `now`."""
    until = moment - now
    timing = (
        "passed"
        if until <= timedelta(0)
        else "imminent"
        if until < IMMINENT
        else "soon"
        if until < SHORT_NOTICE
        else "ahead"
    )
    days = (moment.date() - now.astimezone(moment.tzinfo).date()).days
    at = _time(moment, british=british)
    if days == 0:
        written, spoken = f"today at {at}", f"this {_part_of_day(moment)}"
    elif days == 1:
        # Written in full: an email sent tonight may be read tomorrow, when "tomorrow" is wrong.
        written = f"on {written_date(moment, british=british)}"
        spoken = f"tomorrow {_part_of_day(moment)}"
    elif days == -1:
        written, spoken = f"yesterday at {at}", f"yesterday {_part_of_day(moment)}"
    elif (days > 0 and until < _WEEK) or -7 < days < 0:
        written = f"on {written_date(moment, british=british)}"
        spoken = f"on {_WEEKDAYS[moment.weekday()]}"
    else:
        written = f"on {written_date(moment, british=british)}"
        spoken = f"on {_day(moment, british=british)}"
    return timing, written_date(moment, british=british), written, spoken


def heard_words(moment: datetime, now: datetime, *, british: bool) -> tuple[str, str | None]:
    """The interview as said on a voicemail, which may be heard the next day ("on Friday
    morning" rather than "tomorrow morning"), and its weekday when it is within a week."""
    days = (moment.date() - now.astimezone(moment.tzinfo).date()).days
    weekday = _WEEKDAYS[moment.weekday()] if 0 < days < 7 else None
    if days == 0:
        return f"this {_part_of_day(moment)}", None
    if weekday is not None:
        return f"on {weekday} {_part_of_day(moment)}", weekday
    return interview_words(moment, now, british=british)[3], None


# Words that make "a/an <...> <noun>" a kind of person ("a brilliant designer"): said with "is".
# Anything else after "a" is something the person has ("a great eye for type"): "brings".
_PERSON_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent")
_PERSON_WORDS = frozenset(
    {
        "lead",
        "coach",
        "expert",
        "professional",
        "hire",
        "person",
        "natural",
        "pro",
        "talent",
        "architect",
        "analyst",
        "generalist",
        "specialist",
        "all-rounder",
        "asset",
        "candidate",
        "colleague",
        "mentor",
        "fit",
        "choice",
        "listener",
        "collaborator",
        "polymath",
    }
)
_NOT_PEOPLE = frozenset(
    {
        "number",
        "order",
        "matter",
        "career",
        "power",
        "answer",
        "layer",
        "filter",
        "letter",
        "center",
        "centre",
        "character",
        "temper",
        "humor",
        "humour",
        "flair",
        "judgment",
        "judgement",
        "commitment",
        "investment",
        "element",
        "moment",
        "component",
        "instinct",
        "ear",
        "eye",
        "background",
        "record",
        "knack",
        "gift",
        "feel",
        "head",
    }
)
# Where the noun phrase after "a" ends: "a designer | with ...", "a natural | at ...".
_PHRASE_ENDS = frozenset(
    {
        "with",
        "in",
        "who",
        "at",
        "for",
        "of",
        "from",
        "on",
        "and",
        "to",
        "that",
        "whose",
        "across",
        "when",
        "by",
        "about",
        "i",
        "we",
        "you've",
        "I've",
    }
)
# "great at ...", "fluent in ...", "passionate about ...": a quality, said with "is".
_QUALITY_BEFORE = frozenset({"at", "with", "about", "under"})
_QUALITIES_IN = frozenset(
    {
        "fluent",
        "experienced",
        "skilled",
        "proficient",
        "strong",
        "versed",
        "grounded",
        "trained",
        "certified",
        "qualified",
        "expert",
        "excellent",
        "great",
        "good",
        "brilliant",
        "superb",
        "outstanding",
        "exceptional",
        "deep",
        "immersed",
    }
)
# Typed as what they did or do: "led our ...", "has shipped ...", "knows ...".
_VERBS = frozenset(
    {
        "has",
        "had",
        "is",
        "was",
        "knows",
        "knew",
        "led",
        "leads",
        "built",
        "builds",
        "ran",
        "runs",
        "shipped",
        "ships",
        "spent",
        "manages",
        "managed",
        "wrote",
        "writes",
        "designed",
        "designs",
        "founded",
        "launched",
        "created",
        "grew",
        "scaled",
        "owns",
        "owned",
        "speaks",
        "understands",
        "can",
        "does",
        "did",
        "worked",
        "works",
        "handles",
        "handled",
        "delivered",
        "delivers",
        "mentored",
        "mentors",
        "taught",
        "teaches",
        "holds",
        "held",
        "thrives",
        "excels",
        "loves",
        "cares",
        "combines",
        "turned",
        "turns",
        "made",
        "makes",
        "helped",
        "helps",
        "took",
        "takes",
        "kept",
        "keeps",
        "won",
        "wins",
        "brought",
        "brings",
    }
)
# -ing words that describe rather than do: "outstanding judgement" is brought, not excelled at.
_ING_ADJECTIVES = frozenset(
    {
        "outstanding",
        "amazing",
        "engaging",
        "interesting",
        "compelling",
        "caring",
        "winning",
        "working",
        "exciting",
        "striking",
        "thriving",
        "growing",
        "lasting",
        "rising",
        "demanding",
        "fascinating",
        "inspiring",
        "charming",
        "convincing",
        "encouraging",
        "refreshing",
        "reassuring",
        "exacting",
        "understanding",
        "leading",
        "cutting",
        "existing",
        "ongoing",
        "outgoing",
        "unflinching",
        "unwavering",
        "uncompromising",
        "strong",
        "booming",
        "dazzling",
        "relentless",
        "astonishing",
        "disarming",
        "calming",
    }
)
_DETERMINERS = frozenset(
    {
        "the",
        "a",
        "an",
        "our",
        "their",
        "his",
        "her",
        "my",
        "two",
        "three",
        "four",
        "five",
        "several",
        "many",
        "multiple",
        "dozens",
        "teams",
        "over",
        "more",
        "its",
        "every",
    }
)


def _head(words: list[str]) -> str:
    """The last word of the noun phrase the words open with: "designer" in "brilliant designer
    with a fintech background"."""
    head = ""
    for word in words:
        if word in _PHRASE_ENDS:
            break
        head = word
    return head


def _is_a_person(noun: str) -> bool:
    return noun in _PERSON_WORDS or (noun.endswith(_PERSON_ENDINGS) and noun not in _NOT_PEOPLE)


def strengths_as(strengths: str) -> str:
    """How to join a referral's strengths to their name, from how they were typed (see
    Facts.strengths_as). Free text has no grammar we can rely on, so this reads the first
    words: what it cannot place is "brings", which suits any noun phrase."""
    words = [word.strip(",;:.").lower() for word in strengths.split()]
    if not words:
        return "brings"
    first = words[0]
    second = words[1] if len(words) > 1 else ""
    if first in ("a", "an"):
        return "is" if _is_a_person(_head(words[1:])) else "brings"
    if first in _VERBS or (first.endswith("ed") and (second in _DETERMINERS or second.isdigit())):
        return "verb"
    if _is_a_person(_head(words)):
        # "strong operator with board-level experience": a kind of person typed without "a".
        return "is_an" if first[0] in "aeiou" else "is_a"
    if second in _QUALITY_BEFORE or (second == "in" and first in _QUALITIES_IN):
        return "is"
    hyphenated = "-" in first or first.startswith("un")
    if len(first) > 4 and first.endswith("ing") and first not in _ING_ADJECTIVES and not hyphenated:
        return "excels_at"
    return "brings"


# Employers whose names take "the" in a sentence: "at the University of Toronto", "the Wellcome
# Trust", but "at Bank of America", "at Harvard University". Only names of these shapes.
_THE_BEFORE_OF = frozenset(
    {
        "university",
        "institute",
        "ministry",
        "department",
        "office",
        "museum",
        "college",
        "school",
        "council",
        "city",
        "state",
        "county",
        "province",
        "government",
        "library",
        "academy",
        "society",
        "commonwealth",
        "board",
        "royal",
        "court",
        "house",
    }
)
_THE_AT_END = frozenset(
    {
        "foundation",
        "institute",
        "museum",
        "society",
        "council",
        "commission",
        "clinic",
        "trust",
        "library",
        "orchestra",
        "observatory",
        "laboratory",
        "consortium",
        "federation",
        "guild",
        "conservatory",
        "philharmonic",
        "symphony",
        "opera",
        "ballet",
    }
)


def in_prose(name: str) -> str:
    """An employer's name as it reads after "at" or "about": "the University of Toronto"."""
    words = name.split(" ")
    if words[0].lower() == "the" or len(words) < 2:
        return name
    first, second, last = words[0].lower(), words[1].lower(), words[-1].lower()
    if (first in _THE_BEFORE_OF and second == "of") or last in _THE_AT_END:
        return f"the {name}"
    return name


# A recipient "name" that is a group, not a person: "Recruiting Team", "HR", "Talent".
_GROUPS = frozenset({"team", "recruiting", "recruitment", "hiring", "talent", "hr", "careers"})


def is_a_group(name: str) -> bool:
    return any(word.lower().strip(".,") in _GROUPS for word in name.split(" "))


def facts_from(
    request: DeclineRequest, *, now: datetime, accepted_company: str | None = None
) -> Facts:
    recipient = request.recipient
    referral = request.referral
    preferred = request.preferred_role
    relationship = request.relationship
    british = request.locale in BRITISH_ENGLISH
    channels = request.channels
    timing = date = written = spoken = heard = weekday = None
    today = False
    if request.interview_at is not None:
        timing, date, written, spoken = interview_words(request.interview_at, now, british=british)
        heard, weekday = heard_words(request.interview_at, now, british=british)
        today = written.startswith("today")
    if recipient is not None and recipient.address_as is None and is_a_group(recipient.name):
        recipient = None  # the team, as when no one is named
    theirs = bool(
        preferred
        and recipient
        and recipient.title
        and preferred.title.casefold() == recipient.title.casefold()
    )
    if theirs:
        preferred = None
    title = preferred.title if preferred else ""
    address_as = None
    if recipient is not None:
        address_as = recipient.address_as or addressed_as(recipient.name)
    referral_name = referral.name if referral else None
    # Positional, in the order of the fields: keyword arguments cost a microsecond more.
    return Facts(
        request.stage._value_,
        request.reason.category._value_,
        request.tone._value_,
        british,
        referral is not None,
        referral is not None and referral.timing is ReferralTiming.now,
        referral is not None and referral.timing is ReferralTiming.later,
        relationship.keep_in_touch,
        relationship.linkedin_connected,
        request.role.lower().endswith(_ROLE_NOUNS),
        _reads_as_one(title),
        _takes_an(title),
        title.lower().endswith(_ROLE_NOUNS),
        theirs,
        bool(relationship.common_ground) and is_a_clause(relationship.common_ground or ""),
        timing,
        today,
        strengths_as(referral.strengths) if referral and referral.strengths else None,
        "phone_script" in channels,
        "linkedin_note" in channels,
        "follow_ups" in channels,
        request.role,
        in_prose(request.company),
        request.company,
        request.candidate.name,
        spoken_name(request.candidate.name),
        request.candidate.email,
        request.candidate.phone,
        recipient.name if recipient else None,
        address_as,
        recipient.title if recipient else None,
        request.reason.detail,
        preferred.title if preferred else None,
        preferred.note if preferred else None,
        date,
        written,
        spoken,
        heard,
        weekday,
        referral_name,
        first_word(referral_name) if referral_name else None,
        referral.email if referral else None,
        referral.relationship if referral else None,
        referral.strengths if referral else None,
        relationship.common_ground,
        topic_of(relationship.common_ground) if relationship.common_ground else None,
        relationship.company_news,
        in_prose(accepted_company) if accepted_company else None,
    )
