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
import zlib
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from functools import lru_cache
from operator import attrgetter
from typing import Annotated, Any, get_type_hints

from markupsafe import escape

from app.compose.environment import MARK, STOP_MARK
from app.compose.reading import (
    COURTESY_TITLES,
    RANKS,
    a_role,
    apologises,
    as_address,
    as_name,
    as_sentence,
    asks_understanding,
    common_as,
    condition_of,
    criticises,
    ends_with_its_noun,
    given_name,
    has_particle,
    has_parts,
    in_lowercase,
    in_prose,
    in_subject,
    is_a_clause,
    is_a_group,
    is_an_initial,
    is_any_team,
    is_formal_address,
    is_long_name,
    is_long_title,
    is_one_of_a_kind,
    is_only_a_title,
    keeps_in_touch,
    known_as,
    looks_casual,
    mentions_the_notice,
    name_and_description,
    name_with_capitals,
    names_the_employer,
    names_the_interview,
    news_is_hard,
    opens_with_after,
    read_news,
    reads_as_a_note,
    relationship_of,
    role_with_note,
    said_title,
    says_decided,
    says_enjoyed,
    says_offer,
    says_they_met,
    says_when,
    spoken_title,
    stays_put,
    steps_back,
    strengths_as,
    strengths_of,
    surname_of,
    title_in_prose,
    topic_of,
    unshouted,
    unshouted_name,
    unspoken,
    with_capital_i,
    with_capitals,
    without_legal_suffix,
    without_nickname,
    without_post_nominals,
)
from app.schemas import DeclineRequest, ReferralTiming, Tone

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

PHRASINGS = 2  # the phrasings templates/follow_ups/check_in.txt has of each hook

# The locales whose readers write the day before the month and "realise" rather than "realize".
BRITISH_ENGLISH = frozenset({"en-GB", "en-IE", "en-AU", "en-NZ", "en-IN"})

