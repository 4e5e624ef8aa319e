"""How people type free text, read from its first words, so the wording around it fits.

Nothing here changes what someone meant. It decides which of our sentences carries their words
("Sam is a …" or "Sam has …"), drops a prefix our sentence already says ("Congratulations on
…" before "Congratulations on"), and gives a sentence its capital. Free text has no grammar we
can rely on, so each reader falls back to the form that suits the most inputs.
"""

import re
from itertools import pairwise


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# An escape ("\\w", "\\U0001F300"), whose letters are no literal's, or an inline flag group.
_ESCAPE = re.compile(r"\\(?:U[0-9A-F]{8}|u[0-9A-F]{4}|.)")
_INLINE_FLAGS = re.compile(r"\(\?[a-zA-Z-]+[:)]")


class Caseless:
    """A pattern found in any case.

    Most typed text is ASCII, and in ASCII text a case-insensitive search finds what a
    case-sensitive one finds in the text lowered, at the same places, when every letter of the
    pattern is in lowercase: that search is the one made, at a third of the cost (the readers
    search every decline's texts dozens of times). Other text gets the case-insensitive search
    itself. A pattern with a capital or a flag of its own could match otherwise, so it is
    refused here, at import."""

    __slots__ = ("_exact", "_ignoring", "pattern")

    def __init__(self, source: str) -> None:
        literal = _ESCAPE.sub("", source)
        if literal != literal.lower() or _INLINE_FLAGS.search(literal):
            raise ValueError(f"a caseless pattern is in lowercase, without flags: {source!r}")
        self.pattern = source
        self._exact, self._ignoring = re.compile(source), re.compile(source, re.IGNORECASE)

    def __call__(self, text: str) -> bool:
        """Whether the pattern occurs in `text`."""
        if text.isascii():
            return self._exact.search(text.lower()) is not None
        return self._ignoring.search(text) is not None

    def sub(self, replacement: str, text: str, count: int = 0) -> str:
        """re.sub with `replacement` as it is (no group in it: it could hold lowered text)."""
        if "\\" in replacement:
            raise ValueError(f"a caseless replacement is plain text: {replacement!r}")
        if not text.isascii():
            return self._ignoring.sub(replacement, text, count=count)
        pieces: list[str] = []
        end = 0
        for number, match in enumerate(self._exact.finditer(text.lower()), start=1):
            pieces += (text[end : match.start()], replacement)
            end = match.end()
            if number == count:
                break
        if not pieces:
            return text
        pieces.append(text[end:])
        return "".join(pieces)


def _without_end(text: str, marks: str) -> str:
    """The text without the marks it ends with, nor the space they leave ("your new office !"
    is "your new office"); the text as typed when nothing else is left. Every text is one
    clean line (facts.Facts refuses any other), so no space may be left at its end."""
    return text.rstrip(marks + " ") or text


# --- A referral's strengths -------------------------------------------------------------------

# The head noun of "a brilliant designer" is a kind of person: said with "is". Anything else a
# person has ("a great eye for type") is said with "has".
_PERSON_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent")
_PERSON_WORDS = _words(
    "lead coach expert professional hire person natural pro talent architect analyst generalist"
    " specialist all-rounder asset candidate colleague mentor fit choice listener collaborator"
    " polymath cpa cfa rn np pa md phd mba nurse chef medic paralegal"
)
_NOT_PEOPLE = _words(
    "number order matter career power answer layer filter letter center centre character temper"
    " humor humour flair judgment judgement commitment investment element moment component"
    " instinct ear eye background record knack gift feel head"
    # Not people either, though they end like them: "Water and Wastewater", "Cancer Centre".
    " water wastewater stormwater groundwater theatre theater shelter border river tower cancer"
    " winter summer corner charter quarter sector floor"
)
# Where the noun phrase ends: "a designer | with …", "a natural | at …".
_PHRASE_ENDS = _words(
    "with in who at for of from on and to that whose across when by about i we you've i've"
)
# "great at …", "fluent in …", "passionate about …": a quality, said with "is".
_QUALITY_BEFORE = _words("at with w/ about under")
_QUALITIES_IN = _words(
    "fluent experienced skilled proficient strong versed grounded trained certified qualified"
    " expert excellent great good brilliant superb outstanding exceptional deep immersed"
)
# Typed as what they did or do: "led our …", "has shipped …", "knows …".
_VERBS = _words(
    "has had is was knows knew led leads built builds ran runs shipped ships spent manages managed"
    " wrote writes designed designs founded launched created grew scaled owns owned speaks"
    " understands can does did worked works handles handled delivered delivers mentored mentors"
    " taught teaches holds held thrives excels loves cares combines turned turns made makes helped"
    " helps took takes kept keeps won wins brought brings"
)
# -ing words that describe rather than do: "outstanding judgement" is brought, not excelled at.
_ING_ADJECTIVES = _words(
    "outstanding amazing engaging interesting compelling caring winning working exciting striking"
    " thriving growing lasting rising demanding fascinating inspiring charming convincing"
    " encouraging refreshing reassuring exacting understanding leading cutting existing ongoing"
    " outgoing unflinching unwavering uncompromising booming dazzling astonishing disarming"
    " calming"
)
_DETERMINERS = _words(
    "the a an our their his her my two three four five several many multiple dozens teams over"
    " more its every"
)
# What someone brings rather than is strong in: "deep experience", "five years of Go".
_BROUGHT = _words(
    "strong deep excellent great solid proven extensive broad real rare natural exceptional"
    " outstanding impressive superb wide hands-on years decades plenty lots huge serious"
    " genuine"
)
_BROUGHT_HEADS = _words(
    "experience skills skill knowledge expertise background record eye ear sense understanding"
    " ability talent instinct instincts judgement judgment energy attitude passion focus voice"
    " mindset approach network track years"
)


_CREDENTIALS = _words(
    "licence license certificate certification qualification degree diploma accreditation"
    " ticket registration"
)


# How a skill is praised ("strong", "excellent"), and what an activity's name ends with
# ("modeling", "analysis", "management", "negotiation", "leadership").
_SKILLED = _words("strong excellent solid great superb outstanding exceptional")
_ACTIVITIES = ("ing", "ysis", "ment", "tion", "ship", "design")


