"""Hypothesis strategies for decline requests: hostile ones, where anything a person may type
is drawn for every text, and realistic ones, as candidates write them, for reading the letters.
"""

from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any

from hypothesis import strategies as st

from app.schemas import SUPPORTED_LOCALES, Channel, DeclineRequest, ReasonCategory, Stage, Tone

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

# Endings that decide whether a sentence needs a full stop, or leave it to what comes before.
ENDINGS = [
    *["", "", "!", "?", "…", ".", "。", "؟", "😀", "👍🏽", "❤️", "👨‍👩‍👧", "\u200d"],
    *[")", '"', "'", "”", "’", "»", "]", "}", "!)", '?"', "…”", "😀)", "e\u0301", "\u0301"],
    *["—", ",", " &", " (", ":", "ß", "İ"],
]
# Template syntax, markup, placeholders' look-alikes, decomposed accents, nouns a role ends with.
CORES = [
    *["Ana Ruiz", "<b>&amp;</b> & <i>", "{{ x }}", "{% if true %}x{% endif %}", "{# c #}"],
    *["Cafe\u0301 Mu\u0308ller", "\u0301leading mark", 'O\'Brien "Bob"', "100% {0} %s"],
    *["Lead Role", "Night JOB", "x position", "An Opening", "Role", "İstanbul ROLE", "None"],
    *["\\x00 0", "日本語の名前", "مرحبا بالعالم", "a\u00a0b", "😀", "—", "()", "..."],
]


# One per size, built once: hypothesis validates a strategy anew each time one is made, which
# was most of the time drawing a request took. The same strategy draws the same examples.
@cache
def hostile(max_size: int) -> st.SearchStrategy[str]:
    crafted = st.builds(
        lambda prefix, core, end: f"{prefix}{core}{end}",
        st.sampled_from(["", "", "Senior ", "x " * 60]),
        st.sampled_from(CORES),
        st.sampled_from(ENDINGS),
    )
    anything = st.text(
        alphabet=st.characters(exclude_categories=("Cs", "Cc", "Cf", "Cn")), min_size=1, max_size=40
    )
    # Long enough to leave parts out of the LinkedIn note, the voicemail and the subjects.
    long = st.integers(min_value=max_size // 2, max_value=max_size).map(
        lambda size: ("Principal Platform Engineer, Ünïcödé " * 20)[:size].strip()
    )
    return (
        st.one_of(crafted, crafted, anything, long)
        .map(lambda text: text[:max_size])
        .filter(lambda text: not text.isspace() and text != "")
    )


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def without_none(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


EMAILS = st.sampled_from(["a@b.co", "o'brien&co@x.example", 'a"b@c.de', "üser@exämple.com"])
PHONES = st.sampled_from(["+1 415 555 0100", "415.555.0100 ext. 12", "+44  20 7946 0958"])
OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))])


@st.composite
def requests(draw: st.DrawFn) -> DeclineRequest:
    interview = draw(
        maybe(st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=5)))
    )
    body = without_none(
        stage=draw(st.sampled_from(list(Stage))),
        tone=draw(maybe(st.sampled_from(list(Tone)))),
        role=draw(hostile(200)),
        company=draw(hostile(200)),
        candidate=without_none(
            name=draw(hostile(120)), email=draw(maybe(EMAILS)), phone=draw(maybe(PHONES))
        ),
        recipient=draw(
            maybe(st.builds(without_none, name=hostile(120), title=maybe(hostile(120))))
        ),
        reason=without_none(
            category=draw(st.sampled_from(list(ReasonCategory))), detail=draw(maybe(hostile(500)))
        ),
        preferred_role=draw(
            maybe(st.builds(without_none, title=hostile(200), note=maybe(hostile(200))))
        ),
        referral=draw(
            maybe(
                st.builds(
                    without_none,
                    name=maybe(hostile(120)),
                    email=maybe(EMAILS),
                    relationship=maybe(hostile(120)),
                    strengths=maybe(hostile(300)),
                    timing=maybe(st.sampled_from(["now", "later"])),
                )
            )
        ),
        relationship=draw(
            st.builds(
                without_none,
                keep_in_touch=maybe(st.booleans()),
                linkedin_connected=maybe(st.booleans()),
                common_ground=maybe(hostile(300)),
                company_news=maybe(hostile(300)),
            )
        ),
        interview_at=None if interview is None else (NOW + interview).astimezone(draw(OFFSETS)),
        channels=draw(st.lists(st.sampled_from(list(Channel)), unique=True)),
        linkedin_limit=draw(st.sampled_from([200, 300])),
        locale=draw(st.sampled_from(SUPPORTED_LOCALES)),
    )
    return DeclineRequest.model_validate(body)