# Within a day, say it by phone now; within two, apologise for the short notice.
IMMINENT = timedelta(hours=24)
SHORT_NOTICE = timedelta(hours=48)
_WEEK = timedelta(days=6)
LONG_AGO = timedelta(days=7)
WORKING_HOURS = (8, 19)  # when a call to someone at work is welcome, in their own time


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
    # Which of two phrasings a candidate's check-ins use, from their name and the employer's:
    # a coach's or a platform's many clients do not send each other's sentences word for word,
    # and one candidate's drafts read the same each time they are composed.
    phrasing: int
    british_english: bool
    # Plain "en", the default, writes dates the American way ("Friday, December 4"): the
    # guidance names the locales that write them day first, for a candidate elsewhere.
    locale_unset: bool
    referral_offered: bool
    referral_now: bool
    referral_later: bool
    referral_moved: bool  # asked for later, with no one in it: made in the decline instead
    keep_in_touch: bool
    linkedin_connected: bool
    role_ends_with_noun: bool
    # A title in parts ("Associate, Investment Banking") cannot stand before "offer": subjects
    # give it after a dash.
    role_has_parts: bool
    # Too long or too listed to say ("Teacher, Science, Part-Time"): written "the role of …".
    role_is_long: bool
    # A name too long or too punctuated to greet a team by ("St. Vincent's Hospital Melbourne
    # team"): they are the hiring team.
    company_is_long: bool
    # The better-fit role is the recipient's own title ("CEO" to the CEO): asked of them, it
    # reads as asking for their job, so no message names it and the guidance says why.
    preferred_role_is_theirs: bool
    # How free text was typed (app/compose/reading.py), so our words around it fit: the
    # common ground as a "topic", a "clause" ("we both rowed at university", after "that")
    # or a "thing" ("our mutual friend Bongani"); the news as a clause ("you opened a clinic");
    # the referral's relationship as a clause ("we worked together at Discovery").
    common_as: str | None
    news_is_a_clause: bool
    news_is_ahead: bool  # still to come when typed: asked about, not congratulated
    news_is_hard: bool  # layoffs, a restructure: no check-in brings it up (reading.news_is_hard)
    relationship_is_a_clause: bool
    address_is_formal: bool  # "Herr Müller", "Dr Lee": "Dear", never "Hi", in every tone
    # A name of three words or more ("María José Alvarez", "Nguyen Van An") may not start with
    # how they are greeted: the guidance names the greeting made from it, to check.
    address_uncertain: bool
    # Only a title where the name goes ("Prof"): greeted "Prof [surname]", to fill in.
    name_is_a_title: bool
    referral_first_uncertain: bool  # the same, for the first name a referral is called by
    # Typed as one would in a chat (a lowercase title, "tbh", an emoji), and printed as typed:
    # the guidance says so.
    typed_casually: str | None  # which fields, in our words: "the role, the common ground"
    # Typed all in lowercase, and given capitals (reading.with_capitals): "the company".
    capitalised: str | None
    # Typed in capitals, and written as a title or a name is (reading.unshouted): "the role".
    unshouted: str | None
    detail_is_long: bool  # longer than a sentence or two: hard to say on a call
    detail_is_dated: bool  # says when ("yesterday morning"): beside a missed interview, a tell
    referral_name_missing: bool  # an email address but no name: recommended as "someone"
    # What the candidate's own reason already says, so our sentences beside it do not repeat
    # it: an apology, enjoying their time, asking them to understand, "decided", or an
    # opening "After …".
    detail_apologises: bool
    # "… sorry for the short notice": ours then says nothing of the notice; after a bare
    # "sorry" it owns the notice without a second "sorry" ("I know it's very short notice").
    detail_apologises_for_notice: bool
    # "I'm so sorry I missed yesterday's interview, …": it names what it apologises for, so it
    # can stand where our apology would (templates/_shared.txt, their_apology).
    detail_names_the_interview: bool
    detail_says_enjoyed: bool
    detail_asks_understanding: bool
    detail_keeps_in_touch: bool
    detail_says_decided: bool
    detail_steps_back: bool
    # Staying where they are ("a promotion", "my current role"): a later start is no answer.
    detail_stays: bool
    detail_says_offer: bool  # "… another offer": our decision then says "decline" alone
    detail_opens_with_after: bool
    # The reason criticises the employer (reading.criticises): left out of every message, and
    # the guidance says why (detail_criticises), never that it reads as a note.
    detail_criticises: bool
    # None, "passed", "imminent" (within a day), "soon" (within two) or "ahead".
    interview: str | None
    interview_today: bool  # on the interview's own calendar
    # An interview stage whose time has passed, with a reason that says they met ("After
    # speaking with you …"): it took place, so the messages are a withdrawal after it.
    interview_attended: bool
    # Missed more than a week ago: the apology also owns the delay.
    interview_long_ago: bool
    # Now is outside working hours where the interview is: a call waits for the morning.
    outside_hours: bool
    # How the referral's strengths follow their name (see reading.strengths_as).
    strengths_as: str | None
    # The channels asked for, which some messages mention (the email after a call exists only
    # with a phone script; the guidance points at the note and the follow-ups).
    has_phone_script: bool
    has_linkedin_note: bool
    has_follow_ups: bool
    # Texts.
    role: Typed  # as typed: the subject lines give it whole
    # In a sentence, either side of "role": "the Staff Nurse role in the Acute Medical Unit"
    # (see reading.title_in_prose).
    role_head: Typed
    role_tail: MaybeTyped
    role_spoken: MaybeTyped  # as said on the phone (see reading.spoken_title)
    company: Typed  # in a sentence: "the University of Toronto", "Acme" (see in_prose)
    company_name: Typed  # before a noun: "University of Toronto team", "Kiwi Build team"
    candidate_name: Typed
    candidate_spoken: Typed  # how they say their own name: "Wei Zhang", not "Dr Wei Zhang"
    candidate_signed: Typed  # how they sign it: the same, with "Jr." or "III" if typed
    candidate_email: MaybeTyped
    candidate_phone: MaybeTyped
    recipient_name: MaybeTyped
    team_name: MaybeTyped  # a recipient named like a group, greeted as typed: "Recruitment Team"
    address_as: MaybeTyped  # how they are greeted: given, or made from the name
    recipient_title: MaybeTyped
    detail: MaybeTyped
    # A reason typed as a note or in shorthand (reading.reads_as_a_note): no message has it,
    # and `detail` is None; the guidance quotes it.
    detail_withheld: MaybeTyped
    preferred_role: MaybeTyped
    # As it follows "considered for": "an Engineering Manager role", "a Head of Product role for
    # a smaller team", "a leadership role" (typed with its article); see reading.a_role.
    preferred_role_phrase: MaybeTyped
    preferred_role_spoken: MaybeTyped  # the same on a call: no aside in brackets, no emoji
    preferred_role_note: MaybeTyped
    # The note when it was typed as the condition for the better-fit role ("If the team moves
    # to remote-first"): the ask starts with it.
    preferred_role_condition: MaybeTyped
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
    # The name field as typed when it says who they are rather than their name ("my cousin's
    # friend Arjun"): no message calls them by it, and the guidance says so.
    referral_described: MaybeTyped
    common_ground: MaybeTyped
    # The common ground as a topic ("our shared interest in" left off), or as a clause that
    # follows "that" ("we both rowed at university", its capital and full stop left off).
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
        texts: tuple[str | None, ...] = _texts_of(self)
        for name, text in zip(TEXTS, texts, strict=True):
            if text is not None and not _one_clean_line(text):
                # Validation folds whitespace and refuses control characters in every field,
                # so this is a field added without that validation: it must not be composed.
                raise ValueError(f"the text {name!r} is not one clean line of text")
        self.texts = texts
        self.shape = (*_branches_of(self), *[text is not None for text in texts])
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
# Each a tuple of the facts' values, in one call (as attrgetter gives for two names or more).
if len(TEXTS) < 2 or len(BRANCHES) < 2:
    raise TypeError("Facts has fewer than two texts or branches: build the tuples another way")