# Heads that take "a" when typed bare: "strong teaching record", "good eye for detail".
_ONE_THING = _words(
    "record background eye ear sense understanding ability network mindset approach voice"
    " instinct knack gift reputation grasp feel talent"
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
    # "-ment" is a thing done ("contract management"), never a kind of person.
    return noun in _PERSON_WORDS or (
        noun.endswith(_PERSON_ENDINGS) and noun not in _NOT_PEOPLE and not noun.endswith("ment")
    )


_YEARS_OF = re.compile(
    r"^(\d+\+?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)"
    # "six years of Go and Postgres work on …" says what it is already: had as typed.
    r" (?:years|yrs) of (?!(?:\S+ ){0,4}work\b)(?=((?:\S+ ){0,5}experience\b)?)",
    re.IGNORECASE,
)


def strengths_of(strengths: str) -> str:
    """The strengths as they follow the referral's name: "she has shipped …" loses its "she",
    which our sentence has already said by naming her, and a bare list gets its "and"
    ("brand strategy, campaign planning and pricing")."""
    first, _, rest = strengths.partition(" ")
    if rest and first.lower() in ("she", "he"):
        strengths = rest
    # "ten years of CMC submissions" is had as "ten years' experience in" them.
    # "years of experience in X" and "years of fintech experience" say it already: "years'
    # experience in X", "years' fintech experience", never "experience in … experience".
    strengths = _YEARS_OF.sub(
        lambda match: f"{match[1]} years' {'' if match[2] else 'experience in '}",
        strengths,
        count=1,
    )
    if strengths.split(" ", 1)[0].lower() in _SENTENCE_STARTS:
        return as_sentence(strengths)
    # "hands-on AWS migrations" is hands-on experience with them: "has hands-on AWS
    # migrations" says they own the migrations.
    first, _, rest = strengths.partition(" ")
    if (
        first.lower() == "hands-on"
        and rest
        and not any(w in _SAID_AS_HAD for w in rest.lower().split())
    ):
        strengths = f"{first} experience with {rest}"
    # Not a sentence, it goes inside ours, which ends it: "… variance analysis skills."
    strengths = _without_end(strengths, ".") or strengths
    items = strengths.split(", ")
    listed = not strengths.lower().startswith(("a ", "an "))  # "a sharp, funny voice" is one
    if (
        listed
        and 1 < len(items) <= 6
        and " and " not in strengths
        and all(0 < len(item.split()) <= 4 for item in items)
    ):
        return f"{', '.join(items[:-1])} and {items[-1]}"
    return strengths


_RELATION_STARTS = _words("a an my our the his her their one someone")


def relationship_of(relationship: str) -> str:
    # "She reported to me at Sophos." after a name: "…, who reported to me at Sophos,".
    first, _, rest = relationship.partition(" ")
    if rest and first.lower() in ("she", "he"):
        return f"who {_without_end(rest, '.')}"
    return _with_article(relationship)


def _with_article(relationship: str) -> str:
    """Who the referral is to the candidate, as it follows their name: "former colleague at
    Unilever" becomes "my former colleague at Unilever"; "postdoc in my group" becomes "a
    postdoc in my group"; anything typed with its own article stays as it is."""
    first = relationship.split(" ", 1)[0]
    if first.lower() in _RELATION_STARTS or is_a_clause(relationship) or not first.islower():
        return relationship
    if " my " in f" {relationship} ":
        return f"{'an' if first[0] in 'aeiou' else 'a'} {relationship}"
    return f"my {relationship}"


_ADVERBS = _words("really very v extremely super incredibly exceptionally genuinely truly so")
_SENTENCE_STARTS = _words("her his their they she's he's they're i i've we we've")


_SPANS = _words("years yrs decades months summers seasons semesters terms")
_SPAN_WORDS = [[span] for span in sorted(_SPANS | {"decade", "year"})]
_ABOUT = _words("over nearly almost about around more than")
_SPENT_IN = _words("on in at with as across inside")
_NUMBERS = _words(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty many several"
)


_EXPERIENCE = _words("experience expertise skills knowledge")
# What "hands-on" already goes with ("hands-on experience", "hands-on skills").
_SAID_AS_HAD = _BROUGHT_HEADS | _EXPERIENCE
# Words that describe a person, typed first in a list of what they are: "fast, accurate, …".
_DESCRIPTIONS = _words(
    "fast accurate reliable organised organized calm patient friendly creative meticulous"
    " thorough dependable hardworking hard-working diligent kind warm sharp funny smart bright"
    " energetic passionate dedicated"
)
_CLAUSE_OPENERS = _words("he's she's they're he she they is has holds speaks knows")


def _ends_with_an_activity(words: list[str]) -> bool:
    """ "strong variance analysis", "fast, accurate line editing": a skill, named by what is
    done."""
    return len(words) > 1 and words[-1].endswith(_ACTIVITIES)


def strengths_as(strengths: str) -> str:
    """How to join a referral's strengths to their name: "is" ("a brilliant designer", "great
    with clients"), "is_a"/"is_an" ("strong operator"), "experience" ("building fast React
    apps", "covering medtech for eight years": "has experience covering …", which claims no
    more than was typed), "verb" ("led our move to Kubernetes"), "experience_in"
    ("distributed systems"), else
    "has"/"has_spent" ("ten years of Go", "five years building pipelines"), "has_skills"
    ("strong variance analysis": "has strong variance analysis skills"), "record"
    ("consistently closing deals": "has a track record of consistently closing …"), else "has"
    ("a great eye for type"), which suits any noun phrase; or
    "sentence" ("Her design work is excellent"), which stands on its own."""
    # A word of punctuation alone ("… five years") is no word: nothing to read it by.
    stripped = (word.strip(",;:.'’").lower() for word in strengths_of(strengths).split())
    words = [word for word in stripped if word]
    # "an" or "a" goes before what was typed: "a very experienced engineer".
    vowel = bool(words) and words[0][0] in "aeiou"
    while len(words) > 1 and words[0] in _ADVERBS:  # "really good with …" reads as "good with"
        words = words[1:]
    if not words:
        return "has"
    first = words[0]
    if first in _SENTENCE_STARTS:
        return "sentence"  # "Her design work is excellent": said after the name, on its own
    second = words[1] if len(words) > 1 else ""
    if first in ("a", "an"):
        return "is" if _is_a_person(_head(words[1:])) else "has"
    if first in _VERBS or (first.endswith("ed") and (second in _DETERMINERS or second.isdigit())):
        return "verb"
    if first.endswith("ly") and len(second) > 4 and second.endswith("ing"):
        # "consistently closing deals above quota": what they keep doing is their record.
        return "record"
    if second in _QUALITY_BEFORE or (second == "in" and first in _QUALITIES_IN):
        return "is"  # "brilliant at visual design": before "brilliant" passes for a person
    # "over a decade running …", "nearly ten years in …": the span comes a word or two later.
    at = 1 if first[0].isdigit() or first in _NUMBERS else 0
    if first in _ABOUT:
        at = next((index for index in (1, 2, 3) if words[index : index + 1] in _SPAN_WORDS), 0)
    if at and words[at : at + 1] in _SPAN_WORDS:
        after = words[at + 1] if len(words) > at + 1 else ""
        # Time spent somewhere or doing something ("three years on a busy ward", "in audit",
        # "building pipelines"); time "of" something is had ("ten years of Go").
        spent = (len(after) > 4 and after.endswith("ing")) or after in _SPENT_IN
        # "… as a coach and a strong record with new teachers", "… in family practice and
        # fluent Spanish": time spent and something else are brought together, not both spent.
        if spent and "and" in words[at + 2 :]:
            # "… fit-outs and he's fully gas safe registered" (a clause about them), "… as a
            # coach and a strong record" (a second thing): had with the years. "… leading motor
            # and property claims teams" is one thing, the years spent on it.
            after_and = words[words.index("and", at + 2) + 1 :][:1]
            if after_and and after_and[0] in _CLAUSE_OPENERS | _DETERMINERS | _QUALITIES_IN:
                return "has"
        return "has_spent" if spent else "has"
    if any(word in _CREDENTIALS for word in words[:3]) and not first.endswith("ing"):
        # "B1 licence on the Boeing 737": a credential, had as one.
        return "has_an" if _takes_an(strengths.lstrip()) else "has_a"
    head = _head(words)
    if _is_a_person(head):
        # "strong operator with board-level experience": a kind of person typed without "a".
        return "is_an" if vowel else "is_a"
    hyphenated = "-" in first or first.startswith("un")
    # "Leaving Cert higher-level maths experience": experience typed as such is brought, and a
    # capital says "Leaving" is a name, not something done.
    if any(word in _EXPERIENCE for word in words[1:]):
        # "teaching experience in corpus methods": never "has experience teaching experience".
        return "has"
    if first in _DESCRIPTIONS:  # "fast, accurate, and great with CMS tools"
        # "fast, accurate line editing" describes a skill, not the person: "has … skills".
        if _ends_with_an_activity(words) and not any(w in _QUALITY_BEFORE for w in words):
            return "has_skills"
        return "is"
    named = strengths.lstrip()[:1].isupper()
    if (
        len(first) > 4
        and first.endswith("ing")
        and (first not in _ING_ADJECTIVES or second in _DETERMINERS)
        and not hyphenated
        and not named
    ):
        return "experience"  # "leading our Year 11 programme": done, however it reads alone
    if head in _ONE_THING and first not in _DETERMINERS and first != "years":
        # "strong teaching record" is something one has one of: "has a strong …".
        return "has_an" if vowel else "has_a"
    # Time is had ("ten years of Go", "10 yrs on commercial sites"), or spent doing something
    # ("five years building pipelines").
    last = words[-1]
    if first in _SKILLED and _ends_with_an_activity(words):
        # "strong modeling and variance analysis" is a skill, had as one: "has strong …
        # analysis skills", never "has strong analysis".
        return "has_skills"
    if first in _BROUGHT or first[0].isdigit() or first in _NUMBERS or head in _BROUGHT_HEADS:
        return "has"
    if last in _BROUGHT_HEADS and len(words) > 1:  # "Six Sigma and PPAP experience"
        return "has"
    # A field of work, typed bare: "distributed systems and on-call leadership".
    return "experience_in"


# --- A sentence about the two of them ---------------------------------------------------------

_CLAUSE_STARTS = _words("we we're we've we'd both you you're i i'm")


def is_a_clause(text: str) -> bool:
    """Typed as a sentence about the two of them: "we both rowed at university"."""
    return text.split(" ", 1)[0].lower().strip(",") in _CLAUSE_STARTS


# Words whose capital only marks the start of a sentence; a name ("Quantis") keeps its own.
_LOWERED = _words("we we're we've we'd both you you're you've they they've it its our the my your")


def as_clause(text: str) -> str:
    """A clause to follow "how" or "that": its sentence capital and full stop left off, and
    the "we" that "both went to McGill" leaves out."""
    clause = _without_end(text, ".!")
    first = clause.split(" ", 1)[0]
    if first.lower() in _LOWERED:
        clause = clause[0].lower() + clause[1:]
    return (
        f"we {clause}" if first.lower() == "both" and not clause.startswith("both of") else clause
    )


# --- Common ground -----------------------------------------------------------------------------

# How people type common ground as a phrase rather than a topic; templates say it their way.
_SHARED = re.compile(
    r"^(?:(?:our|a|the) )?(?:(?:shared|mutual|common) )?(?:interest|passion|love) (?:in|for|of) ",
    re.IGNORECASE,
)


# Typed as a note to oneself rather than something to say: "love the campaign you guys did!!",
# "seahawks fans lol".
_note = Caseless(r"!|\b(lol|haha|lmao|omg|tbh|you guys)\b|[\U0001F300-\U0001FAFF]")


_THE_FACT = re.compile(r"^the fact that ", re.IGNORECASE)


def common_as(common_ground: str) -> str:
    """'note' (typed as a note to oneself, not drafted into a letter), 'topic' ("open-source
    data tooling", "our shared interest in rare disease research"), 'pastime' ("trail
    running", "our shared love of jazz"), 'clause' ("we both rowed at university"), or
    'thing': something they share that is not an interest ("our mutual
    friend Bongani", "the 2023 flood response"), which a check-in thinks about."""
    if _note(common_ground):
        return "note"
    if is_a_clause(_THE_FACT.sub("", common_ground, count=1)):
        return "clause"
    if _SHARED.match(common_ground) is None and common_ground.lower().startswith(("our ", "the ")):
        return "thing"
    if _SHARED.sub("", common_ground, count=1).lower().startswith("the "):
        return "thing"  # "our shared love of the Pondoland coastline": a place, not a field
    # "Boston College alumni events", "Atlanta Legal Aid volunteering": somewhere they both
    # belong, which has no "latest developments" to ask their thoughts on.
    if any(word.lower().strip(",.") in _AFFILIATIONS for word in common_ground.split(" ")):
        return "thing"
    # "fell running", "beer-league hockey": something done for its own sake, which no one has
    # "latest thoughts on" or "swaps notes on"; a check-in hopes they still find time for it.
    if _pastime(_without_end(_SHARED.sub("", common_ground, count=1), ".!")):
        return "pastime"
    return "topic"


_pastime = Caseless(
    r"(?:^|[\s-])(?:running|marathons?|triathlons?|parkrun|cycling|climbing|bouldering|hiking"
    r"|tramping|bushwalking|hillwalking|walking|surfing|lifesaving|swimming|rowing|sailing"
    r"|kayaking|canoeing|paddling|skiing|snowboarding|golf|tennis|squash|badminton|padel"
    r"|football|soccer|rugby|cricket|hockey|netball|basketball|baseball|softball|volleyball"
    r"|yoga|pilates|crossfit|chess|choir|singing|guitar|piano|photography|baking|gardening"
    r"|birdwatching|birding|fishing|fly-fishing|camping|knitting|pottery|woodworking|dancing"
    r"|salsa|diving|scuba|biking|mountaineering|martial arts|karate|judo|boxing|jazz|cooking)$"
)


_AFFILIATIONS = _words(
    "alumni alumnae alum alums volunteering volunteer volunteers club society association"
    " chapter choir church congregation league cohort bootcamp meetup meetups"
)


_TOPIC_DETERMINERS = _words("the a an our my your their his her its this that these those")


def topic_of(common_ground: str) -> str:
    """'open-source data tooling' from 'our shared interest in open-source data tooling', and
    'we both rowed at university' from 'We both rowed at university.'"""
    clause = _THE_FACT.sub("", common_ground, count=1)  # "how" says it: "how we both …"
    if is_a_clause(clause):
        # "we both presented at ASHG last year" is read months later, when "last year" is wrong.
        return as_clause(_STALE_END.sub("", clause) or clause)
    topic = _SHARED.sub("", common_ground, count=1)
    # "our shared time at Trinity" is had "in common" already: "our time at Trinity".
    topic = re.sub(r"^our shared (?=\w)", "our ", topic, count=1, flags=re.IGNORECASE)
    words = topic.split(" ")
    # "health economics of social care" is one thing: "the health economics of social care".
    if " of " in topic and words[0].islower() and words[0] not in _TOPIC_DETERMINERS:
        topic = f"the {topic}"
    return topic or common_ground


# --- Company news ------------------------------------------------------------------------------

_CONGRATULATIONS = re.compile(r"^(?:congratulations|congrats)(?: on| for)?[ ,!:]+", re.IGNORECASE)
_CONGRATULATIONS_AFTER = Caseless(r"[\s,;.!—-]+\(?(?:congratulations|congrats)[\s!.]*\)?$")
# "I saw on LinkedIn that you won …": where they saw it goes with the seeing.
_SAW = re.compile(
    r"^(?:i )?(?:saw|heard|read|noticed|spotted)"
    r"(?: (?:on|in|via|through|from)(?: \S+){1,4}?(?= that | about ))?(?: that| about)? ",
    re.IGNORECASE,
)
_NEWS_NOUN_STARTS = _words("the your a an their its this our")
_NEWS_VERBS = _words(
    "launched opened closed raised announced won acquired released hired expanded moved signed"
    " joined became was were has have is are just recently landed secured completed published"
    " merged went reached passed started finished introduced unveiled shipped debuted"
    " will goes opens launches plans"
)
# News still to come when typed ("the new clinic goes live next autumn", "you'll open in
# Leeds"): months later it may or may not have happened, so it is asked about, never
# congratulated as done.
# Its verb, where there is one, makes the news a clause: "the lab's new grant starts next year".
_AHEAD_VERB = (
    r"\b(?:will|going to|plan(?:s|ning)? to|set to|about to|due to|goes live|go live|opens"
    r"|launches|starts|begins|kicks off"
    r"|(?:is|are) (?:opening|launching|moving|expanding|building|going|starting))\b|\w(?:'|’)ll\b"
)
_ahead_is_a_clause = Caseless(_AHEAD_VERB)
_ahead = Caseless(
    _AHEAD_VERB + r"|\b(?:next (?:week|month|year|spring|summer|autumn|fall|winter|quarter"
    r"|season)|later this (?:year|month)|coming soon|upcoming|forthcoming"
    r"|(?:opening|launching|starting) (?:in|on|next|this|later|soon)"
    r"|in (?:the )?(?:spring|summer|autumn|fall|winter|new year)"
    # Under way, not achieved: "the Broadway Plan public consultation" is followed with
    # interest; congratulating a consultation or a restructure reads as sarcasm.
    r"|consultation|inquiry|enquiry|pilot|merger|review of"
    r"|(?:plan|policy|strategic|independent|public|district|annual|spending) review"
    # "ERO review", "Ofsted inspection": an assessment, whose outcome is not typed.
    r"|(?:review|inspection|audit)$)\b"
)


def news_is_ahead(news: str) -> bool:
    return _ahead(news)


# Hard news for the people there: a check-in that brings up "the restructure of your
# Northern teams" or the layoffs reads as tactless, whatever it says about it.
_hard_news = Caseless(
    r"\b(?:restructur|reorgani[sz]|layoff|laid off|lay-off|redundanc|job cuts|cuts to|closure"
    r"|closing down|shut(?:ting)? down|into administration|insolven|bankrupt|lawsuit|recall"
    r"|data breach|breach|investigation|scandal|fine[ds]? by|strike)"
)


def news_is_hard(news: str) -> bool:
    return _hard_news(news)


# Words that date the news to when it was typed ("last month", "just"): a check-in goes out
# months later, when they would be wrong.
_STALE_END = Caseless(
    r",?\s+(?:(?:last|this|past) (?:week|month|year|quarter|spring|summer|fall|autumn|winter)"
    r"|earlier (?:today|this (?:week|month|year|spring|summer|fall|autumn|winter))"
    r"|(?:a (?:few|couple of) )?(?:days|weeks) ago"
    r"|yesterday|today|this morning|recently)[.!]*$"
)
# "your upcoming season opener" has opened, and "your recent win" is old news, by the time a
# check-in says so.
_STALE_FUTURE = Caseless(r"\b(?:upcoming|forthcoming|recent) (?=\w)")
_STALE_ADVERB = Caseless(r"(?<=\w) (?:just|recently) (?=\w)")
_STALE_START = re.compile(r"^(?:just|recently) (?=\w)", re.IGNORECASE)
# Modifiers that make a past participle describe a noun ("the newly opened office"), not say
# what happened.
_PARTICIPLE_BEFORE = _words("newly recently just soon-to-be")


def _undated(news: str) -> str:
    news = _CONGRATULATIONS.sub("", news, count=1) or news
    # "saw you won a D&AD pencil, congrats": our sentence already says both.
    news = _SAW.sub("", _CONGRATULATIONS_AFTER.sub("", news), count=1) or news
    news = _STALE_FUTURE.sub("", news) or news
    return _STALE_END.sub("", news) or news


def read_news(news: str, company: str) -> tuple[str, bool, bool]:
    """news_of(news, company), news_is_a_clause(news) and news_is_ahead(news), reading what
    the news says without its date once for both."""
    undated = _undated(news)
    return _news_undated(undated, company), _is_a_clause(news, undated), news_is_ahead(news)


def news_of(news: str, company: str) -> str:
    """The news without a "Congratulations on" our sentences already say, as a clause when it
    was typed as one ("you opened a second clinic"), with the company as its subject when it
    was typed without one ("just won the NHS contract"), and without the words that date it."""
    return _news_undated(_undated(news), company)


def _news_undated(news: str, company: str) -> str:
    news = _YOU_GUYS.sub("you", news)  # "you guys", to a tax partner, is "you"
    first, space, rest = news.partition(" ")
    # "they just opened a depot", typed about them, is said to them: "you just opened …".
    said_to = _SAID_TO_THEM.get(first.lower())
    if first.lower() == "you" and rest.split(" ", 1)[0].lower() in _GERUNDS:
        news = f"your {rest}"  # "you opening the new store": their opening of it
    elif said_to and rest:
        news = f"{said_to}{space}{rest}"
    elif first.lower() in _GERUNDS and rest:
        news = f"{company} {news}"  # "winning the WWF grant": the Trust winning it
    if news.startswith("new "):  # "new branch opening in Halifax"
        news = f"the {news}"
    if news_is_a_clause(news):
        # "just won …": in a clause it dates the news; before a noun it describes it.
        news = _STALE_START.sub("", _STALE_ADVERB.sub(" ", news)) or news
        if news.split(" ", 1)[0].lower() in _NEWS_VERBS:
            return f"{company} {news}"
        return as_clause(news)
    # A noun phrase goes mid-sentence: "The new lab building." reads "the new lab building".
    news = _without_end(news, ".!")
    # "your partnership announced last month", its date gone, leaves "announced" hanging.
    head, _, last = news.rpartition(" ")
    # …but "the season line-up you announced" says who: without its verb it would end "you".
    said_by = head.rsplit(" ", 1)[-1].lower() in ("you", "we", "they", "i")
    if head and last.lower() in _NEWS_VERBS and not said_by:
        news = head
    first = news.split(" ", 1)[0]
    return news[0].lower() + news[1:] if first in ("The", "Your", "Our", "Its", "Their") else news


_YOU_GUYS = Caseless(r"\byou guys\b")
_CLAUSE_SUBJECTS = _words("you you've you're you'll they they've they're they'll we we're we'll")
_SAID_TO_THEM = {
    "they": "you",
    "they've": "you've",
    "they're": "you're",
    "they'll": "you'll",
    "their": "your",
    "ye": "you",  # Irish English
}
# News typed as what they did, without who did it: "winning the WWF grant".
_GERUNDS = _words(
    "winning opening launching raising acquiring expanding hitting reaching securing landing"
    " signing joining moving celebrating completing releasing publishing unveiling hiring"
    " being getting"
)


def news_is_a_clause(news: str) -> bool:
    """ "Quantis just launched payouts" and "your team closed the Brightline deal" are said with
    "I saw that"; "the launch of payouts" (a noun phrase) with "I saw the news about"."""
    return _is_a_clause(news, _undated(news))


def _is_a_clause(news: str, undated: str) -> bool:
    words = [word.lower() for word in undated.split()]
    if not words:
        return False
    if words[0] in _NEWS_NOUN_STARTS and any(word in _CLAUSE_SUBJECTS for word in words[1:5]):
        # "the new centre you are opening in Hamilton": what they are doing describes the
        # thing the news is about, as a noun phrase does.
        return False
    if _ahead_is_a_clause(news):
        return True
    if words[0] in _NEWS_NOUN_STARTS:
        # "your team closed …", "the new office opened …": a short subject, then what it did;
        # "the newly opened office" only describes it.
        return any(
            word in _NEWS_VERBS
            and word not in ("just", "recently")
            and words[index - 1] not in _PARTICIPLE_BEFORE
            and words[index - 1] not in _NEWS_NOUN_STARTS
            for index, word in enumerate(words[1:4], start=1)
        )
    return words[0] in _CLAUSE_SUBJECTS or any(word in _NEWS_VERBS for word in words[:4])


# --- The reason in the candidate's words --------------------------------------------------------


def as_sentence(text: str) -> str:
    """Typed text that starts one of our sentences, with its first letter a capital."""
    return text[0].upper() + text[1:] if text[0].islower() else text


_apology = Caseless(r"\b(sorry|apologi[sz]e|apologies)\b")
# "decided", or says how hard deciding was ("a really tough call"): ours then says neither.
_decided = Caseless(r"\b(decided|decision|decide|(?:tough|hard|difficult) (?:call|choice))\b")


_when = Caseless(
    r"\b(?:yesterday|last (?:night|week)|this morning|earlier today|(?:days|a few days) ago)\b"
)


# A reason that finds fault with the employer, its people or its process ("the process felt
# really disorganised and the team seemed overworked"): a coach would never send it in a
# decline, which is remembered long after the reason is forgotten.
_criticism = Caseless(
    r"\b(?:disorgani[sz]|overwork|understaff|toxic|chaotic|unprofessional|rude\b|disrespect"
    r"|micro-?manag|dismissive|condescending|arrogant|hostile|low-?ball|insulting|ghosted"
    r"|disappointing|unimpressed|not impressed|terrible|awful|horrible|mismanag|incompeten"
    r"|(?:poorly|badly) (?:run|managed|organi[sz]ed|handled|communicated)"
    r"|high (?:staff )?turnover|unethical|shady|sketchy|sexis|racis|discriminat|bull(?:y|ied)"
    r"|(?:poor|bad|no|lack of|zero) (?:communication|management|leadership|respect|work-life)"
    r"|(?:didn't|did not|don't|do not|didn’t|don’t) (?:like|trust|respect) (?:the|your|how)"
    r"|red flags?\b|a mess\b|a joke\b|ridiculous|unreasonable|exploitative|underpa(?:y|id)"
    r"|(?:was|were|seemed|felt|is|are) (?:really |very |quite |so |a bit |pretty )?"
    r"(?:unclear|slow|rushed|cold|negative|stressed|burnt out|burned out|stressful|off-putting))"
)


def criticises(text: str) -> bool:
    return _criticism(text)


def says_when(text: str) -> bool:
    """ "I accepted another offer yesterday morning": the reason dates the decision."""
    return _when(text)


# A reason that already says what our pleasantries would: "I really enjoyed meeting the
# team", "I hope you understand".
_enjoyed = Caseless(r"\b(enjoyed|enjoy|pleasure|loved (meeting|getting to know))\b")
_understanding = Caseless(r"\b(understand|understanding)\b")


_in_touch = Caseless(r"\b(in touch|in contact|cross paths|paths cross)\b")


def keeps_in_touch(text: str) -> bool:
    return _in_touch(text)


def says_enjoyed(text: str) -> bool:
    return _enjoyed(text)


def asks_understanding(text: str) -> bool:
    return _understanding(text)


def apologises(text: str) -> bool:
    return _apology(text)


# "… sorry for the short notice": the notice is apologised for already; a bare "sorry" is not.
_the_notice = Caseless(r"\b(?:notice|last[- ]minute|so late|this late|late in the day)\b")


def mentions_the_notice(text: str) -> bool:
    return _the_notice(text)


_the_interview = Caseless(r"\binterview")


def names_the_interview(text: str) -> bool:
    return _the_interview(text)


def says_decided(text: str) -> bool:
    return _decided(text)


# "My employer offered me a promotion, so I'm staying": no later start date would change it.
_stays = Caseless(
    r"\b(?:promot|counter-?offer|stay(?:ing)? (?:on\b|put\b|in my|at my|with my|where)"
    r"|decided to stay|remain(?:ing)? (?:in|at|with) my"
    r"|current (?:role|job|employer|post|position))"
)


def stays_put(text: str) -> bool:
    return _stays(text)


# "I've accepted an offer closer to home": beside it, ours says "decline", not "the offer".
_offer = Caseless(r"\boffer")


def says_offer(text: str) -> bool:
    return _offer(text)


# "I need to step back from my search": ours then says "withdrawing", not "stepping back".
_steps_back = Caseless(r"\bstep(?:s|ping|ped)? (?:back|away)\b")


def steps_back(text: str) -> bool:
    return _steps_back(text)


# "After speaking with you, …": the reason says they met, so the interview took place.
_met_them = Caseless(
    r"\b(?:after (?:speaking|talking|meeting|chatting) (?:with|to) you|after (?:our|the|my)"
    r" (?:interview|conversation|chat|call|meeting)|(?:enjoyed|thank you for|thanks for)"
    r" (?:meeting|speaking|talking|our (?:interview|conversation|chat))|when we (?:met|spoke)"
    r"|having (?:met|spoken)|(?:met|spoke) (?:with )?you (?:yesterday|on|last|this))"
)


def says_they_met(text: str) -> bool:
    return _met_them(text)


def opens_with_after(text: str) -> bool:
    return text.lower().startswith("after ")


# --- Employers and people -----------------------------------------------------------------------

# Names that take "the" in a sentence: "at the University of Toronto", "the Department for
# Education", "the Allen Institute"; but
# "at Bank of America", "at Manchester City Council", "at Harvard University"; and a clinic
# goes either way ("the Mayo Clinic", "Ruby Hall Clinic"), so as typed.
_THE_BEFORE_OF = _words(
    "university institute ministry department office museum college school council city state"
    " county province government library academy society commonwealth board royal court house"
    " bureau foundation agency commission authority trust association federation centre center"
    " borough institut universidad université universite dept dept. municipality region"
    " district shire parish town village township"
)
_THE_AT_END = _words(
    "foundation institute museum society library orchestra observatory laboratory philharmonic"
    " infirmary agency authority commission trust organisation organization fund district"
    " board hotel administration office club corporation service gallery constabulary"
    " commissioners executive"
)
# A university named after its place first is said without "the": "at Delft University of
# Technology", but "at the University of Toronto".
_NAMED_FIRST = _words("university universidad université universite college")
# What joins the body to what it serves: "of", "for", and French or Spanish "de".
_OF = _words("of for de du des für fur")


# What registers a company, which no one says before "team": "Kiwi Build Ltd", "Acme, Inc.".
_LEGAL_SUFFIX = re.compile(
    r",?\s+(?:\(?pty\)?\.?(?: ltd\.?)?|pte\.?(?: ltd\.?)?|sdn\.? bhd\.?|ltd\.?|limited|inc\.?"
    r"|llc|l\.l\.c\.|llp|pllc|p\.c\.|plc|pvt\.? ltd\.?"
    r"|private limited|gmbh(?: & co\.? kg)?|co\.? kg|kg|ag|s\.a\.|s\.a\.s\.?|sarl|s\.r\.l\.|b\.v\."
    r"|n\.v\.|a/s|asa|oy|oyj|clg|dac|unlimited company|sas|sa|srl|s\.p\.a\.|bv|nv|ab|aps"
    r"|(?-i:SpA|SPA)"  # never "Resort & Spa"
    r"|ltda\.?|sp\. z o\.o\.|soc|mbb|partg|partg mbb|e\.v\.|ggmbh|kgaa|se|s\.l\.|n\.a\.)$",
    re.IGNORECASE,
)
# What follows an employer's name in a directory, not in a sentence: "Maison Lefèvre (UK)",
# "P. J. O'Rourke & Sons (Plumbing, Heating & Gas)", "… Care Board — Community Services".
_NAME_AFTERWORD = re.compile(r"\s+(?:(?:[-–—|]|--)\s.*|\([^()]*\))$")


def is_long_name(name: str) -> bool:
    """Too long, or too punctuated, to say before "team": "Northern Sydney Local Health
    District", "SPAR (Pty) Ltd – Rondebosch"."""
    return len(name.split()) > 3 or any(mark in name for mark in "()–—/,;:")


def without_legal_suffix(name: str) -> str:
    """ "Kiwi Build Ltd" as its people say it before "team": "Kiwi Build", without the aside
    or the department after it ("Maison Lefèvre (UK)", "… Board — Community Services")."""
    name = _MARKS.sub("", name) or name
    while True:
        shorter = _NAME_AFTERWORD.sub("", _LEGAL_SUFFIX.sub("", name)).strip()
        if not shorter or shorter == name:
            return name
        name = shorter


def in_prose(name: str) -> str:
    """An employer's name as it reads after "at" or "about": "the University of Toronto", and
    "Acme Corp" for "Acme Corp, Inc.": a legal suffix is for contracts, not for letters."""
    name = without_legal_suffix(name)
    # "NSW Health, South Eastern Sydney Local Health District": the body that takes "the" (or
    # not) is the one named first; what follows the comma is part of it.
    words = name.split(",", 1)[0].split(" ")
    if words[0] == "The" and len(words) > 1 and words[1].lower() in _THE_BEFORE_OF:
        return f"the {name[4:]}"  # "at the University of Melbourne", mid-sentence
    if words[0].lower() == "the" or len(words) < 2:
        return name
    # "Leibniz-Institut für …": the body may be the end of a compound.
    lower = [word.lower().rsplit("-", 1)[-1] for word in words[:4]]
    # The body may follow a country or a field: "the U.S. Department of Transportation", "the
    # Public Health Foundation of India".
    body = any(
        word in _THE_BEFORE_OF and following in _OF and (at == 0 or word not in _NAMED_FIRST)
        for at, (word, following) in enumerate(pairwise(lower))
    )
    # "St Aldhelm's Hospital NHS Foundation Trust", "Guy's and St Thomas'": a name that is
    # someone's takes no "the".
    possessive = any(word.endswith(("'s", "’s", "s'", "s’")) for word in words)
    if (body or words[-1].lower() in _THE_AT_END) and not possessive:
        return f"the {name}"
    return name


# Titles a company has one of: asked of the person who holds one, the better-fit role would
# be their job. "Engineering Manager" is one of many, and fine to ask an engineering manager.
_ONE_OF_A_KIND = re.compile(
    r"^(?:chief\b|head of\b|(?:senior |executive )?vice president\b|svp\b|evp\b|vp\b|president\b"
    r"|(?:co-?)?founder\b|owner\b|managing director\b|general manager\b|(?:school )?principal$"
    r"|headteacher\b|head teacher\b|c[a-z]o$)",
    re.IGNORECASE,
)


def is_one_of_a_kind(title: str) -> bool:
    return _ONE_OF_A_KIND.match(title.strip()) is not None


# A recipient "name" that is a group, not a person: "Recruiting Team", "HR", "Talent".
_GROUPS = _words(
    "team recruiting recruitment hiring talent hr careers department personnel acquisition"
    " resources recruiter panel committee"
)


def is_a_group(name: str) -> bool:
    return any(word.lower().strip(".,") in _GROUPS for word in name.split(" "))


# Words of a group's name that name no one in particular: "Hiring Team", "HR Department".
# "Hiring Manager" typed as a name is the job of whoever reads it: no one in particular.
_ANY_GROUP = _GROUPS | _words(
    "the acquisition department dept people human resources & and manager interview selection"
    " search"
)


def is_any_team(name: str) -> bool:
    """ "Hiring Team", "Talent Acquisition": greeted as the employer's team, as when no one
    is named ("Hi Acme team,"), not by a name that reads as a blank left unfilled."""
    return all(word.lower().strip(".,") in _ANY_GROUP for word in name.split(" "))


# Courtesy titles in front of a name: "Dr Jordan Lee" is addressed as "Dr Lee", never as "Dr",
# and says "Jordan Lee" of themselves on the phone.
COURTESY_TITLES = _words(
    "dr dr. mr mr. mrs mrs. ms ms. mx mx. prof prof. professor sir adv adv. cllr cllr. councillor"
    " rev rev. sister fr fr. father"
    " hon hon. eng eng. chief engr engr. alhaji alhaja m. mme mme. mlle mlle."
)
# Ranks someone is addressed by, said in full ("Det. Insp. Mark Holloway" is "Detective
# Inspector Holloway"): the police's, the armed forces', a ship's.
RANKS = {
    **{
        rank: rank.capitalize()
        for rank in [
            "detective",
            "chief",  # "Chief Inspector Helen Price" is "Chief Inspector Price"
            "inspector",
            "sergeant",
            "constable",
            "superintendent",
            "captain",
            "lieutenant",
            "colonel",
            "major",
            "commander",
            "admiral",
            "commodore",
            "brigadier",
            "corporal",
        ]
    },
    "det.": "Detective",
    "det": "Detective",
    "insp.": "Inspector",
    "insp": "Inspector",
    "sgt.": "Sergeant",
    "sgt": "Sergeant",
    "supt.": "Superintendent",
    "supt": "Superintendent",
    "const.": "Constable",
    "capt.": "Captain",
    "capt": "Captain",
    "lt.": "Lieutenant",
    "lt": "Lieutenant",
    "col.": "Colonel",
    "maj.": "Major",
    "cmdr.": "Commander",
    "cdr.": "Commander",
    "cpl.": "Corporal",
}


# What makes "Hi …" the wrong register: those, and titles people are addressed by but that are
# too rare to strip from a name ("Dear Herr Müller", never "Hi Herr Müller").
HONORIFICS = (
    COURTESY_TITLES
    | _words(
        "professor dame lord lady herr frau monsieur madame señor señora sr sr. sra sra."
        " signor signora dott. ing. judge rev rev. father adv adv. advocate councillor cllr cllr."
        " hon hon. justice rabbi imam pastor chief alhaji alhaja sheikh engr engr."
    )
    | {rank.lower() for rank in RANKS.values()}
)


# Letters after a name ("Elspeth MacGillivray-Hume PhD", "Sam Okoro, CPA"), which no one is
# greeted or called by, and which a letter is not signed with.
_LETTERS = _words(
    "phd ph.d. dphil md m.d. mba msc ma bsc ba jd cpa cfa pe pmp rn esq esq. obe mbe cbe frcs"
    " frcp facs dds dmd do mph sc qc kc llb llm acca mrcp mrcgp frca ebs mbs ogw cbs egh ca ca(sa)"
    " facp beng meng ceng ieng bsn msn np fnp aprn lcsw lpc cissp sphr phr shrm-cp shrm-scp pgce"
    " qts rgn rmn bn mbbs bds mrcs frsa fca aca cima cipd mcipd hons (hons) dipl mcsp cpsychol"
    " frics mrics miei fiei mice fice miet fiet mimeche cphys cchem mrsc frsc ma(hons) bsc(hons)"
    # Australian honours and colleges: "Alistair Fenwick-Hughes AM CSC", "Helen Xu FACN".
    " oam csc dsc psm apm facn facem fracgp fanzca fracs fracp dnp dnsc edd psyd"
)
# Letters that are also surnames ("Ao") or words: letters only when typed in capitals.
_LETTERS_IN_CAPITALS = frozenset({"AM", "AO", "AC"})
# What else a run of letters after a name looks like: "FIEI", "MIEI/FIEI", "BEng", "(Hons)".
_CREDENTIAL_SHAPE = re.compile(r"\(?[A-Z][A-Za-z]{0,6}[A-Z][A-Za-z]?\)?(?:/[A-Z][A-Za-z]*)*\.?")
# A generation is part of the name its owner signs ("Michael Anderson III"), though no one is
# greeted by it.
_GENERATIONS = _words("jr jr. sr sr. ii iii iv")
_POST_NOMINALS = _LETTERS | _GENERATIONS
# Words of a name that stay lowercase when the rest is given capitals: "Maria de la Cruz".
_PARTICLES = _words(
    "de la del der den van von da di du le bin binti binte bte bint al el y e ter ten op het zu"
    " dos das do"
)


# A role typed after a name: "Mrs Janet Lowe (Headteacher)" is greeted "Mrs Lowe".
_NAME_ASIDE = re.compile(r"\S\s+\([^()]*\)$")


def without_post_nominals(name: str, *, keep_generation: bool = False) -> str:
    """The name without the letters or the role after it; `keep_generation` keeps what is
    signed with it ("III", "(she/her)")."""
    if not keep_generation and name.endswith(")"):
        aside = _NAME_ASIDE.search(name)
        if aside is not None:
            name = name[: aside.start() + 1]
    if "," not in name and not _is_letters(name.rsplit(" ", 1)[-1]):
        return name  # most names: nothing after the surname (the run below would be empty)
    dropped = _LETTERS if keep_generation else _POST_NOMINALS
    # After a comma, a name has only letters and a generation ("Patricia Nguyen-Alvarez, MD,
    # FACP"); without one, a run of capitals counts as letters from the first that is known
    # ("O'Connell-Murphy BEng CEng MIEI"), so a surname typed in capitals ("Jordan LEE") stays.
    head, comma, tail = name.partition(",")
    after = tail.replace(",", " ").split()
    # What of the letters is signed with the name: a generation, when `keep_generation`.
    signed = _GENERATIONS if keep_generation else frozenset[str]()
    typed = name.replace(",", " ").split()
    if comma and after and all(_is_letters(word) for word in after):
        words = head.split() + [word for word in after if word.lower() in signed]
    else:
        words = typed
    run = len(words)
    while run > 1 and _is_letters(words[run - 1]):
        run -= 1
    known = [i for i in range(run, len(words)) if _known_letters(words[i], dropped)]
    if known and known[0] > 0:
        words = words[: known[0]] + [word for word in words[known[0] :] if word.lower() in signed]
    return " ".join(words) if len(words) < len(typed) else name


def _is_letters(word: str) -> bool:
    return word.lower() in _POST_NOMINALS or _CREDENTIAL_SHAPE.fullmatch(word) is not None


def _known_letters(word: str, dropped: frozenset[str]) -> bool:
    return word.lower() in dropped or word in _LETTERS_IN_CAPITALS


# Irish and Gaelic surnames open with one as well: "Ó Súilleabháin", "Ní Bhriain", "Mac Giolla".
_SURNAME_PARTICLES = _PARTICLES | _words("ó ní nic mac uí ua")


def surname_of(words: list[str]) -> str:
    """The family name of a name without its title: the last word, or from the particle it
    starts with ("Pieter de Vries": "de Vries", "Ana María de la Cruz": "de la Cruz"). A
    first word is a particle only as typed in lowercase ("de Vries"), not a name ("Al Smith")."""
    for index, word in enumerate(words):
        if (word.lower() if index else word) in _SURNAME_PARTICLES:
            return " ".join(words[index:])
    return words[-1]


def given_name(words: list[str]) -> str:
    """What someone is called by first name: the first word, or every word before the
    particle their family name starts with ("María José de la Cruz Pérez": "María José")."""
    # "K. Ramesh", as South Indian names are often written: the initial is the family's, and
    # Ramesh is who they are.
    while len(words) > 1 and is_an_initial(words[0]):
        words = words[1:]
    for index, word in enumerate(words[1:], 1):
        if word in _PARTICLES:  # as typed, in lowercase: "de", not the name "De"
            return " ".join(words[:index])
    return words[0]


_AN_INITIAL = re.compile(r"[^\W\d_]\.?")


def is_an_initial(word: str) -> bool:
    return _AN_INITIAL.fullmatch(word) is not None


def has_particle(name: str) -> bool:
    return any(word in _PARTICLES for word in name.split(" ")[1:])


# After the given names, however many: "Wei Jie (WJ) Ong" is WJ Ong.
_NICKNAME = re.compile(
    # "Brigadier (Ret'd) Alistair …" has retired, which is no name.
    r"^(\S+(?: \S+)*?) (?:\((?!(?:ret'?d|retired|rtd|retd)\.?\))([^()\s]+)\)"
    r"|[\"“']([^\"“”'\s]+)[\"”'])(?= )",
    re.IGNORECASE,
)


def without_nickname(name: str) -> str:
    """ "Sipho (Sips) Mthembu" as on an application: "Sipho Mthembu"."""
    return _NICKNAME.sub(lambda match: match[1], name, count=1)


def known_as(name: str) -> str:
    """A name typed with what they go by: "Maeve (Mae) McAllister" and 'Brianna "Bri"
    McAllister' are Mae and Bri McAllister."""
    return _NICKNAME.sub(lambda match: match[2] or match[3], name, count=1)


_NAME_DASH = re.compile(r"\s+[-–—]\s+")
_DESCRIPTION_STARTS = _words("my our his her their a an the")


def name_and_description(name: str) -> tuple[str | None, str | None]:
    """A referral's name field as typed, and who they are when that was typed into it too:
    "Sipho M. - my old shift lead at Bidvest" is Sipho M., with a description; "my cousin's
    friend Arjun" names no one the messages can call by name."""
    if name.split(" ", 1)[0].lower() in _DESCRIPTION_STARTS:
        return None, name
    parts = _NAME_DASH.split(name, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        first = parts[1][0].lower() + parts[1][1:] if parts[1][:3].lower() == "my " else parts[1]
        return parts[0], first
    return name, None


def is_only_a_title(name: str) -> bool:
    """ "Prof", "Dr.", "Ms": a title typed where the name goes."""
    return " " not in name and name.lower() in HONORIFICS | _words("prof. professor")


def as_name(name: str) -> str:
    """A name typed in lowercase, all of it ("jess moreno") or a word of it ("Liam mcdonald"),
    with the capitals a letter gives it; any other name exactly as typed."""
    if (
        name == name.upper()
        and name != name.lower()
        and all(len(word) > 2 for word in name.split(" "))
    ):
        name = name.lower()  # "JAMES O'NEILL-WANJIRU", as a form in capitals has it
    if name == name.upper():
        return name
    words = name.split(" ")
    return " ".join(
        word if (index and word in _PARTICLES) or word != word.lower() else _capitalised(word)
        for index, word in enumerate(words)
    )


def as_address(email: str) -> str:
    """An email address as a signature gives it: "DECLANOBRIEN@GMAIL.COM", typed in capitals,
    in lowercase (which reaches the same mailbox); any other exactly as typed."""
    return email.lower() if email == email.upper() else email


def _capitalised(word: str) -> str:
    """ "o'neill" → "O'Neill", "mcdonald" → "McDonald", "park-hoffmann" → "Park-Hoffmann"."""
    return "-".join(_capitalised_part(part) for part in word.split("-"))


def _capitalised_part(part: str) -> str:
    part = part[:1].upper() + part[1:]
    if len(part) > 2 and part[1] == "'" and part[0] in "OD":
        return part[:2] + part[2].upper() + part[3:]
    if len(part) > 2 and part.startswith("Mc"):
        return "Mc" + part[2].upper() + part[3:]
    return part


# Shorthand: fine in a chat, casual in a letter to a hiring manager.
_SHORTHAND = (
    # Not a letter of an abbreviation: the "U" of "U.S." is no "u".
    r"(?<![\w.])(?:tbh|lol|haha|lmao|omg|idk|imo|imho|btw|ngl|u|ur|pls|plz|thx|gonna|wanna|kinda"
    r"|sorta|hrs|yrs|cuz|fyi|w/|w/o|k8s|im|ive|dont|doesnt|didnt|cant|wont|isnt|wasnt|thats"
    r"|couldnt|wouldnt|shouldnt|havent|hasnt|arent|werent|youre|theyre"
    r"|congrats|you guys|mgmt|honestly|stuff|yeah|nah|tho|gotta|dunno|basically)(?!\w|\.\w)"
    r"|(?<!\w)[:;]-?[()pd](?!\w)"
    # "(like 60%?)": a guess in chat, not a figure in a letter.
    r"|(?<![\w.])like (?=\d)|\?\)"
)
_shorthand = Caseless(_SHORTHAND)
# "i" for "I", in lowercase only: "I" is no shorthand. Its letter comes first, before what
# may stand before it, so the search looks for the letter alone (three times faster).
_LONE_I = re.compile(r"i(?<![\w.'’]i)(?![\w.'’])")
# And emoji, braces and angle brackets, which no one puts in a letter either.
_CHAT_MARKS = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF{}<>]")


def in_shorthand(text: str) -> bool:
    return _shorthand(text) or _LONE_I.search(text) is not None or _BECAUSE.search(text) is not None


# "bc" for "because" and "v" for "very" are chat in lowercase only: "BC Ministry of Health"
# is a province, and "Grade V" a grade.
_BECAUSE = re.compile(r"(?<![\w.])(?:bc(?![\w.])|v(?!\w|\.\w))")


_EMOJI = re.compile(r"\s*[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]+")


def unspoken(text: str) -> str:
    """Text to be said aloud: without the emoji no one can say."""
    if text.isascii():  # nothing for _EMOJI, whose every match holds a character beyond ASCII
        return text.strip() or text
    return _EMOJI.sub("", text).strip() or text


# Words a sentence about one's reason starts with; a short reason that starts otherwise is a
# note ("Got another job.", "Relocating to Perth."), and a word or two always is ("Pay.").
_SUBJECTS = _words(
    "i i'm i've i'd i'll my we we're we've we'd our the this it it's that there he she they"
    " their his her"
)
_NOTE_WORDS = 6
_TERSE_WORDS = 2
# A verb after the first word makes a sentence of a short reason with no pronoun: "A family
# emergency came up.", "Commute is too long.", unlike "Relocating to Perth." or "Got another job."
_FINITE_VERBS = _words(
    "is are was were has have had came comes changed happened arose means needs makes made"
    " went got became turned isn't aren't wasn't doesn't don't didn't won't can't hasn't"
)


# A reason that opens with one of these has left its "I" out, however long: "Not sure the
# team setup is right for me.", "Decided to stay where I am."
_FRAGMENT_STARTS = _words(
    "not want wanted need needed got decided found accepted prefer staying moving relocating"
    " took taking going"
)
_FRAGMENT_WORDS = 15


def is_a_note(detail: str) -> bool:
    words = [word.lower().strip(",.;:!?").replace("’", "'") for word in detail.split()]
    if len(words) <= _TERSE_WORDS:
        return True
    # "Relocating to Port Harcourt is not possible for my family": a gerund with its own verb
    # is the subject of a sentence.
    gerund_subject = words[0].endswith("ing") and any(
        word in _FINITE_VERBS or word in ("would", "will") for word in words[1:]
    )
    if words[0] in _FRAGMENT_STARTS and len(words) <= _FRAGMENT_WORDS and not gerund_subject:
        return True
    if len(words) > _NOTE_WORDS or words[0] in _SUBJECTS:
        return False
    return not any(word in _FINITE_VERBS for word in words[1:])


def looks_casual(text: str) -> bool:
    return in_shorthand(text) or _CHAT_MARKS.search(text) is not None


_LOWERCASE_I = re.compile(r"(?<![\w.'’])i(?=(?:['’](?:m|ve|d|ll))?(?![\w.'’]))")


def with_capital_i(text: str) -> str:
    """ "i want to stay closer to bench research" with the capital a sentence gives "I", as its
    first letter gets one: "I want to …"."""
    return _LOWERCASE_I.sub("I", text)


def reads_as_a_note(detail: str) -> bool:
    """A reason no coach would send as typed: a note ("Salary.", "Family emergency..."),
    shorthand ("tbh … im gonna stay put") or no words at all ("—"). The messages give the
    table's words instead; the guidance quotes it and says why."""
    return (
        is_a_note(detail)
        or in_shorthand(detail)
        or "!!" in detail
        or not any(character.isalnum() for character in detail)
        # "THE FIXED CTC IS LOWER THAN MY CURRENT SALARY.": shouted, in a letter
        or (detail == detail.upper() and sum(character.isalpha() for character in detail) > 12)
    )


# Small words a title keeps in lowercase ("Head of Sales"), and shorthand said letter by
# letter ("UX", "NZ"), when a title or a company typed in lowercase is given its capitals.
_SMALL_WORDS = _words(
    "a an and of in at on for to the with by from per via de la le du des van von der den da"
    " di y & +"
)
_LETTER_BY_LETTER = _words(
    "ux ui qa hr it nz uk us usa uae eu ai ml bi crm erp seo sre ict hse nhs gp icu cfo cto ceo"
    " coo cmo cio vp avp svp evp rn hvac bim cad ngo nyc sf dc pr b2b saas"
    # Not said letter by letter, but written in capitals all the same.
    " emea apac latam sdet crna swe sde ii iii iv aps sme hni cse ece hdfc icici sbi iit iim"
    " f&b r&d m&a p&l l&d"
)
_LETTER = re.compile(r"[^\W\d_]")
# Words and the punctuation of names only: anything else ("<b>", "{{ x }}") is printed as typed.
_PLAIN_WORDS = re.compile(r"[\w .,&'’/()+-]+")


def with_capitals(text: str) -> str:
    """A title or company typed all in lowercase ("sr. ux designer", "zeebuzz media") with the
    capitals a letter gives it ("Sr. UX Designer", "Zeebuzz Media"); any other text exactly as
    typed, since capitals someone typed are theirs."""
    # "sr swe ii (L4)": lowercase but for a level in brackets, which keeps its capitals.
    lowered = in_lowercase(text) or (text.endswith(")") and in_lowercase(_ASIDE.sub("", text)))
    if not lowered or not _PLAIN_WORDS.fullmatch(text) or _DOMAIN.search(text):
        return text
    return _capitalised_words(text)


def name_with_capitals(company: str) -> str:
    """with_capitals(company), where a name of three letters or fewer is an initialism: "dsv",
    "itc" and "rbc" are DSV, ITC and RBC."""
    if company.isalpha() and company.islower() and len(company) <= 3:
        return company.upper()
    return with_capitals(company)


# A name that is its web address ("tinyshed.ai") is written as its owners write it.
_DOMAIN = re.compile(r"\w\.(?:ai|io|com|co|app|dev|net|org|xyz|tech|so|me|ly|gg|tv|fm)\b")


def unshouted(title: str) -> str:
    """A title typed in capitals ("SENIOR ACCOUNTANT", "HEAD OF HR") as a letter writes it
    ("Senior Accountant", "Head of HR"): the short words stay as typed, since "HR" or "ICU"
    are said letter by letter. A company keeps its capitals (IKEA, KPMG), so only titles."""
    if not in_capitals(title):
        return title
    return _capitalised_words(
        " ".join(
            word
            if len(_core(word)) <= 3
            and not word.endswith(".")
            and _core(word).lower() not in _SMALL_WORDS
            else word.lower()
            for word in title.split(" ")
        )
    )


def unshouted_name(company: str) -> str:
    """An employer's name typed in capitals ("APEXWAFER TECHNOLOGIES", "WILDE + PARTNERS
    AGENCY") as a letter writes it ("Apexwafer Technologies"). A name of one long word, or of
    short ones, may be written so by its owner (NVIDIA, IKEA, KPMG LLP, HSBC UK): as typed, as
    are its words of four letters or fewer."""
    words = company.split(" ")
    long_words = [
        core
        for core in (_core(word) for word in words)
        if len(core) > 4 and core.isalpha() and core.lower() not in _LETTER_BY_LETTER
    ]
    if company != company.upper() or len(long_words) < 2 or not _PLAIN_WORDS.fullmatch(company):
        return company
    return " ".join(
        _with_capital(word.lower(), first=index == 0)
        if len(_core(word)) > 4 or word.lower().strip(".,") in _SMALL_WORDS | _NAME_WORDS
        else word
        for index, word in enumerate(words)
    )


# Short words of employers' names that are words, not initials: "ZENITH LIFE INSURANCE CO."
_NAME_WORDS = _words(
    "co co. corp corp. inc inc. ltd ltd. life bank home care food farm farms city land gold star"
    " blue red west east new one pay tech labs lab data auto fund fire rail air sea sun oak"
    " hill park bay law arts club hall york"
)


def in_capitals(title: str) -> bool:
    """A title typed all in capitals, with a word too long to be an initialism."""
    return (
        title == title.upper()
        and _PLAIN_WORDS.fullmatch(title) is not None
        and any(
            len(core) > 3 and core.isalpha() and core.lower() not in _LETTER_BY_LETTER
            for core in (_core(word) for word in title.split(" "))
        )
    )


def _core(word: str) -> str:
    """A word without the punctuation typed around it: "(NIGHTS)" is "NIGHTS"."""
    return word.strip("().,;:!?\"'")


def _capitalised_words(text: str) -> str:
    return " ".join(
        _with_capital(word, first=index == 0) for index, word in enumerate(text.split(" "))
    )


# Words whose capitals sit inside them: "DevOps", "iOS".
_MIXED_CASE = {
    word.lower(): word
    for word in ("DevOps", "DevSecOps", "MLOps", "iOS", "JavaScript", "TypeScript", "LinkedIn")
}


def _with_capital(word: str, *, first: bool) -> str:
    core = _core(word)
    if core in _LETTER_BY_LETTER:
        return word.replace(core, core.upper(), 1)
    if core in _MIXED_CASE:
        return word.replace(core, _MIXED_CASE[core], 1)
    if core in _SMALL_WORDS and not first:
        return word
    return "-".join(
        "/".join(_LETTER.sub(lambda letter: letter[0].upper(), part, count=1) for part in parts)
        for parts in (piece.split("/") for piece in word.split("-"))
    )


def in_lowercase(text: str) -> bool:
    """A title or company typed without a single capital ("sr. ux designer", "bloom & co")."""
    return text == text.lower() and any(character.isalpha() for character in text)


def is_formal_address(address_as: str) -> bool:
    return address_as.split(" ", 1)[0].lower() in HONORIFICS


# --- The better-fit role --------------------------------------------------------------------

# What a job title may already end with, so no "role" is added after it ("Head of Data role").
ROLE_NOUNS = (
    "role",
    "position",
    "job",
    "opening",
    "internship",
    # "the RN Grad Program": a programme one is taken on, never "the … Program role".
    "apprenticeship",
    "traineeship",
    "fellowship",
    "residency",
    *(
        f"{who} {what}"
        for who in ("grad", "graduate", "trainee", "rotational", "early careers")
        for what in ("program", "programme", "scheme")
    ),
)
_ROLE_WORDS = frozenset(ROLE_NOUNS) | _words("roles positions jobs post")
_ROLE_ENDINGS = tuple(f" {noun}" for noun in ROLE_NOUNS)
_INTAKE_YEAR = re.compile(r"\s+(?:19|20)\d\d(?:/\d\d)?$")


def ends_with_its_noun(head: str) -> bool:
    """ "Head of Data Role", "RN Grad Program 2027": no "role" goes after it, whatever the
    intake."""
    return _INTAKE_YEAR.sub("", head).lower().endswith(_ROLE_ENDINGS)


# Where a typed title ends and what follows it starts: "Store Manager | at a store in …".
_ROLE_BREAKS = _words("at on in with for within across where")


_CONDITIONS = ("if ", "when ", "whenever ", "once ", "should ", "in case ")
# A note that can follow the role: "on your water and environment team", "focused on grants".
_AFTER_ROLE = ("on ", "in ", "with ", "within ", "at ", "for ", "focused on ", "working on ")


def role_with_note(phrase: str, note: str) -> str:
    """ "a Graduate Engineer role on your water team" when the note was typed to follow the
    role; the phrase alone otherwise."""
    if not note.lower().startswith(_AFTER_ROLE) or " like " in phrase:
        return phrase
    return f"{phrase} {_without_end(note, '.,;:!')}"


def condition_of(note: str) -> str | None:
    """A note on the better-fit role typed as the condition for it ("if the team moves to
    remote-first"), as the start of a sentence our words finish; None for any other note
    ("a leadership role"), which the talking points carry instead."""
    if not note.lower().startswith(_CONDITIONS):
        return None
    return as_sentence(_without_end(note, ".,;:!"))


_ASIDE = re.compile(r"\s*\([^()]*\)")
# Longer than this, a title is more than anyone says aloud: a call says "the role".
_SPOKEN_TITLE_WORDS = 7


def said_title(title: str) -> str:
    """A title as said aloud: "Full-Stack Engineer (Contract→Perm)" without its aside in
    brackets, or an emoji."""
    return unspoken(_ASIDE.sub("", title).strip() or title)


# Where a title's parts divide after its commas: "Analyst – Risk", "Nurse | ICU".
_DASH_BREAK = re.compile(r" (?:[-–—|]|--) ")
# What a team is called when a title names it: "Staff Nurse, Acute Medical Unit" is a job "in
# the Acute Medical Unit"; "Associate, Investment Banking" a job in a field, with no "the".
_UNITS = _words(
    "unit team department directorate ward division group office clinic centre"
    " center lab laboratory programme program practice desk branch faculty school college"
    " institute icu nicu picu hdu ccu"
)
# Where one works on, not in: "the Senior Sub-Editor role on the Digital Desk".
_UNITS_ON = _words("desk team ward")
# A seniority typed after the comma goes before the job: "Software Engineer, Senior".
_SENIORITIES = _words("senior junior lead principal staff chief")
# The ranks a kind goes after ("Senior Platform Engineer" for "Senior Engineer (Platform)");
# "Staff" is part of "Staff Nurse", not a rank.
_SENIOR = _SENIORITIES - {"staff"}
_RANKS_BEFORE_FIELD = _SENIOR | {"founding"}
# Jobs no one names after their field: "Assistant Vice President, Credit Risk" is "the
# Assistant Vice President role in Credit Risk", never "the Credit Risk Assistant Vice …".
_RANKED_BY_NAME = _words("president director vp avp svp evp head partner professor")
# A field this short goes before the job ("Investment Banking Associate"); longer, beside it.
_FIELD_BEFORE_WORDS = 2
# A field and its job together no longer than this go in one name ("Data Platform Engineering
# Manager"); longer, the role is in the field.
_FIELD_STACK_WORDS = 4
# Fields that are never said before a job ("Senior Healthcare Projects Architect"): the job
# is in them ("the Senior Architect role in Healthcare Projects"). As stems (see `echoed`).
_IN_FIELDS = frozenset({"proje", "progr", "portf", "initi"})
# Up to this long it is what the role is in ("in Risk Advisory Delivery"); longer, an aside.
_FIELD_IN_WORDS = 4
# A grade said with its job as one name: "Assistant Engineer", "Deputy Manager".
_GRADES_FIRST = _words("assistant associate deputy")
# Nouns an officer's title may stack, field and grade together, after its rank.
_STACKED_WORDS = 3


# Signs a brand's page carries and a letter does not: "VECTRA™", "Acme®".
_MARKS = re.compile(r"\s*[™®©℠]")
_SHOUT = re.compile(r"[!?]{2,}|[!?]+(?=\s|$)")


def title_in_prose(title: str) -> tuple[str, str | None]:
    """A job-board title as a person writes it in a sentence, in two parts either side of
    the noun ("role", "position"): ("Lending Product Manager", None) for "Product Manager,
    Lending", ("Staff Nurse", "in the Acute Medical Unit") for "Staff Nurse (Band 5), Acute
    Medical Unit", ("Senior Software Engineer", None) for "Software Engineer, Senior",
    ("Senior Manager", "(Health, Safety, Environment & Quality)") for a field too long to go
    before the job. Asides in brackets are left out (an acronym is kept: "Qualified Person
    (QP)"), and so is every part after the second ("— EMEA"): the subject line carries the
    title whole."""
    # "Ops Manager!!": a job board's shout, not part of the title.
    unmarked = _SHOUT.sub("", _MARKS.sub("", title)) or title
    # "Agronomist (Broadacre)" is a Broadacre Agronomist: one word in brackets says the kind.
    kind = _KIND_ASIDE.match(unmarked)
    graded_kind = kind is not None and _without_ranks(kind[1])[0].lower() in _GRADES_FIRST
    if kind and (_is_ranked(kind[1]) or _is_a_discipline(kind[2]) or graded_kind):
        # "Deputy Manager (Finance)" is the Deputy Manager role in Finance: a grade and its
        # job are one name, which a kind before it would break.
        # "Speech and Language Therapist (Paediatrics)": the role in Paediatrics.
        # "Assistant Director (Statistics)" is the Assistant Director role in Statistics.
        return kind[1], f"in {kind[2]}"
    if kind and kind[2].lower() in _NOT_A_FIELD | _SHIFTS:
        kind = None  # "Senior Care Assistant (Nights)": when, not what kind; dropped below
    if kind and len(_without_ranks(kind[1])) > _KIND_BEFORE_WORDS:
        # "Academic Liaison Librarian (Sciences)": before a job of three words, a kind would
        # stack four nouns; it is what the role is in.
        return kind[1], f"in {kind[2]}"
    if kind:
        unmarked = f"{_with_kind(kind[1], kind[2])}{unmarked[kind.end() :]}"
    # "Senior Policy Analyst (Water & Infrastructure)": an aside of names is what it is in.
    named_aside = _NAMED_ASIDE.search(unmarked)
    kept = _ASIDE.sub(
        lambda aside: aside[0] if _ACRONYM.fullmatch(aside[0].strip()) else "", unmarked
    )
    segments = [part.strip() for part in _DASH_BREAK.split(kept.strip()) if part.strip()]
    if len(segments) > 1 and all(word.lower() in _TERMS_ONLY for word in segments[0].split()):
        segments = segments[1:]
    if not segments:
        return title, None
    post = segments[1].split(",", 1)[0].strip() if len(segments) > 1 else ""
    if post and _names_a_job(post) and "," not in segments[0]:
        if not _names_a_job(_ASIDE.sub("", segments[0])):
            # "Police Staff - Forensic Collision Investigator": the job is the second part.
            segments = segments[1:]
        else:
            # "Higher Executive Officer (HEO) - Data and Insight Lead": a grade, then the
            # post, which is the job: "the Data and Insight Lead (HEO) role".
            grade = _ACRONYM.search(segments[0])
            return f"{post} ({grade[0][1:-1] if grade else _ASIDE.sub('', segments[0])})", None
    job, *rest = [part.strip() for part in segments[0].split(",") if part.strip()] or [title]
    # Shorthand is for job boards: a letter says "Senior Manager", as a call does.
    job = " ".join(_said_in_full(word) for word in job.split(" "))
    # A title that says its field itself ("Lecturer in Marketing") is said whole, and so is
    # one of two jobs ("Junior Architect / BIM Modeller"), which no field goes inside.
    if any(word in _ROLE_BREAKS for word in job.split(" ")[1:]) or "/" in job:
        return job, None
    if rest and _names_a_job(rest[0]) and _names_a_job(job):
        # "Senior Executive Officer, Policy Adviser": a grade, then the post.
        return f"{job} ({rest[0]})", None
    fields = []
    # A title that says its kind has said enough: a job board's blurb after it goes.
    for part in rest or ([] if kind else segments[1:2]):
        first = part.split(" ", 1)[0].lower().strip(",;:")
        banded = any(character.isdigit() for character in job)  # "Band 7 …": one name
        if " " not in part and (first in _SENIORITIES or (_is_a_kind(part) and not banded)):
            job = f"{part} {job}"  # "Software Engineer, Senior", "Engineer – Electrical"
        elif (
            " " not in part
            and not rest
            and part.isupper()
            and 1 < len(part) < 6
            and part.lower() not in _UNITS
            and not any(character.isdigit() for character in part)  # "EL2", "PO4": a grade
        ):
            job = _with_kind(job, part)  # "Assistant Manager – F&B": the F&B one
        elif " " not in part and not rest:
            continue  # "Coordinator – Wellington", "| Remote": where, or how, not what
        elif first not in _NOT_A_FIELD and part[0].isalpha():
            fields.append(part)
    if not fields:
        aside_said = named_aside[1] if named_aside and not kind else None
        # "(Part Time)", "(Fixed Term)": on what terms, not what it is in.
        if aside_said and aside_said.split(" ")[0].lower() in _NOT_A_FIELD | _SHIFTS:
            aside_said = None
        return job, f"in {aside_said}" if aside_said else None
    # "Senior Manager, Health, Safety, Environment & Quality": one field listed in parts, as its
    # "&" shows; otherwise the first part is the field ("…, Regulatory Affairs, EMEA").
    listed = " & " in fields[-1] or " and " in fields[-1]
    field = ", ".join(fields) if listed else fields[0]
    field = " ".join(_said_in_full(word) for word in field.split(" "))  # "Product Mgmt"
    unit = field.split(" ")[-1].lower()
    first_word = field.split(" ", 1)[0].lower()
    if first_word in _UNITS and " of " in field:  # "X, Department of Microbiology"
        return job, f"in the {field}"
    if unit in _UNITS:
        on = "on" if unit in _UNITS_ON else "in"  # "on the Digital Desk", "in the Acute Unit"
        return job, f"{on} {field}" if field.lower().startswith("the ") else f"{on} the {field}"
    field = _ASIDE.sub("", field).strip() or field
    if "/" in field:  # "Electrical / Team Lead": two things, neither said in a sentence
        return job, None
    ranked = _is_ranked(job)
    # "Senior Planner, Community Planning", "Risk Modeller, Model Development": before the
    # job, the field would say it twice.
    stems = {word[:5].lower() for word in job.split(" ") if len(word) > 3} | _IN_FIELDS
    echoed = any(word[:5].lower() in stems for word in field.split(" ") if len(word) > 3)
    if (ranked or echoed) and field[0].isupper() and "," not in field:
        return job, f"in {field}"
    named = [word for word in field.split(" ") if word not in ("&", "and")]
    # "Senior Executive Officer, Housing Policy": an officer's grade is one name, which a
    # field of two words would break ("Senior Housing Policy Executive Officer"); a model
    # number is a kind, said before it ("Dash 8-400 First Officer").
    graded = _without_ranks(job)
    # "Senior Credit Analyst, SME Lending": an initialism in a field of two before a job of two
    # reads as a code, not a title ("Senior SME Lending Credit Analyst").
    coded = any(word.isupper() and 1 < len(word) < 6 for word in named) and not any(
        word.isupper() for word in graded
    )
    # After a rank, a field of two and a job of two make five nouns in a row ("Lead Demand
    # Forecasting Data Scientist"), a title no one holds.
    ranked_stack = len(graded) < len(job.split(" "))
    # "Assistant Engineer", "Deputy Manager": a grade and its job are one name.
    grade_first = graded[0].lower() in _GRADES_FIRST
    # "Senior Executive Officer, Housing": an officer's grade is one name, whatever its
    # length; so is a band ("Band 5 Staff Nurse - Acute Medicine").
    named_grade = graded[-1].lower() == "officer" or any(c.isdigit() for c in job)
    stacked = (coded or ranked_stack or grade_first) and len(named) + len(graded) > _STACKED_WORDS
    if (
        len(graded) > 1
        and (named_grade or stacked)
        and not any(character.isdigit() for character in field)
        and field[0].isupper()
    ):
        return job, f"in {field}"
    # "Graduate Electrical Engineer – Network Planning": before a job of three words, a field
    # of two stacks five nouns ("the Network Planning Graduate Electrical Engineer role").
    # A hyphenated job ("In-House Counsel") is a name of its own, which nothing goes inside;
    # a seniority and its job are one too: the reads marked "Senior Operations Strategy
    # Consultant" and "Senior Payments Software Engineer" as titles no employer uses, where
    # "the Senior Consultant role in Operations Strategy" keeps the one they wrote.
    job_words = job.split(" ")
    stack = (
        len(job_words) + len(named) > _FIELD_STACK_WORDS
        or len(job_words) > 2
        or "-" in job
        or job_words[0].lower() in _SENIOR
    )
    if field[0].isupper() and "," not in field and len(named) <= _FIELD_BEFORE_WORDS and not stack:
        # As people say it: "Investment Banking Associate", "Spirits Brand Manager".
        return _with_kind(job, field), None
    if field[0].isupper() and "," not in field and len(named) <= _FIELD_IN_WORDS:
        # Longer, a field is what the role is in: "the Policy Adviser role in Digital
        # Government Services", never a stack of four nouns before "Adviser".
        return job, f"in {field}"
    # A list or a description ("greenfield plant build-out") goes beside the role.
    return job, f"({field})"


_NAMED_ASIDE = re.compile(r"\(([A-Z][\w-]*(?: (?:&|and|[A-Z][\w-]*))+)\)")
_KIND_BEFORE_WORDS = 2  # a kind in brackets goes before a job this long ("Broadacre Agronomist")
_SHIFTS = _words("nights days weekends evenings locum bank seasonal casual")
# A job board's first part that says only on what terms ("Christmas Temp - Sales Assistant"):
# the job is the part after it.
_TERMS_ONLY = _words("christmas holiday summer winter seasonal casual temp temporary contract")
_KIND_ASIDE = re.compile(r"^([^(),|–—]+?) \(([A-Z][a-z]+)\)")


def _names_a_job(part: str) -> bool:
    """ "Forensic Collision Investigator", "Work Coach Team Leader": a part of a title that is
    a job itself, as its last word is someone who does it."""
    last = part.rsplit(" ", 1)[-1]
    return " " in part and "/" not in part and last[:1].isupper() and _is_a_person(last.lower())


def _is_ranked(job: str) -> bool:
    return any(word.lower() in _RANKED_BY_NAME for word in job.split(" "))


def names_the_employer(tail: str, company: str) -> bool:
    """ "in the Early Learning Centre" of a job at "Kōwhai Kids Early Learning": the part of
    the title that says where the job is says who the employer is, so "the Head Teacher role
    in the Early Learning Centre at Kōwhai Kids Early Learning" would say it twice."""
    named = {word.casefold() for word in company.split(" ")}
    words = [
        word.strip("(),").casefold()
        for word in tail.split(" ")[1:]
        if word.casefold() not in ("the", "of", "&", "and")
    ]
    said = [word for word in words if word not in _UNITS]
    return bool(said) and all(word in named for word in said)


def _without_ranks(job: str) -> list[str]:
    words = job.split(" ")
    at = 0
    while at < len(words) - 1 and words[at].lower() in _RANKS_BEFORE_FIELD:
        at += 1
    return words[at:]


def _with_kind(job: str, kind: str) -> str:
    """ "Senior Engineer" of kind "Platform", after its rank: "Senior Platform Engineer"; a
    job of field "Investment Banking": "Investment Banking Associate"."""
    words = job.split(" ")
    graded = _without_ranks(job)
    return " ".join([*words[: len(words) - len(graded)], kind, *graded])


# Fields named as a discipline, which no job is named after as such: "Paediatrics", "Surgery".
_DISCIPLINE_ENDINGS = ("ics", "ology")
_ADJECTIVE_LIKE = _words("analytics logistics robotics graphics electronics mechatronics")


def _is_a_discipline(word: str) -> bool:
    lower = word.lower()
    return lower.endswith(_DISCIPLINE_ENDINGS) and lower not in _ADJECTIVE_LIKE


def _is_a_kind(word: str) -> bool:
    """ "Electrical", "Clinical": a word that says what kind of job, before it."""
    return word[:1].isupper() and word.lower().endswith(("al", "ic")) and word.lower() not in _UNITS


def is_long_title(head: str) -> bool:
    """A title's head (title_in_prose) longer than anyone says before "role": written "the
    role of …", and on a call just "the role"."""
    return len(head.split()) > _SPOKEN_TITLE_WORDS


# Written shorthand no one says: "Sr. Manager" is said "Senior Manager".
_SAID_IN_FULL = {
    "sr": "Senior",
    "sr.": "Senior",
    "snr": "Senior",
    "snr.": "Senior",
    "jr": "Junior",
    "jr.": "Junior",
    "jnr": "Junior",
    "jnr.": "Junior",
    "asst": "Assistant",
    "asst.": "Assistant",
    "assoc.": "Associate",
    "mgr": "Manager",
    "mgr.": "Manager",
    "dir.": "Director",
    "eng.": "Engineer",
    "engg": "Engineer",
    "engg.": "Engineer",
    "dev": "Developer",
    "exec": "Executive",
    "prof": "Professor",
    "prof.": "Professor",
    "coord.": "Coordinator",
    "mgmt": "Management",
    "mgmt.": "Management",
    "mktg": "Marketing",
    "mktg.": "Marketing",
    "dept": "Department",
    "dept.": "Department",
    "govt": "Government",
    "govt.": "Government",
    "intl": "International",
    "intl.": "International",
}


def spoken_title(head: str) -> str | None:
    """A title as said on the phone, from its head (title_in_prose): without emoji or an
    aside, and with its shorthand said in full ("the Senior Manager role", not "the Sr.
    Manager, Risk & Compliance (AML/KYC) — EMEA role"); None when it is too
    long to say."""
    if is_long_title(head):
        return None
    said = said_title(head)
    return " ".join(_said_in_full(word) for word in said.split(" "))


def _said_in_full(word: str) -> str:
    full = _SAID_IN_FULL.get(word.lower())
    if full is None:
        return word
    return full.lower() if word[:1].islower() else full


_PARTS = re.compile(r",|\(| [-–—|] ")


def in_subject(title: str, head: str, tail: str | None) -> str:
    """The title a subject line gives: as typed, unless a job board strung it together
    ("Cloud Solutions Architect -- AWS/Azure!!", "… | Relocation Assistance Available"), when
    it is the title a sentence gives ("Cloud Solutions Architect")."""
    strung = _BOARD_BREAK.search(title) or _SHOUT.search(title) or _TERMS_ASIDE.search(title)
    if not strung:
        # In the words the letter says it in: a subject "Night Mgr" above "the Night Manager
        # role" reads as two jobs.
        return " ".join(_said_in_full_with_stop(word) for word in title.split(" "))
    return f"{head} {tail}" if tail else head


def _said_in_full_with_stop(word: str) -> str:
    """ "Mgr," is "Manager,": the comma stays where it was typed."""
    bare = word.rstrip(",;:")
    return _said_in_full(bare) + word[len(bare) :]


# What a job board strings a title together with, and a person writing does not: "|", "--".
_BOARD_BREAK = re.compile(r" (?:\||--) ")
# An aside in lowercase is the job board's note on terms: "(fixed term, 0.8 FTE)".
_TERMS_ASIDE = re.compile(r"\((?=[a-z])[^()]*\)")


def has_parts(title: str) -> bool:
    """ "Associate, Investment Banking", "Engineer (Platform)", "Analyst – Risk"."""
    return _PARTS.search(title) is not None


def a_role(title: str) -> str:
    """The better-fit role after "considered for": "an Engineering Manager role", "a Store
    Manager role at a store in South Austin", "a leadership role" (typed with its article),
    "a role like Engineering Manager, Data Platform" (a title that does not read as one)."""
    grade, *post = _DASH_BREAK.split(title, maxsplit=1)
    if post and _names_a_job(post[0].split(",", 1)[0].strip()) and "," not in grade:
        # "Police Staff - Forensic Collision Investigator": the job as a sentence says it.
        head, _ = title_in_prose(title)
        return f"{'an' if _takes_an(head) else 'a'} {head} role"
    # "Data Analyst – Supply Chain" reads as "Data Analyst, Supply Chain": no dash mid-sentence.
    title = _DASH_BREAK.sub(", ", title, count=1)
    words = title.split(" ")
    lower = [word.lower().strip(",.") for word in words]
    if lower[0] in ("a", "an", "something", "anything", "somewhere"):
        return title  # "something more research-focused": a phrase with its own article
    article = "an" if _takes_an(title) else "a"
    plural = _PLURAL_ROLES.get(lower[-1])
    if plural and len(words) > 1 and words[-1].islower():
        # "Product leadership roles" is a kind of role: "a product leadership role", as the
        # templates say "if one opens up"; the capital a sentence gave it goes mid-sentence.
        first = words[0]
        if first[:1].isupper() and first[1:].islower() and words[1][:1].islower():
            first = first.lower()
        return f"{article} {' '.join([first, *words[1:-1], plural])}"
    aside = _TRAILING_ASIDE.search(title)
    said = aside[0].strip()[1:-1].strip() if aside else ""
    if aside and aside.start() > 0 and " " not in said and said.islower():
        # "Legal Counsel (in-house)" is "an in-house Legal Counsel role".
        return a_role(f"{said} {title[: aside.start()]}")
    if aside and aside.start() > 0 and said.islower() and looks_casual(said):
        # "(people mgmt)": a note to oneself, not part of a title.
        return a_role(title[: aside.start()])
    if (
        aside
        and aside.start() > 0
        and len(said.split()) > 1
        and all(word[:1].isupper() or word in ("&", "and", "of") for word in said.split())
        # "(Grade PO4)", "(Maternity Cover)": a grade or terms, kept as typed, not a field.
        and said.split(" ", 1)[0].lower() not in _NOT_A_FIELD | _SHIFTS
    ):
        # "Senior Planning Officer (Development Management)": the role in what it names.
        return f"{a_role(title[: aside.start()])} in {said}"
    terms = said.split(" ", 1)[0].lower() in _NOT_A_FIELD | _SHIFTS
    if aside and aside.start() > 0 and terms and not _PARTS.search(title[: aside.start()]):
        return f"{article} {title} role"  # "a KS2 Teacher (Maternity Cover) role"
    if aside and aside.start() > 0 and _ACRONYM.fullmatch(aside[0].strip()) is None:
        # "Associate, Commercial Litigation (London office)": the role, then its aside; an
        # acronym stays with the name it shortens ("a Qualified Person (QP) role").
        return f"{a_role(title[: aside.start()])}{aside[0]}"
    job, comma, field = title.partition(", ")
    if comma and _is_a_field(job, field):
        # As a sentence says the title it was declined for: "a Residential Graduate Architect
        # role", "an EHS Director role (greenfield plant build-out)".
        head, tail = title_in_prose(title)
        article = "an" if _takes_an(head) else "a"
        return f"{article} {head} role{f' {tail}' if tail else ''}"
    if aside and aside.start() > 0 and not any(mark in title[: aside.start()] for mark in ",/;:&|"):
        return f"{article} {title} role"
    if any(mark in title for mark in ",()/;:&|"):
        return f"a role like {title}"
    if any(word in _ROLE_WORDS for word in lower) or ends_with_its_noun(title):
        return f"{article} {title}"
    for at, word in enumerate(words[1:], 1):
        if word in _ROLE_BREAKS:  # lower case: "in" of "Head of Sales in EMEA", not "In"
            return f"{article} {' '.join(words[:at])} role {' '.join(words[at:])}"
    return f"{article} {title} role"


_PLURAL_ROLES = {
    "roles": "role",
    "positions": "position",
    "jobs": "job",
    "posts": "post",
    "openings": "opening",
    "opportunities": "opportunity",
}


# What may follow a title's comma without being the team or field the role is in:
# "Software Engineer, Senior", "Analyst, Level 3", "Designer, Remote".
_NOT_A_FIELD = _words(
    "senior junior lead principal staff chief head level grade band entry mid i ii iii iv v"
    " remote hybrid contract temporary temp interim permanent part-time full-time fixed-term"
    # "– Fixed Term 12 Months", "- Full Time - Day Shift", "- Immediate Start!": terms.
    " fixed full part day night immediate"
    # "(Maternity Cover)", "(Secondment)", "(Acting)": on what terms, not what it is in.
    " maternity cover secondment acting ftc"
)


def _is_a_field(job: str, field: str) -> bool:
    """ "Associate, Investment Banking": one job, then the team or field it is in, so it
    reads as "an Associate role in Investment Banking"."""
    if not job or not field or any(mark in title for title in (job, field) for mark in ",()/;:|"):
        return False
    first = field.split(" ", 1)[0].lower()
    return first not in _NOT_A_FIELD and not first[0].isdigit()


_TRAILING_ASIDE = re.compile(_ASIDE.pattern + "$")  # the aside a title ends with
_ACRONYM = re.compile(r"\([A-Z][A-Z0-9&]{1,5}\)")  # "(QP)", "(EHS)", "(R&D)"
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