CANDIDATES = ["Ana Ruiz", "Ben Okafor", "Chloé Martin", "Deepa Iyer", "Ethan Brooks"]
NAMES = [
    "Jordan Lee",
    "Rachel Kim",
    "Dr Priya Natarajan",
    "Tom Becker",
    "María José García",
    "Li Wei",
    "Sam O'Neill",
    "Ms Amara Okafor",
    "Kwame Mensah",
    "Zoë Laurent",
    "Dr. Elspeth MacGillivray-Hume PhD",
    "kelsey moreno",
]
REFERRALS = ["Hugo Lindqvist", "Grace Hopper", "Noor Haddad", "Mei Lin Tan", "Sam Okoro, CPA"]
ROLES = [
    "Senior Data Engineer",
    "Product Designer",
    "Head of Growth role",
    "Staff Engineer",
    "Marketing Manager position",
    "Account Executive",
    "Principal Research Scientist, NLP",
    "Associate, Investment Banking",
    "sr. ux designer",
]
COMPANIES = [
    "Acme Analytics",
    "Brightside",
    "Lumen Health",
    "Northwind & Co.",
    "Globex",
    "University of Toronto",
]
DETAILS = [
    "I want to lead a team in my next role.",
    "I've decided to stay closer to family",
    "The commute would be over two hours each way.",
    "I'm going back to school!",
    "tbh the commute would be like 2 hrs each way",
    "Over the course of our conversations it became clear that the role is weighted toward"
    " operational work, while my strengths lie in strategy, and I think you deserve someone"
    " who is excited about the operational side of things day to day, week to week.",
]
NEWS = [
    "the launch of your real-time analytics product",
    "your Series B",
    "the new office in Lisbon",
    "your team closed the Brightline refinancing last month",
    "just won the NHS contract",
]
COMMON = [
    "open-source data tooling",
    "our shared interest in accessible design",
    "trail running",
    "We both rowed at university.",
]
STRENGTHS = [
    "five years building streaming pipelines",
    "deep experience in B2B sales",
    "a great eye for typography",
    "a brilliant systems thinker",
    "building fast React interfaces",
    "led our move to Kubernetes",
    "strong operator with board-level experience",
]
RELATIONS = ["a former colleague", "my former manager", "a friend from university"]
PREFERRED = ["Engineering Manager, Data Platform", "Design Lead", "Head of Product"]


@st.composite
def realistic_requests(draw: st.DrawFn, now: datetime = NOW) -> DeclineRequest:
    """Requests as candidates send them: real names and titles, optional parts drawn freely."""
    interview = draw(
        maybe(
            st.sampled_from(
                [
                    timedelta(hours=-20),
                    timedelta(hours=3),
                    timedelta(hours=10),
                    timedelta(hours=30),
                    timedelta(hours=44),
                    timedelta(days=4),
                    timedelta(days=12),
                ]
            )
        )
    )
    referral = draw(
        maybe(
            st.builds(
                without_none,
                name=maybe(st.sampled_from(REFERRALS)),
                email=maybe(st.just("ref@example.com")),
                relationship=maybe(st.sampled_from(RELATIONS)),
                strengths=maybe(st.sampled_from(STRENGTHS)),
                timing=maybe(st.sampled_from(["now", "later"])),
            )
        )
    )
    body = without_none(
        stage=draw(st.sampled_from(list(Stage))),
        tone=draw(st.sampled_from(list(Tone))),
        role=draw(st.sampled_from(ROLES)),
        company=draw(st.sampled_from(COMPANIES)),
        candidate=without_none(
            name=draw(st.sampled_from(CANDIDATES)),
            email=draw(maybe(st.just("me@example.com"))),
            phone=draw(maybe(st.just("+1 415 555 0100"))),
        ),
        recipient=draw(
            maybe(
                st.builds(
                    without_none,
                    name=st.sampled_from(NAMES),
                    title=maybe(st.sampled_from(["Hiring Manager", "VP Engineering"])),
                    address_as=maybe(st.sampled_from(["Jo", "Dr Kim"])),
                )
            )
        ),
        reason=without_none(
            category=draw(st.sampled_from(list(ReasonCategory))),
            detail=draw(maybe(st.sampled_from(DETAILS))),
        ),
        preferred_role=draw(
            maybe(
                st.builds(
                    without_none,
                    title=st.sampled_from(PREFERRED),
                    note=maybe(
                        st.sampled_from(
                            ["a leadership role", "ideally remote", "if the team goes remote-first"]
                        )
                    ),
                )
            )
        ),
        referral=referral,
        relationship=draw(
            st.builds(
                without_none,
                keep_in_touch=maybe(st.booleans()),
                linkedin_connected=maybe(st.booleans()),
                common_ground=maybe(st.sampled_from(COMMON)),
                company_news=maybe(st.sampled_from(NEWS)),
            )
        ),
        interview_at=None
        if interview is None
        else (now + interview).astimezone(timezone(timedelta(hours=-5))),
        channels=draw(st.lists(st.sampled_from(list(Channel)), unique=True)),
        locale=draw(st.sampled_from(SUPPORTED_LOCALES)),
    )
    return DeclineRequest.model_validate(body)