_texts_of, _branches_of = attrgetter(*TEXTS), attrgetter(*BRANCHES)

# Per shape, the skeletons each step of a decline uses and the advice that applies, so that a
# decline looks its shape up once and each step then makes one small look-up. Keyed by shape
# alone, never by anyone's words; bounded, so a flood of new shapes costs memory once.
SHAPES = 1024


@lru_cache(maxsize=SHAPES)
def shape_table(shape: tuple[object, ...]) -> dict[Any, Any]:
    return {}


# A reason longer than this is more than a sentence or two.
DETAIL_LONG = 240


def _free_texts(request: DeclineRequest) -> list[tuple[str, str]]:
    """What the candidate wrote in their own words, which the messages print as typed, each
    with what the guidance calls it."""
    referral, preferred, relationship = (
        request.referral,
        request.preferred_role,
        request.relationship,
    )
    texts = [
        ("the reason", request.reason.detail),
        ("the better-fit role's note", preferred.note if preferred else None),
        ("how you know the referral", referral.relationship if referral else None),
        ("the referral's strengths", referral.strengths if referral else None),
        ("the common ground", relationship.common_ground),
        ("the news about them", relationship.company_news),
    ]
    return [(label, text) for label, text in texts if text]


def _typed_casually(
    request: DeclineRequest,
    *,
    common_is_a_note: bool,
    detail_used: bool,
    role_printed: str,
    news_printed: str | None,
) -> str | None:
    """The fields typed as one would in a chat: a lowercase title or company, "tbh", an emoji;
    `common_is_a_note` when the common ground was typed as a note (reading.common_as), and
    `detail_used` unless the reason was left out of the messages (reading.reads_as_a_note), and
    `role_printed` and `news_printed` the title and the news as the messages print them: a job
    board's "32-40 hrs", a "congrats!!" or a "you guys" left out of them is nothing to
    retype, nor is an emoji left out of the reason."""
    preferred = request.preferred_role
    # The role and the company in lowercase are given capitals (see `capitalised`); the
    # better-fit role is printed as typed.
    typed = [
        ("the role", role_printed if not in_lowercase(request.role) else ""),
        ("the company", request.company if not in_lowercase(request.company) else ""),
        # "a consultant post with …" is typed as a phrase, in lowercase as it should be.
        (
            "the better-fit role",
            preferred.title if preferred and preferred.title[:2] != "a " else "",
        ),
    ]
    labels = [label for label, text in typed if text and (in_lowercase(text) or looks_casual(text))]
    # The common ground and the news go into check-ins only: without follow-ups, or typed as
    # a note (which no check-in quotes; the check-in advice says so), no message has them.
    # Without follow-ups, or without keeping in touch, no check-in is drafted to print them.
    check_ins = "follow_ups" in request.channels and request.relationship.keep_in_touch
    unused = {"the common ground", "the news about them"} if not check_ins else set()
    if common_is_a_note:
        unused.add("the common ground")
    if not detail_used:
        unused.add("the reason")
    printed = {"the news about them": news_printed or ""}
    texts = [
        (
            label,
            unspoken(with_capital_i(text)) if label == "the reason" else printed.get(label, text),
        )
        for label, text in _free_texts(request)
    ]
    labels += [label for label, text in texts if label not in unused and looks_casual(text)]
    return ", ".join(labels) or None


def first_name(name: str, *, formal: bool = True) -> str:
    """How a referral is named after the first time: the first word of the name (the guidance
    asks to check it when the name has three words or more), or in a formal letter with the
    courtesy title it was typed with, as "Dr. Mehta": whoever formally wrote "Dr. Anil Mehta"
    would not go on to "Anil"."""
    # In a warm or brief letter, a peer is Samira, whatever title she was typed with.
    if formal and name.split(" ", 1)[0].lower() in COURTESY_TITLES and " " in name:
        return addressed_as(name)
    return given_name(spoken_name(name).split(" "))


def _uncertain(name: str) -> bool:
    # Without a rank or an aside: "Brigadier (Ret'd) Alistair Fenwick-Hughes" has two names.
    words = [word for word in spoken_name(name).split(" ") if word[:1] != "("]
    while len(words) > 1 and words[0].lower() in RANKS:
        words.pop(0)
    if len(words) > 1 and is_an_initial(words[0]):
        return True  # "K. Ramesh" is greeted "Ramesh": a guess the candidate should check
    return len(words) > 2 and " and " not in name and " & " not in name and not has_particle(name)


def _said_preferred(title: str, role: str) -> str:
    """The better-fit role as said on a call: without its aside, unless that would leave
    the very role being declined ("Senior Frontend Engineer (fully remote)" after declining
    a Senior Frontend Engineer offer)."""
    said = said_title(title)
    return title if said.casefold() == said_title(role).casefold() else said


def spoken_name(name: str, *, signed: bool = False) -> str:
    """A name as its owner says it on the phone: without a courtesy title in front, or
    letters after it; `signed`, as they sign it, which keeps a generation ("III")."""
    untitled = name
    first, _, rest = untitled.partition(" ")
    while rest and first.lower() in COURTESY_TITLES:  # "Hon. Dr. Wanjiru Kamau-Otieno"
        untitled = rest
        first, _, rest = untitled.partition(" ")
    said = without_post_nominals(untitled, keep_generation=signed)
    if signed:
        return said
    # "Rebecca L. Nguyen-Park" says no middle initial.
    words = said.split(" ")
    return (
        " ".join([words[0], *[w for w in words[1:-1] if not _INITIAL.fullmatch(w)], words[-1]])
        if len(words) > 2
        else said
    )


_INITIAL = re.compile(r"[A-Z]\.")


def addressed_as(name: str) -> str:
    """How to greet someone by default: the first word of the name, or the title and the last
    word when the name starts with a courtesy title."""
    if " and " in name or " & " in name:  # "Sarah Levin and Tom Bright": "Sarah and Tom"
        people = name.replace(" & ", " and ").split(" and ")
        return " and ".join(addressed_as(person) for person in people if person)
    words = without_post_nominals(name).split(" ")
    ranks = []
    while len(words) > 1 and words[0].lower() in RANKS:
        ranks.append(RANKS[words.pop(0).lower()])
    if ranks:
        return f"{' '.join(ranks)} {surname_of(words)}"
    if len(words) > 1 and words[0].lower() in COURTESY_TITLES:
        return f"{words[0]} {surname_of(words[1:])}"
    return given_name(words)


def written_date(moment: datetime, *, british: bool) -> str:
    """'Tuesday, December 1 at 3:00 PM', or 'Tuesday 1 December at 3:00 pm' in British
    English; in the moment's own offset, independent of the OS locale."""
    return f"{_day(moment, british=british)} at {_time(moment, british=british)}"


def _day(moment: datetime, *, british: bool) -> str:
    weekday, month = _WEEKDAYS[moment.weekday()], _MONTHS[moment.month - 1]
    return f"{weekday} {moment.day} {month}" if british else f"{weekday}, {month} {moment.day}"


def _time(moment: datetime, *, british: bool) -> str:
    if moment.hour == 12 and moment.minute == 0:
        return "noon"  # "today at noon", never "12:00 pm"
    hour = moment.hour % 12 or 12
    meridiem = ("am" if british else "AM") if moment.hour < 12 else ("pm" if british else "PM")
    return f"{hour}:{moment.minute:02d} {meridiem}"


def _part_of_day(moment: datetime) -> str:
    return "morning" if moment.hour < 12 else "afternoon" if moment.hour < 17 else "evening"


def _in_the_day(day: str, moment: datetime) -> str:
    """'this afternoon', 'tomorrow morning', 'on Friday evening'; noon is said as noon."""
    if moment.hour == 12 and moment.minute == 0:
        return f"{'today' if day == 'this' else day} at noon"
    return f"{day} {_part_of_day(moment)}"


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
    local = now.astimezone(moment.tzinfo)
    days = (moment.date() - local.date()).days
    at = _time(moment, british=british)
    date = written_date(moment, british=british)
    if days == 0:
        written, spoken = f"today at {at}", _in_the_day("this", moment)
    elif days == 1:
        # Written in full: an email sent tonight may be read tomorrow, when "tomorrow" is wrong.
        written = f"on {date}"
        # After working hours the call waits for the morning (the guidance says so), when the
        # interview is "this morning".
        late = local.hour >= WORKING_HOURS[1]
        spoken = _in_the_day("this" if late else "tomorrow", moment)
    elif days == -1:
        written, spoken = f"yesterday at {at}", _in_the_day("yesterday", moment)
    elif (days > 0 and until < _WEEK) or -7 < days < 0:
        written, spoken = f"on {date}", f"on {_WEEKDAYS[moment.weekday()]}"
    else:
        written, spoken = f"on {date}", f"on {_day(moment, british=british)}"
    return timing, date, written, spoken


def heard_words(moment: datetime, now: datetime, *, spoken: str) -> tuple[str, str | None]:
    """The interview as said on a voicemail, which may be heard the next day ("on Friday
    morning" rather than "tomorrow morning"), and its weekday when it is within a week;
    `spoken` is how a call says it (interview_words)."""
    days = (moment.date() - now.astimezone(moment.tzinfo).date()).days
    weekday = _WEEKDAYS[moment.weekday()] if 0 < days < 7 else None
    if days == 0:
        return _in_the_day("this", moment), None
    if weekday is not None:
        return _in_the_day(f"on {weekday}", moment), weekday
    return spoken, None


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
        heard, weekday = heard_words(request.interview_at, now, spoken=spoken)
        today = written.startswith("today")
    stage = request.stage._value_
    attended = (
        stage == "interview"
        and timing == "passed"
        and request.reason.detail is not None
        and says_they_met(request.reason.detail)
    )
    if attended:
        stage = "candidacy"  # no apology for an interview that happened
    team = None
    if recipient is not None and recipient.address_as is None and is_a_group(recipient.name):
        # The team, as when no one is named; and as no one at all when the name could be any
        # employer's ("Hiring Team").
        team, recipient = None if is_any_team(recipient.name) else recipient.name, None
    theirs = bool(
        preferred
        and recipient
        and recipient.title
        and preferred.title.casefold() == recipient.title.casefold()
        and is_one_of_a_kind(recipient.title)
    )
    if theirs:
        preferred = None
    address_as = recipient_name = None
    titled = recipient is not None and not recipient.address_as and is_only_a_title(recipient.name)
    if recipient is not None:
        typed = known_as(recipient.name)
        # Only the guidance names them in full, without the letters after it: "First call Dr.
        # Patricia Nguyen-Alvarez", not "… Nguyen-Alvarez, MD, FACP, using the phone script".
        recipient_name = (
            f"{recipient.name} [surname]" if titled else as_name(without_post_nominals(typed))
        )
        address_as = as_name(recipient.address_as or addressed_as(recipient_name))
    formal_address = address_as is not None and is_formal_address(address_as)
    named, described = (
        name_and_description(referral.name) if referral and referral.name else (None, None)
    )
    referral_name = as_name(known_as(named)) if named else None
    # The candidate is who the employer knows from the application: "Sipho (Sips) Mthembu"
    # signs and says "Sipho Mthembu".
    candidate_name = as_name(without_nickname(request.candidate.name))
    # An address but no name: someone the candidate knows, recommended as "someone", with the
    # address to reach them (the guidance asks for the name, and whether they are happy to be
    # put forward).
    unnamed = referral is not None and referral_name is None and referral.email is not None
    related = (referral.relationship or described) if referral else None
    common = relationship.common_ground
    shared_as = common_as(common) if common else None
    news = relationship.company_news
    # An emoji is for a job board ("Visual Merchandiser 💫"), not a letter or a call.
    said_role, said_company = unspoken(request.role), unspoken(request.company)
    typed_role, typed_company = with_capitals(said_role), name_with_capitals(said_company)
    role, company = unshouted(typed_role), unshouted_name(typed_company)
    company_name = without_legal_suffix(company)
    # "The Larkspur" before a noun is "the Larkspur team", never "Hi The Larkspur team".
    if company_name[:4] in ("The ", "the ") and len(company_name) > 4:
        company_name = company_name[4:]
    detail = request.reason.detail
    detail = with_capital_i(detail) if detail is not None else None
    withheld = None
    # However long, a reason in chat ("honestly … tbh … !!") is one a coach would have
    # retyped before sending: the cold reads rewrote every such message that printed it. The
    # guidance quotes it whole and asks for it in sentences.
    # Criticism first: retyped in sentences, as the note's advice would have it, it would
    # still be criticism.
    criticism = detail is not None and criticises(detail)
    if detail is not None and (criticism or reads_as_a_note(detail)):
        detail, withheld = None, request.reason.detail  # quoted as they typed it
    sorry = detail is not None and apologises(detail)
    role_head, role_tail = title_in_prose(role)
    if role_tail is not None and names_the_employer(role_tail, company):
        role_tail = None
    subject_role = in_subject(role, role_head, role_tail)
    # A later referral with no one in it (no name, address, relationship or strengths) is
    # made in the decline: sent alone two days on, "someone from my network" only invites
    # "who?" (six cold reads marked it). The guidance says so (referral_moved).
    asked_later = referral is not None and referral.timing is ReferralTiming.later
    empty = referral is not None and not (
        referral.name or referral.email or referral.relationship or referral.strengths
    )
    later = asked_later and not empty
    news_printed, news_clause, news_ahead = (
        read_news(news, company) if news else (None, False, False)
    )
    # Positional, in the order of the fields: keyword arguments cost a microsecond more.
    return Facts(
        stage,
        request.reason.category._value_,
        request.tone._value_,
        zlib.crc32(f"{request.candidate.name}\n{request.company}".encode()) % PHRASINGS,
        british,
        request.locale == "en",
        referral is not None,
        referral is not None and not later,
        later,
        asked_later and empty,
        relationship.keep_in_touch,
        relationship.linkedin_connected,
        ends_with_its_noun(role_head),
        # A subject given as a sentence gives it ("Manager in Flight Operations Engineering"),
        # which cannot stand before "offer" either.
        has_parts(subject_role) or (subject_role != role and role_tail is not None),
        is_long_title(role_head),
        is_long_name(company_name),
        theirs,
        shared_as,
        news_clause,
        news_ahead,
        news is not None and news_is_hard(news),
        related is not None and is_a_clause(related),
        formal_address,
        recipient is not None and recipient.address_as is None and _uncertain(recipient.name),
        titled,
        referral_name is not None and _uncertain(referral_name),
        _typed_casually(
            request,
            common_is_a_note=shared_as == "note",
            detail_used=not withheld,
            role_printed=f"{subject_role} {role_head}",
            news_printed=news_printed,
        ),
        " and ".join(
            label
            for label, said, typed in (
                ("the role", said_role, typed_role),
                ("the company", said_company, typed_company),
            )
            # As the messages print it: "growth marketer 🚀" is printed "Growth Marketer".
            if typed != said
        )
        or None,
        " and ".join(
            label
            for label, typed, written in (
                ("the role", typed_role, role),
                ("the company", typed_company, company),
            )
            if written != typed
        )
        or None,
        detail is not None and len(detail) > DETAIL_LONG,
        detail is not None and says_when(detail),
        unnamed,
        sorry,
        sorry and detail is not None and mentions_the_notice(detail),
        detail is not None and names_the_interview(detail),
        detail is not None and says_enjoyed(detail),
        detail is not None and asks_understanding(detail),
        detail is not None and keeps_in_touch(detail),
        detail is not None and says_decided(detail),
        detail is not None and steps_back(detail),
        # Whatever the wording, and even left out of the messages, it says what they will do.
        request.reason.detail is not None and stays_put(request.reason.detail),
        detail is not None and says_offer(detail),
        detail is not None and opens_with_after(detail),
        criticism,
        timing,
        today,
        attended,
        request.interview_at is not None and now - request.interview_at > LONG_AGO,
        request.interview_at is not None
        and not WORKING_HOURS[0]
        <= now.astimezone(request.interview_at.tzinfo).hour
        < WORKING_HOURS[1],
        strengths_as(referral.strengths) if referral and referral.strengths else None,
        "phone_script" in channels,
        "linkedin_note" in channels,
        "follow_ups" in channels,
        subject_role,
        role_head,
        role_tail,
        spoken_title(role_head),
        in_prose(company),
        company_name,
        candidate_name,
        spoken_name(candidate_name),
        spoken_name(candidate_name, signed=True),
        as_address(request.candidate.email) if request.candidate.email else None,
        request.candidate.phone,
        recipient_name,
        team,
        address_as,
        recipient.title if recipient else None,
        # Without emoji, written as said: "… since I'm in El Paso 🙁" read to the cold readers
        # as a chat message pasted into a letter.
        as_sentence(unspoken(detail)) if detail else None,
        withheld,
        preferred.title if preferred else None,
        role_with_note(a_role(preferred.title), preferred.note or "") if preferred else None,
        role_with_note(a_role(_said_preferred(preferred.title, role)), preferred.note or "")
        if preferred
        else None,
        preferred.note if preferred else None,
        condition_of(preferred.note) if preferred and preferred.note else None,
        date,
        written,
        spoken,
        heard,
        weekday,
        referral_name,
        # "Dear Dr Iyer" is not told about "Arjun": a referral with a title is named with it.
        first_name(
            referral_name,
            formal=request.tone is Tone.formal or formal_address,
        )
        if referral_name
        else None,
        as_address(referral.email) if referral and referral.email else None,
        relationship_of(related) if related else None,
        strengths_of(referral.strengths) if referral and referral.strengths else None,
        referral.name if referral and referral.name and not named else None,
        relationship.common_ground,
        topic_of(relationship.common_ground) if relationship.common_ground else None,
        news_printed,
        in_prose(accepted_company) if accepted_company else None,
    )
