"""What a career coach checks in every letter, over many generated declines.

Each test is one class of fault a coach found in drafts that read like mail merge: full names
where a person would use a first name, the same sentence in two messages one person reads,
words the candidate never gave, seams between slots, the wrong register, no apology for short
notice, subjects that say nothing, advice that is not true.
"""

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings

from app.compose.decline import compose_fields
from app.compose.facts import DETAIL_LONG, addressed_as
from app.compose.layout import SUBJECT_MAX
from app.compose.phone import VOICEMAIL_MAX_WORDS, spoken_words
from app.compose.reading import (
    a_role,
    as_name,
    as_sentence,
    condition_of,
    is_formal_address,
    news_of,
    reads_as_a_note,
    role_with_note,
    topic_of,
)
from app.compose.wording import reason_table
from app.schemas import DeclineRequest, Stage, Tone
from tests.compose.strategies import NOW, realistic_requests
from tests.conftest import decline_request

EXAMPLES = settings(max_examples=100, deadline=None, derandomize=True)
STOCK = [
    "I hope this message finds you well",
    "no need to reply",
    "not a reflection",
    "financial needs",
    "scope of the",
    "closer match",
    "someone I trust",
    "a colleague I trust",
    "compare notes",
    "hiring team,\n\nI hope",
    "Is this a convenient moment",
    "With your permission",
    "shared interest in our shared",
    # A check-in has no event to report: nothing "came to mind" or "reminded" anyone.
    "came to mind",
    "to mind recently",
    "to mind the other day",
    "reminded",
    "made me think of you",
    "put me in mind",
    # Common ground is asked about, not argued for ("Given that …, I'd love to stay in touch").
    "Given that",
    "one of the reasons I",
    "a good reason to stay in touch",
    # Nothing says a missed interview went unannounced: the candidate may have told someone.
    "beforehand",
    "without letting",
    "didn't let you know",
    "did not let you know",
]
CONTRACTABLE = re.compile(r"\b(I am|I will|I have|I would|do not|does not|is not|cannot)\b")
SENTENCE = re.compile(r"[^.!?]+[.!?]")


def _compose(request: DeclineRequest, now: Any = NOW) -> tuple[dict[str, Any], list[Any]]:
    messages, guidance = compose_fields(request, now=now)
    return messages, guidance


def _sentences(text: str, request: DeclineRequest | None = None) -> set[str]:
    """Our sentences of a message: without its greeting and sign-off lines, and without the
    candidate's own words, which are theirs to repeat."""
    lines = [line for line in text.split("\n") if line.strip()]
    body = " ".join(line for line in lines if not line.endswith(",") and " " in line)
    detail = request.reason.detail if request is not None else None
    if detail:
        body = body.replace(as_sentence(detail), "")
    if request is not None:  # a title's own full stops ("sr. ux designer") end no sentence
        body = body.replace(request.role, "the role")
    return {s.strip() for s in SENTENCE.findall(body) if len(s.split()) >= 5}


def _letters(messages: dict[str, Any]) -> list[str]:
    email = messages["email"]
    texts = [email["text"]]
    texts += [email[v]["text"] for v in ("after_call", "after_voicemail") if v in email]
    if "phone_script" in messages:
        texts += [messages["phone_script"]["text"], messages["phone_script"]["voicemail"]]
    if "linkedin_note" in messages:
        texts.append(messages["linkedin_note"]["text"])
    texts += [follow_up["text"] for follow_up in messages.get("follow_ups", [])]
    return texts


@EXAMPLES
@given(request=realistic_requests())
def test_people_are_addressed_as_a_person_would_address_them(request: DeclineRequest) -> None:
    messages, _ = _compose(request)
    recipient = request.recipient
    if recipient is None:
        assert messages["email"]["text"].split("\n")[0] in (
            f"Hello {request.company} team,",
            f"Hi {request.company} team,",
            "Dear Hiring Team,",
        )
        return
    # A name typed in lowercase is greeted with its capitals.
    name = as_name(recipient.address_as or addressed_as(as_name(recipient.name)))
    # (The guidance speaks to the candidate about them, so it may use the full name.)
    everything = [*_letters(messages), *messages.get("phone_script", {}).get("talking_points", [])]
    for text in everything:
        if name != recipient.name:
            assert recipient.name not in text, text
    email = messages["email"]["text"]
    assert email.split("\n")[0] in (f"Hi {name},", f"Dear {name},")
    if request.tone is Tone.warm and not is_formal_address(name):
        assert email.startswith("Hi ")  # warm emails are not letters to a stranger
    if is_formal_address(name):
        assert email.startswith("Dear ")  # never "Hi Herr Müller", in any tone
    if "phone_script" in messages:
        script = messages["phone_script"]["text"]
        assert script.count(name) == 1, script  # named once, at the start
        assert script.split(",")[0].endswith(name)


@EXAMPLES
@given(request=realistic_requests())
def test_one_person_never_reads_or_hears_the_same_sentence_twice(request: DeclineRequest) -> None:
    messages, _ = _compose(request)
    email = messages["email"]
    if "phone_script" in messages:
        call = _sentences(messages["phone_script"]["text"], request)
        voicemail = _sentences(messages["phone_script"]["voicemail"], request)
        for variant, heard in (("after_call", call), ("after_voicemail", voicemail)):
            assert not _sentences(email[variant]["text"], request) & heard, variant
        assert not _sentences(email["text"], request) & call
    if "linkedin_note" in messages:
        note = messages["linkedin_note"]["text"].lower()
        assert "decline" not in note
        assert "withdraw" not in note
    check_ins = [f["text"] for f in messages.get("follow_ups", []) if f["kind"] == "check_in"]
    if len(check_ins) == 2:
        assert not _sentences(check_ins[0]) & _sentences(check_ins[1])
    if request.preferred_role is not None:
        asked = [text for text in _letters(messages) if request.preferred_role.title in text]
        assert len(asked) <= 5


@EXAMPLES
@given(request=realistic_requests())
def test_no_stock_phrases_seams_or_doubled_sign_offs(request: DeclineRequest) -> None:
    messages, guidance = _compose(request)
    named_referral = request.referral is not None and request.referral.name is not None
    guidance_texts = {item["message"] for item in guidance}
    for text in [*_letters(messages), *guidance_texts]:
        for phrase in STOCK:
            assert phrase.lower() not in text.lower(), (phrase, text)
        assert not re.search(r"(All the best|Best wishes)\.\s*\n+Best", text), text
        assert "  " not in text
        assert " ," not in text
        assert ".." not in text
        assert " ." not in text
        if named_referral and text not in guidance_texts:  # named in letters, not "they"
            assert not re.search(r"\b(reach them|They bring|they're happy|they'd)\b", text), text
        for paragraph in text.split("\n\n"):
            assert not paragraph.startswith("And "), paragraph
        assert "None" not in text
        assert "{" not in text
        assert not re.search(r"[a-z][.!?][A-Z]", text), text  # sentences run together


@EXAMPLES
@given(request=realistic_requests())
def test_the_reason_is_the_candidates_or_the_tables_and_nothing_else(
    request: DeclineRequest,
) -> None:
    messages, _ = _compose(request)
    email = messages["email"]["text"]
    detail = request.reason.detail
    if detail is not None and not reads_as_a_note(detail):
        assert as_sentence(detail) in email
        if "phone_script" in messages and len(detail) <= DETAIL_LONG:
            assert as_sentence(detail) in messages["phone_script"]["text"]
        return
    if detail is not None:  # a note or shorthand: the table's words, as with no detail
        assert len(detail) < 8 or as_sentence(detail) not in "".join(_letters(messages))
    others = [
        words
        for category, row in reason_table().items()
        if category != request.reason.category.value
        for (channel, _, _), words in row.words.items()
        if channel == "email" and words and "{" not in words
    ]
    assert not [words for words in others if words in email]
    if request.reason.category.value == "other":
        decision = next(
            p
            for p in email.split("\n\n")
            if re.search("decided to|decision to|going to|writing to", p)
        )
        short_notice = "short notice" in decision
        assert len(SENTENCE.findall(decision)) == 1 + short_notice, decision


@EXAMPLES
@given(request=realistic_requests())
def test_timing_apologises_within_two_days_and_never_cancels_the_past(
    request: DeclineRequest,
) -> None:
    messages, _ = _compose(request)
    at = request.interview_at
    upcoming = at is not None and at > NOW and request.stage is not Stage.offer
    short = upcoming and at is not None and at - NOW < timedelta(hours=48)
    texts = [messages["email"]["text"]]
    if "phone_script" in messages:
        texts.append(messages["phone_script"]["text"])
    for text in texts:
        assert ("short notice" in text) == short, text
    everything = "\n".join(_letters(messages))
    if not upcoming:
        assert "the interview on" not in everything
        assert "slot" not in everything
        assert "cancel" not in everything.lower()
    if "phone_script" in messages and upcoming and at is not None:
        script = messages["phone_script"]["text"]
        assert str(at.year) not in script  # spoken, not read out from a calendar
        if at.date() == NOW.astimezone(at.tzinfo).date():
            assert re.search(r"this (morning|afternoon|evening)", script), script


@EXAMPLES
@given(request=realistic_requests())
def test_subjects_say_what_the_email_is_and_never_cut_a_title(request: DeclineRequest) -> None:
    messages, _ = _compose(request)
    email = messages["email"]
    subjects = [email["subject"]]
    subjects += [email[v]["subject"] for v in ("after_call", "after_voicemail") if v in email]
    subjects += [f["subject"] for f in messages.get("follow_ups", [])]
    for subject in subjects:
        assert len(subject) <= SUBJECT_MAX
        assert "…" not in subject
        assert request.candidate.name not in subject
    if request.stage is Stage.offer:
        assert email["subject"].startswith("Declining")
    else:
        assert email["subject"].startswith(("Withdrawing", "Apologies for missing"))
    for follow_up in messages.get("follow_ups", []):
        if follow_up["kind"] == "check_in":
            # Never a mail-merged "Checking in from Ana Ruiz"; news is named, and a check-in
            # about something they share says simply what it is.
            assert not follow_up["subject"].startswith("Checking in from")
            if follow_up["subject"] != "Checking in":
                assert follow_up["subject"].startswith("Congratulations")


@EXAMPLES
@given(request=realistic_requests())
def test_check_ins_have_something_to_say_and_a_person_to_say_it_to(
    request: DeclineRequest,
) -> None:
    messages, guidance = _compose(request)
    if "follow_ups" not in messages:
        return
    check_ins = [f for f in messages["follow_ups"] if f["kind"] == "check_in"]
    relationship = request.relationship
    # What a check-in can be about; the better-fit role rides along in the last one, or with
    # neither, is the one check-in's subject (unless they left over culture without saying
    # what would change their mind, or it is the recipient's own title).
    hooks = [hook for hook in (relationship.company_news, relationship.common_ground) if hook]
    preferred = request.preferred_role
    recipient = request.recipient
    asked_for = (
        preferred is not None
        and (
            request.reason.category.value != "company_fit"
            or condition_of(preferred.note or "") is not None
        )
        and not (
            recipient
            and recipient.title
            and preferred.title.casefold() == recipient.title.casefold()
        )
    )
    if recipient is None or not relationship.keep_in_touch:
        assert check_ins == []
        return
    assert len(check_ins) == min(2, len(hooks) or int(asked_for))
    said = (
        [news_of(relationship.company_news, request.company)] if relationship.company_news else []
    )
    said += [topic_of(relationship.common_ground)] if relationship.common_ground else []
    for check_in, hook in zip(check_ins, said, strict=False):
        assert hook in check_in["text"]
    if check_ins and preferred is not None and asked_for:
        phrase = role_with_note(a_role(preferred.title), preferred.note or "")
        assert phrase in check_ins[-1]["text"]
        assert all(phrase not in c["text"] for c in check_ins[:-1])
    codes = {item["code"] for item in guidance}
    assert ("check_ins_need_a_reason" in codes) == (not hooks and not asked_for)


@EXAMPLES
@given(request=realistic_requests())
def test_register_speech_and_notes(request: DeclineRequest) -> None:
    messages, _ = _compose(request)
    if "phone_script" in messages:
        script = messages["phone_script"]
        for spoken in (script["text"], script["voicemail"]):
            assert not CONTRACTABLE.search(spoken), spoken  # people talk in contractions
        assert spoken_words(script["voicemail"]) <= VOICEMAIL_MAX_WORDS
    if "linkedin_note" in messages:
        note = messages["linkedin_note"]
        assert note["length"] == len(note["text"]) <= note["limit"]
        assert not note["text"].rstrip(".!").endswith(request.candidate.name)  # no sign-off
        assert "regards" not in note["text"].lower()
    if request.tone is Tone.formal:
        ours = messages["email"]["text"].replace(request.reason.detail or "\0", "")
        assert not re.search(r"\b(I'm|I've|I'd|I'll|don't|isn't|won't)\b", ours), ours


@pytest.mark.parametrize("stage", list(Stage))
def test_the_emails_after_a_call_or_voicemail_say_so(stage: Stage) -> None:
    request = DeclineRequest.model_validate(decline_request(stage=stage.value))
    messages, _ = _compose(request)
    email = messages["email"]
    assert re.search("call|phone", email["after_call"]["text"].split("\n\n")[1])
    assert "voicemail" in email["after_voicemail"]["text"].split("\n\n")[1]
    assert email["after_call"]["subject"].startswith("Confirming I'm")
    without = DeclineRequest.model_validate(decline_request(channels=["email"]))
    assert "after_call" not in _compose(without)[0]["email"]


def test_advice_is_true_about_where_the_detail_appears() -> None:
    body = decline_request(channels=["email"])
    _, guidance = _compose(DeclineRequest.model_validate(body))
    review = next(item["message"] for item in guidance if item["code"] == "review_detail")
    assert "phone script" not in review
    assert "every message" not in review
    codes = [item["code"] for item in guidance]
    soon = (NOW + timedelta(hours=3)).isoformat()
    imminent = DeclineRequest.model_validate(decline_request(stage="interview", interview_at=soon))
    codes = [item["code"] for item in _compose(imminent)[1]]
    assert codes[0] == "interview_imminent"
    assert "call_first" not in codes  # the warning already says to call


@pytest.mark.parametrize(
    ("category", "detail", "fault"),
    [
        (
            "company_fit",
            "The process felt really disorganised and the team seemed overworked.",
            "disorganised",
        ),
        ("compensation", "Honestly the offer was a lowball for someone like me.", "lowball"),
        ("role_fit", "I didn't like how the manager spoke about the last person.", "manager spoke"),
    ],
)
def test_a_reason_that_criticises_the_employer_is_never_sent(
    category: str, detail: str, fault: str
) -> None:
    body = decline_request(reason={"category": category, "detail": detail})
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert not [text for text in _letters(messages) if fault in text]
    advice = {item["code"]: item for item in guidance}
    assert "review_detail" not in advice  # which would ask for it in sentences, and print it
    assert advice["detail_criticises"]["severity"] == "warning"
    assert f"(“{detail}”)" in advice["detail_criticises"]["message"]
    fair = "I've realized I want a smaller team where I can work more closely with customers."
    body = decline_request(reason={"category": "company_fit", "detail": fair})
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert fair in messages["email"]["text"]
    assert "detail_criticises" not in [item["code"] for item in guidance]


def test_a_decision_beside_a_reason_about_an_offer_does_not_say_offer_again() -> None:
    detail = "I've accepted an offer closer to home in Pretoria."
    body = decline_request(
        tone="brief", reason={"category": "accepted_other_offer", "detail": detail}
    )
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert f"I'm going to decline. {detail}" in text


def test_a_bare_sorry_in_the_reason_still_owns_the_short_notice() -> None:
    soon = (NOW + timedelta(hours=2)).isoformat()
    reason = {"category": "other", "detail": "Something came up, sorry."}
    body = decline_request(stage="interview", interview_at=soon, reason=reason, tone="warm")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert "Something came up, sorry. I know it's very short notice." in messages["email"]["text"]
    assert (
        "Something came up, sorry. I know it's such short notice."
        in (messages["phone_script"]["text"])
    )
    # A reason that apologises for the notice itself gets no second word about it.
    reason = {"category": "other", "detail": "Something came up, sorry for the short notice."}
    body = decline_request(stage="interview", interview_at=soon, reason=reason, tone="warm")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert "short notice. I know" not in messages["email"]["text"]
    assert messages["email"]["text"].count("notice") == 1


def test_after_a_missed_interview_a_reason_that_names_it_explains_the_absence() -> None:
    past = (NOW - timedelta(hours=26)).isoformat()
    detail = "I was admitted to hospital on Sunday night and could not call before the interview."
    reason = {"category": "personal", "detail": detail}
    body = decline_request(stage="interview", interview_at=past, reason=reason, tone="warm")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    for text in (messages["email"]["text"], messages["phone_script"]["text"]):
        assert text.index(detail) < text.index("withdraw"), text
        assert re.search(
            r"sorry (that )?I missed our interview yesterday morning\. " + re.escape(detail), text
        )
        # It is the reason too: the category's words would say it twice.
        assert "ersonal" not in text, text


def test_a_linkedin_note_sent_weeks_after_a_missed_interview_does_not_apologise_again() -> None:
    past = (NOW - timedelta(hours=26)).isoformat()
    body = decline_request(stage="interview", interview_at=past)
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    note = messages["linkedin_note"]["text"]
    assert not re.search(r"(?i)sorry|apolog|missing", note), note
    assert "Wait a few weeks" in {i["code"]: i["message"] for i in guidance}["connect_linkedin"]


def test_withdrawing_hours_before_an_interview_promises_no_invite_and_says_to_wait() -> None:
    soon = (NOW + timedelta(hours=3)).isoformat()
    body = decline_request(stage="interview", interview_at=soon, tone="brief")
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    for text in (messages["email"]["text"], messages["email"]["after_call"]["text"]):
        assert "LinkedIn" not in text, text
    assert "Let's stay in touch" not in messages["email"]["text"]  # too breezy, hours before
    assert "again. Thanks again" not in messages["email"]["text"]
    advice = {item["code"]: item["message"] for item in guidance}
    assert advice["connect_linkedin"].startswith("Wait a week or so after withdrawing")


def test_a_past_interview_the_reason_says_they_attended_is_not_apologised_for() -> None:
    past = (NOW - timedelta(hours=26)).isoformat()
    detail = "After speaking with you I don't think the rotating shift pattern is right for me."
    reason = {"category": "role_fit", "detail": detail}
    body = decline_request(stage="interview", interview_at=past, reason=reason)
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    for text in [*_letters(messages), messages["email"]["subject"]]:
        assert not re.search(r"(?i)sorry|apolog|missed|missing", text), text
    codes = [item["code"] for item in guidance]
    assert "interview_attended" in codes
    assert "interview_passed" not in codes


def test_after_a_missed_interview_no_one_is_spared_more_of_their_time() -> None:
    past = (NOW - timedelta(hours=26)).isoformat()
    for tone in ("warm", "formal"):
        reason = {"category": "accepted_other_offer"}
        body = decline_request(stage="interview", interview_at=past, reason=reason, tone=tone)
        text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
        assert "more of your time" not in text, text


def test_a_call_outside_working_hours_waits_for_their_morning() -> None:
    body = decline_request(stage="candidacy", interview_at="2026-11-28T10:00:00+05:30")
    request = DeclineRequest.model_validate(body)
    late = datetime.fromisoformat("2026-12-01T20:15:00+05:30")
    advice = {item["code"]: item["message"] for item in _compose(request, late)[1]}
    assert "make the call once their working day has started" in advice["call_first"]
    at_noon = datetime.fromisoformat("2026-12-01T12:15:00+05:30")
    advice = {item["code"]: item["message"] for item in _compose(request, at_noon)[1]}
    assert "working day" not in advice["call_first"]


def test_a_call_does_not_step_back_twice() -> None:
    detail = "I need to step back from my search for a few months to care for my father."
    body = decline_request(stage="candidacy", reason={"category": "personal", "detail": detail})
    script = _compose(DeclineRequest.model_validate(body))[0]["phone_script"]["text"]
    assert "I'm withdrawing from the process" in script
    assert "stepping back" not in script


# How a referral's strengths were typed, and how every message must then join them to a name.
STRENGTHS_AS_TYPED = [
    ("a brilliant product designer", "Sam is a brilliant product designer."),
    ("a sharp, funny voice", "Sam has a sharp, funny voice."),
    ("a great eye for typography", "Sam has a great eye for typography."),
    ("fast, accurate line editing", "Sam has fast and accurate line editing skills."),
    (
        "hands-on AWS and Azure migrations",
        "Sam has hands-on experience with AWS and Azure migrations.",
    ),
    ("hands-on experience with Kafka", "Sam has hands-on experience with Kafka."),
    ("building fast React interfaces", "Sam has experience building fast React interfaces."),
    ("covering medtech for eight years", "Sam has experience covering medtech for eight years."),
    ("leading incident response", "Sam has experience in leading incident response."),
    ("distributed systems and on-call", "Sam has experience in distributed systems and on-call."),
    ("led our move to Kubernetes", "Sam led our move to Kubernetes."),
    ("great with clients", "Sam is great with clients."),
    ("five years of Go", "Sam has five years' experience in Go."),
    ("8 years of experience in CMC submissions", "Sam has 8 years' experience in CMC submissions."),
    ("12 years of B2B sales experience", "Sam has 12 years' B2B sales experience."),
    ("five years building streaming pipelines", "Sam has spent five years building streaming"),
    ("Six Sigma Green Belt and PPAP experience", "Sam has Six Sigma Green Belt and PPAP"),
    ("brilliant at visual design", "Sam is brilliant at visual design."),
    ("strong teaching record", "Sam has a strong teaching record."),
    ("strong record on CQC compliance", "Sam has a strong record on CQC compliance."),
    ("very experienced engineer", "Sam is a very experienced engineer."),
    ("really good with stakeholders", "Sam is really good with stakeholders."),
]


@pytest.mark.parametrize(("strengths", "sentence"), STRENGTHS_AS_TYPED)
def test_a_referrals_strengths_read_as_they_were_typed(strengths: str, sentence: str) -> None:
    referral = {"name": "Sam Patel", "strengths": strengths, "timing": "now"}
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(referral=referral)))
    assert sentence in messages["email"]["text"]
    later = dict(referral, timing="later")
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(referral=later)))
    assert sentence in messages["follow_ups"][0]["text"]
    unnamed = {"relationship": "a former colleague", "strengths": strengths, "timing": "now"}
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(referral=unnamed)))
    clause = sentence.removeprefix("Sam ").removesuffix(".")
    assert f"a former colleague who {clause}" in messages["email"]["text"]


def test_the_advice_quotes_every_field_it_gave_capitals() -> None:
    advice = _guidance(decline_request(role="sr frontend dev", company="bytewave"))
    assert "(“Senior Frontend Developer”, “Bytewave”)" in advice["check_typing"]


def test_a_province_in_capitals_is_not_chat() -> None:
    advice = _guidance(decline_request(company="BC Ministry of Health"))
    assert "check_typing" not in advice
    role = "Administrative Officer (Grade V), Housing Department"
    assert "check_typing" not in _guidance(decline_request(role=role))
    # In lowercase it is chat: a reason typed so is left out, and the advice says why.
    body = decline_request(reason={"category": "other", "detail": "bc the commute is long"})
    assert "reads as a note or a chat message" in _guidance(body)["review_detail"]


def test_pay_alone_suggests_asking_about_flexibility_at_every_stage() -> None:
    for stage in ("offer", "candidacy", "interview"):
        advice = _guidance(decline_request(stage=stage, reason={"category": "compensation"}))
        assert advice["consider_negotiating"].startswith("If pay is the only obstacle"), stage
    advice = _guidance(decline_request(stage="interview", reason={"category": "compensation"}))
    assert "advertised pay" in advice["consider_negotiating"]


def test_with_no_one_to_check_in_with_the_advice_asks_only_for_what_is_missing() -> None:
    relationship = {"company_news": "your new Halifax branch"}
    advice = _guidance(decline_request(recipient=None, relationship=relationship))
    assert "drafted around what you gave" in advice["check_ins_need_a_reason"]
    assert "news about" not in advice["check_ins_need_a_reason"]


def test_a_date_in_the_default_locale_points_to_the_day_first_ones() -> None:
    ahead = (NOW + timedelta(days=4)).isoformat()
    advice = _guidance(decline_request(stage="interview", interview_at=ahead))
    assert "set the locale to yours (en-GB" in advice["check_locale"]
    body = decline_request(stage="interview", interview_at=ahead, locale="en-NZ")
    assert "check_locale" not in _guidance(body)
    assert "check_locale" not in _guidance(decline_request(stage="offer", interview_at=ahead))


def test_a_later_referral_without_follow_ups_says_how_to_have_it_drafted() -> None:
    referral = {"name": "Grace Ho", "timing": "later"}
    advice = _guidance(decline_request(referral=referral, channels=["email"]))
    assert "Add follow-ups to the channels" in advice["referral_later"]
    assert "Add follow-ups" not in _guidance(decline_request(referral=referral))["referral_later"]


def test_leaving_over_culture_names_the_role_sought_without_asking_for_it() -> None:
    body = decline_request(reason={"category": "company_fit"}, tone="warm")
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert (
        "Looking ahead, I'm focusing on finding a Data Platform Engineering Manager role." in text
    )


def test_a_brief_letter_to_someone_addressed_formally_is_not_signed_off_best() -> None:
    body = decline_request(tone="brief", recipient={"name": "Mr Rajesh Kumar"})
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert email.startswith("Dear Mr Kumar,")
    assert "\nBest regards,\nAna Ruiz" in email
    body = decline_request(tone="brief")
    assert "\nBest,\nAna Ruiz" in _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]


def test_read_98_and_97_small_classes() -> None:
    # Initialisms and inner capitals survive lowercase typing.
    for role, written in (
        ("senior devops engineer", "Senior DevOps Engineer"),
        ("assistant f&b manager", "Assistant F&B Manager"),
    ):
        subject = _compose(DeclineRequest.model_validate(decline_request(role=role)))[0]
        assert written in subject["email"]["subject"], subject["email"]["subject"]
    # "couldnt" is chat, like "didnt".
    reason = {"category": "timing", "detail": "sorry i couldnt attend, i am not looking to move"}
    body = decline_request(reason=reason)
    assert "couldnt" not in _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    # A programme with its intake year takes no "role".
    body = decline_request(role="RN Grad Program 2027", stage="candidacy")
    assert (
        "the RN Grad Program 2027 at"
        in _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    )
    # The call keeps the aside that tells the better-fit role from the one declined.
    preferred = {"title": "Senior Data Engineer (fully remote)"}
    body = decline_request(preferred_role=preferred)
    script = _compose(DeclineRequest.model_validate(body))[0]["phone_script"]["text"]
    assert "a Senior Data Engineer role (fully remote) opens up" in script, script
    # "earlier this autumn" dates the news as a whole: no "earlier" is left behind.
    assert news_of("your trial results for ALL earlier this autumn", "Acme") == (
        "your trial results for ALL"
    )
    # A brief farewell to a professor is not "best of luck filling the role".
    body = decline_request(
        tone="brief",
        recipient={"name": "Prof. Anil Deshpande"},
        relationship={"keep_in_touch": False},
    )
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "best of luck filling" not in text
    assert ", and all the best." in text
    # Typed news no check-in prints is nothing to retype.
    relationship = {"keep_in_touch": False, "company_news": "ur new AI centre"}
    assert "check_typing" not in _guidance(decline_request(relationship=relationship))


def test_a_referral_with_a_title_keeps_it_in_a_letter_to_someone_addressed_formally() -> None:
    referral = {"name": "Dr Arjun Nair", "strengths": "a sharp clinical eye", "timing": "now"}
    body = decline_request(referral=referral, recipient={"name": "Dr Meera Iyer"}, tone="warm")
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert text.startswith("Dear Dr Iyer,")
    assert "Dr Nair has a sharp clinical eye." in text
    assert "Arjun has" not in text


def test_a_brief_note_does_not_say_again_twice() -> None:
    body = decline_request(tone="brief", stage="interview")
    note = _compose(DeclineRequest.model_validate(body))[0]["linkedin_note"]["text"]
    assert note.count("again") <= 1, note


def test_a_later_check_in_says_goodbye_once() -> None:
    relationship = {"company_news": "your new Galway office", "common_ground": "trail running"}
    for name in ("Ana Ruiz", "Ben Ortiz", "Chloe Martin", "Dev Shah"):
        body = decline_request(candidate={"name": name}, relationship=relationship)
        for follow_up in _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]:
            text = follow_up["text"]
            assert not ("catch up sometime" in text and "paths cross" in text), text


def test_a_decline_without_a_referral_suggests_one() -> None:
    advice = _guidance(decline_request(referral=None, tone="formal"))
    assert advice["suggest_referral"].startswith("If you know someone who would suit the position")
    assert "suggest_referral" not in _guidance(decline_request())


def test_a_malay_name_keeps_its_binte_and_sme_is_an_initialism() -> None:
    body = decline_request(
        candidate={"name": "Nur Aisyah binte Rahman"}, role="sme banking relationship manager"
    )
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert "\nNur Aisyah binte Rahman" in messages["email"]["text"]
    assert "SME Banking Relationship Manager" in messages["email"]["subject"]


def test_the_body_named_before_a_comma_decides_the_the() -> None:
    # What follows the comma is part of the body named first.
    company = "NSW Health, South Eastern Sydney Local Health District"
    text = _compose(DeclineRequest.model_validate(decline_request(company=company)))[0]
    assert f"at {company}," in text["email"]["text"]
    assert "the NSW Health" not in text["email"]["text"]


def test_three_letters_in_lowercase_are_an_initialism() -> None:
    body = decline_request(company="dsv", stage="candidacy", recipient=None)
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert messages["email"]["text"].startswith("Hello DSV team,")
    assert "Dsv" not in " ".join(_letters(messages))


@pytest.mark.parametrize(
    ("company", "in_a_sentence"),
    [
        ("University of Toronto", "at the University of Toronto"),
        ("Allen Institute", "at the Allen Institute"),
        ("Manchester City Council", "at Manchester City Council"),
        ("Bank of America", "at Bank of America"),
        ("Harvard University", "at Harvard University"),
        ("The Guardian", "at The Guardian"),
        ("Bureau of Meteorology", "at the Bureau of Meteorology"),
        ("Institut de Cardiologie", "at the Institut de Cardiologie"),
        ("Wellcome Trust", "at the Wellcome Trust"),
        ("Lakeshore Police Service", "at the Lakeshore Police Service"),
        ("National Heritage Gallery", "at the National Heritage Gallery"),
    ],
)
def test_an_institution_takes_the_in_a_sentence_but_not_before_team(
    company: str, in_a_sentence: str
) -> None:
    named = decline_request(company=company, stage="candidacy")
    assert in_a_sentence in _compose(DeclineRequest.model_validate(named))[0]["email"]["text"]
    body = decline_request(company=company, stage="candidacy", recipient=None)
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    # "Hello The Guardian team," would print the name's "The" mid-phrase.
    assert text.startswith(f"Hello {company.removeprefix('The ')} team,")
    # Greeted as the team, the email names the company once.
    assert "during the interviews for your Senior Data Engineer role." in text


def test_a_better_fit_role_that_is_the_recipients_own_title_is_never_asked_for() -> None:
    body = decline_request(
        recipient={"name": "Mark Hale", "title": "CEO"}, preferred_role={"title": "ceo"}
    )
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert not [text for text in _letters(messages) if re.search("ceo", text, re.IGNORECASE)]
    note = next(item["message"] for item in guidance if item["code"] == "preferred_role_is_theirs")
    assert "Mark's own title (CEO)" in note


def test_a_better_fit_role_they_hold_one_of_many_of_is_asked_for() -> None:
    body = decline_request(
        recipient={"name": "Mark Hale", "title": "Engineering Manager"},
        preferred_role={"title": "Engineering Manager"},
    )
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert "an Engineering Manager role" in messages["email"]["text"]
    assert "preferred_role_is_theirs" not in [item["code"] for item in guidance]


def _check_ins(body: dict[str, Any]) -> list[dict[str, Any]]:
    messages, _ = _compose(DeclineRequest.model_validate(body))
    return [f for f in messages["follow_ups"] if f["kind"] == "check_in"]


@pytest.mark.parametrize(
    ("news", "said"),
    [
        ("the launch of your payments API", "the team on the launch of your payments API!"),
        (
            "Congratulations on the firm's Legal 500 ranking",
            "team on the firm's Legal 500 ranking!",
        ),
        ("The new lab building.", "the team on the new lab building!"),
        # A check-in goes out months later: "just" and "last month" would be wrong by then.
        ("Quantis just launched real-time payouts", "I saw that Quantis launched real-time"),
        ("you opened a second clinic in Ponsonby", "I saw that you opened a second clinic"),
        ("just won the NHS contract", "I saw that Acme Analytics won the NHS contract —"),
        ("saw you won a D&AD pencil, congrats", "I saw that you won a D&AD pencil —"),
        (
            "your team closed the Brightline refinancing last month",
            "I saw that your team closed the Brightline refinancing —",
        ),
        ("the new office opened recently.", "I saw that the new office opened —"),
        ("the recently launched portal", "the team on the recently launched portal!"),
        ("Congratulations on the Series B!", "the team on the Series B! I'd"),
        ("your NHS trust partnership announced last month", "on your NHS trust partnership! I'd"),
        (
            "the Margazhi season line-up you announced last week!",
            "on the Margazhi season line-up you announced! I'd",
        ),
    ],
)
def test_company_news_reads_as_it_was_typed(news: str, said: str) -> None:
    relationship = {"company_news": news}
    (check_in,) = _check_ins(decline_request(relationship=relationship))
    assert said in check_in["text"]
    assert "Congratulations on Congratulations" not in check_in["subject"]
    assert not re.search(r"Congratulations on (you |Quantis)", check_in["subject"])


@pytest.mark.parametrize(
    ("common", "said"),
    [
        ("trail running", "Are you still finding time for trail running? I'd love"),
        ("We both rowed at university.", "great to find that we both rowed at university, and"),
        ("our mutual friend Bongani", "sometime, not least about our mutual friend Bongani, and"),
        ("our shared time at Trinity", "not least about our time at Trinity, and"),
        ("the Boston Tax Forum", "not least about the Boston Tax Forum, and"),
        ("we both presented at ASHG last year", "to find that we both presented at ASHG, and"),
    ],
)
def test_common_ground_reads_as_it_was_typed(common: str, said: str) -> None:
    (check_in,) = _check_ins(decline_request(relationship={"common_ground": common}))
    assert said in check_in["text"]
    assert check_in["subject"] == "Checking in"


def test_the_candidates_reason_starts_its_sentence_and_is_not_apologised_for_twice() -> None:
    soon = (NOW + timedelta(hours=5)).isoformat()
    detail = "just signed with another company this morning, sorry for the short notice."
    body = decline_request(
        stage="interview", interview_at=soon, reason={"category": "other", "detail": detail}
    )
    messages, _ = _compose(DeclineRequest.model_validate(body))
    for text in (messages["email"]["text"], messages["phone_script"]["text"]):
        assert "Just signed with another company this morning" in text
        assert text.lower().count("short notice") == 1, text


def test_a_courtesy_title_is_greeted_with_dear_in_every_tone() -> None:
    recipient = {"name": "Klaus Müller", "address_as": "Herr Müller"}
    for tone in Tone:
        messages, _ = _compose(
            DeclineRequest.model_validate(decline_request(recipient=recipient, tone=tone.value))
        )
        assert messages["email"]["text"].startswith("Dear Herr Müller,")
        assert messages["phone_script"]["text"].startswith("Hello Herr Müller,")


def test_a_preferred_role_typed_with_its_article_gets_no_second_one() -> None:
    body = decline_request(
        preferred_role={"title": "a leadership role"}, reason={"category": "role_fit"}
    )
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert "a leadership role" in messages["email"]["text"]
    assert not [t for t in _letters(messages) if re.search(r"\ban? an? leadership", t)]


@pytest.mark.parametrize(
    ("title", "phrase"),
    [
        ("Engineering Manager", "an Engineering Manager role"),
        ("Store Manager at a store in South Austin", "a Store Manager role at a store in South"),
        ("junior designer role with more concept work", "a junior designer role with more concept"),
        ("a leadership role", "be considered for a leadership role,"),
        ("Engineering Manager, Data Platform", "a Data Platform Engineering Manager role"),
        ("Engineering Manager, Senior", "a role like Engineering Manager, Senior"),
        # Typed as a kind of role: one of them, as "if one opens up" needs.
        ("Product leadership roles", "be considered for a product leadership role, so"),
        ("UX research positions", "be considered for a UX research position, so"),
        ("something more research-focused", "be considered for something more research-focused"),
    ],
)
def test_the_better_fit_role_reads_as_one_noun_phrase(title: str, phrase: str) -> None:
    body = decline_request(preferred_role={"title": title}, reason={"category": "role_fit"})
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert phrase in messages["email"]["text"]
    for text in _letters(messages):
        assert "role role" not in text
        assert not re.search(r"\ban? an? ", text)
        assert "opens up at" not in text  # the better fit may be anywhere


def test_a_referral_is_introduced_as_a_person_would() -> None:
    referral = {
        "name": "Dr. Tomasz Wolski",
        "relationship": "former colleague at Unilever",
        "strengths": "brand strategy, campaign planning, pricing",
    }
    messages, guidance = _compose(DeclineRequest.model_validate(decline_request(referral=referral)))
    email = messages["email"]["text"]
    assert "Dr. Tomasz Wolski, my former colleague at Unilever," in email
    # A warm letter calls a peer by first name after naming them in full.
    assert "Tomasz has experience in brand strategy, campaign planning and pricing." in email
    assert "Check with Tomasz" in " ".join(item["message"] for item in guidance)
    typed_as_a_sentence = dict(referral, relationship="She reported to me at Sophos.")
    messages, _ = _compose(
        DeclineRequest.model_validate(decline_request(referral=typed_as_a_sentence))
    )
    assert "Dr. Tomasz Wolski, who reported to me at Sophos, for the" in messages["email"]["text"]
    on_its_own = dict(referral, strengths="her design work is excellent.")
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(referral=on_its_own)))
    assert "Unilever, for the role. Her design work is excellent." in messages["email"]["text"]
    script = messages["phone_script"]["text"]
    assert "my former colleague at Unilever. Her design work is excellent." in script


def test_a_panel_is_greeted_as_a_group_never_by_its_first_word() -> None:
    body = decline_request(recipient={"name": "Network Engineering Interview Panel"})
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert not [text for text in _letters(messages) if "Network," in text]
    assert messages["email"]["text"].startswith("Hello Network Engineering Interview Panel,")
    advice = " ".join(item["message"] for item in guidance)
    assert "Connect with Network Engineering Interview Panel" not in advice


def test_a_team_named_by_the_candidate_is_greeted_as_named() -> None:
    body = decline_request(recipient={"name": "Acme Recruitment Team"}, tone="formal")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert messages["email"]["text"].startswith("Dear Acme Recruitment Team,")
    # Whoever answered the call is greeted, not the team, and without a gap to fill in.
    assert messages["email"]["after_call"]["text"].startswith("Hello again,\n\n")
    assert messages["phone_script"]["text"].startswith("Hello, my name is Ana Ruiz.")


def test_common_ground_typed_as_a_note_is_not_quoted_to_the_recipient() -> None:
    relationship = {"common_ground": "seahawks fans lol"}
    messages, guidance = _compose(
        DeclineRequest.model_validate(decline_request(relationship=relationship))
    )
    assert "seahawks" not in " ".join(_letters(messages))
    # With the better-fit role to ask about, a check-in is drafted about that alone.
    (check_in,) = messages["follow_ups"]
    assert "Data Platform Engineering Manager role" in check_in["text"]
    (advice,) = [item["message"] for item in guidance if item["code"] == "check_ins_scheduled"]
    assert "reads like a note to yourself" in advice
    assert "A check-in about the role you would rather have" in advice
    assert "it gives the check-in more to say" in advice
    body = decline_request(relationship=relationship, preferred_role=None)
    _, guidance = _compose(DeclineRequest.model_validate(body))
    (advice,) = [item["message"] for item in guidance if item["code"] == "check_ins_need_a_reason"]
    assert "reads like a note to yourself" in advice


def test_no_linkedin_invite_is_promised_without_a_note_and_noon_is_said_as_noon() -> None:
    noon = NOW.astimezone(timezone(timedelta(hours=-5))).replace(hour=12, minute=0)
    noon += timedelta(days=1)
    body = decline_request(stage="interview", interview_at=noon.isoformat())
    with_note, _ = _compose(DeclineRequest.model_validate(body))
    assert "LinkedIn" in with_note["email"]["text"]
    assert "tomorrow at noon" in with_note["phone_script"]["text"]
    body["channels"] = ["email", "phone_script"]
    without, _ = _compose(DeclineRequest.model_validate(body))
    assert not [text for text in _letters(without) if "LinkedIn" in text]


def test_a_referral_given_only_by_email_is_someone_the_candidate_knows_and_no_blank() -> None:
    referral = {"email": "j.fairley@example.com", "timing": "later"}
    messages, guidance = _compose(DeclineRequest.model_validate(decline_request(referral=referral)))
    assert "[" not in "".join(_letters(messages))
    (follow_up, *_) = messages["follow_ups"]
    assert "I'd like to recommend someone from my network" in follow_up["text"], follow_up["text"]
    assert "You can reach them at j.fairley@example.com." in follow_up["text"]
    advice = " ".join(item["message"] for item in guidance)
    assert "You gave j.fairley@example.com but no name for the person you'd recommend" in advice


@pytest.mark.parametrize("tone", ["warm", "formal", "brief"])
def test_a_referral_with_strengths_and_an_address_is_named_twice_not_three_times(
    tone: str,
) -> None:
    referral = {
        "name": "Lena Fischer",
        "email": "lena@example.com",
        "relationship": "a former teammate at Orbit",
        "strengths": "She has shipped two design systems end to end",
    }
    for timing in ("now", "later"):
        body = decline_request(referral=dict(referral, timing=timing), tone=tone)
        messages, _ = _compose(DeclineRequest.model_validate(body))
        letter = messages["email"] if timing == "now" else messages["follow_ups"][0]
        paragraph = next(p for p in letter["text"].split("\n\n") if "Lena Fischer" in p)
        assert "Lena Fischer (lena@example.com), a former teammate at Orbit" in paragraph
        assert paragraph.count("Lena") == 2, paragraph


def test_a_title_in_parts_follows_a_dash_in_the_subject() -> None:
    body = decline_request(role="Associate, Investment Banking")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    email = messages["email"]
    assert email["subject"] == "Declining your offer — Associate, Investment Banking"
    assert email["after_call"]["subject"].endswith("your offer — Associate, Investment Banking")
    plain, _ = _compose(DeclineRequest.model_validate(decline_request()))
    assert plain["email"]["subject"] == "Declining the Senior Data Engineer offer, with thanks"


def test_timing_alone_suggests_asking_for_a_later_start() -> None:
    for stage in ("offer", "candidacy", "interview"):
        body = decline_request(stage=stage, reason={"category": "timing"})
        codes = [item["code"] for item in _compose(DeclineRequest.model_validate(body))[1]]
        assert ("ask_about_start_date" in codes) is (stage != "interview"), stage
    # Staying where they are, no later start would change it.
    for detail in ("My employer has offered me a promotion.", "I'm staying in my current role."):
        body = decline_request(reason={"category": "timing", "detail": detail})
        codes = [item["code"] for item in _compose(DeclineRequest.model_validate(body))[1]]
        assert "ask_about_start_date" not in codes, detail


def test_a_long_name_asks_the_candidate_to_check_the_greeting() -> None:
    body = decline_request(recipient={"name": "María José Alvarez", "title": "Recruiter"})
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert messages["email"]["text"].startswith("Hi María,")
    (advice,) = [item["message"] for item in guidance if item["code"] == "check_address_as"]
    assert "greet María José Alvarez as “María”" in advice
    for recipient in (
        {"name": "María José Alvarez", "address_as": "María José"},
        {"name": "Jordan Lee"},
        {"name": "Dr. Eleanor Marsh"},
    ):
        body = decline_request(recipient=recipient)
        codes = [item["code"] for item in _compose(DeclineRequest.model_validate(body))[1]]
        assert "check_address_as" not in codes, recipient


def _guidance(body: dict[str, Any]) -> dict[str, str]:
    return {
        item["code"]: item["message"] for item in _compose(DeclineRequest.model_validate(body))[1]
    }


def test_letters_after_a_name_are_not_greeted_and_lowercase_names_get_capitals() -> None:
    recipient = {"name": "Dr. Elspeth MacGillivray-Hume PhD", "title": "Head of School"}
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(recipient=recipient)))
    assert messages["email"]["text"].startswith("Dear Dr. MacGillivray-Hume,")
    assert messages["phone_script"]["text"].startswith("Hello Dr. MacGillivray-Hume,")
    assert "PhD" not in " ".join(_letters(messages))
    body = decline_request(
        candidate={"name": "jess moreno", "email": "jess@example.com"},
        recipient={"name": "kelsey de la cruz"},
        referral={"name": "sean o'neill-mcbride", "timing": "now"},
    )
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert messages["email"]["text"].startswith("Hi Kelsey,")
    assert "\nJess Moreno\n" in messages["email"]["text"]
    assert "it's Jess Moreno" in messages["phone_script"]["text"]
    assert "recommend Sean O'Neill-McBride" in messages["email"]["text"]


def test_casual_typing_and_a_long_reason_are_pointed_out() -> None:
    assert "check_typing" not in _guidance(decline_request())
    for casual in (
        {"role": "sr. ux designer"},
        {"company": "bloom & co"},
        {"preferred_role": {"title": "ops lead w/ more mgmt"}},
        {"relationship": {"company_news": "ur new CLI 🚀"}},
    ):
        assert "check_typing" in _guidance(decline_request(**casual)), casual
    # What the messages leave out is nothing to retype: a reason's emoji, a news "you guys".
    for left_out in (
        {"reason": {"category": "location", "detail": "The commute is two hours each way 😩"}},
        {"relationship": {"company_news": "the new studio you guys opened"}},
    ):
        assert "check_typing" not in _guidance(decline_request(**left_out)), left_out
    long = {"category": "role_fit", "detail": "The role is mostly operational. " * 9}
    advice = _guidance(decline_request(reason=long))["review_detail"]
    assert "At this length they are hard to say on a call" in advice
    assert "At this length" not in _guidance(decline_request())["review_detail"]


@pytest.mark.parametrize(
    ("tone", "email", "check_in"),
    [
        (
            "warm",
            "If the team moves to remote-first, I'd love to be considered for a Remote",
            "If the team moves to remote-first, please keep me in mind for a Remote",
        ),
        (
            "formal",
            "If the team moves to remote-first, I would welcome being considered for a",
            "If the team moves to remote-first, I would still be delighted to be considered",
        ),
        (
            "brief",
            "If the team moves to remote-first, I'd love to hear about a Remote",
            "If the team moves to remote-first, I'd still love to hear about a Remote",
        ),
    ],
)
def test_a_better_fit_role_typed_with_its_condition_is_asked_for_with_it(
    tone: str, email: str, check_in: str
) -> None:
    preferred = {"title": "Remote Senior Engineer", "note": "if the team moves to remote-first"}
    detail = {"category": "company_fit", "detail": "I am looking for a fully remote team."}
    body = decline_request(preferred_role=preferred, reason=detail, tone=tone)
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert email in messages["email"]["text"]
    assert (
        "If the team moves to remote-first, I'd really like to hear about"
        in messages["phone_script"]["text"]
    )
    assert check_in in messages["follow_ups"][-1]["text"]
    described = dict(preferred, note="a leadership role")
    body = decline_request(preferred_role=described, tone=tone)
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert "leadership" not in messages["email"]["text"]


def test_an_email_after_a_voicemail_does_not_say_so_twice_or_thank_again_after_again() -> None:
    missed = decline_request(stage="interview", interview_at="2026-11-20T15:00:00-05:00")
    text = _compose(DeclineRequest.model_validate(missed))[0]["email"]["after_voicemail"]["text"]
    assert "As I said, I'm very sorry that I missed our interview" in text
    assert "in my voicemail" not in text
    soon = (NOW + timedelta(hours=20)).isoformat()
    body = decline_request(stage="interview", interview_at=soon, tone="formal")
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]
    assert (
        "Again, please accept my apologies for the very short notice."
        in email["after_voicemail"]["text"]
    )
    assert "Thank you for your understanding" in email["after_voicemail"]["text"]
    assert "Thank you again for your understanding" in email["text"]


def test_with_no_one_named_the_guidance_says_whom_to_call() -> None:
    advice = _guidance(decline_request(recipient=None))
    assert (
        "First call Acme Analytics and ask for whoever is handling your application"
        in advice["call_first"]
    )
    assert "Connect with whoever made you the offer on LinkedIn" in advice["connect_linkedin"]
    assert "put in the name of the person you spoke to" in advice["recipient_missing"]


def test_a_call_says_a_title_as_a_person_would() -> None:
    body = decline_request(role="Full-Stack Engineer (Contract to Perm)")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    script = messages["phone_script"]
    assert "offering me the Full-Stack Engineer role" in script["text"]
    assert "(Contract to Perm)" not in script["text"] + script["voicemail"]
    # Written, the aside is left to the subject line, which gives the title whole.
    assert "the Full-Stack Engineer role at Acme" in messages["email"]["text"]
    assert "Full-Stack Engineer (Contract to Perm)" in messages["email"]["subject"]
    long = "Senior Manager, Global Regulatory Affairs Strategy and Submissions Operations, EMEA"
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(role=long)))
    assert "offering me the Senior Manager role," in messages["phone_script"]["text"]
    assert (
        "the Senior Manager role (Global Regulatory Affairs Strategy and Submissions Operations)"
        " at Acme" in messages["email"]["text"]
    )
    listed = "Teacher, Science (Grades 7–9), Part-Time"
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(role=listed)))
    assert "offering me the Science Teacher role," in messages["phone_script"]["text"]
    assert "the Science Teacher role at Acme" in messages["email"]["text"]
    too_long = "Associate Professor and Deputy Director of Translational Neuroscience Research"
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(role=too_long)))
    assert "offering me the role," in messages["phone_script"]["text"]


def test_an_interview_missed_long_ago_owns_the_delay() -> None:
    body = decline_request(stage="interview", interview_at="2026-08-14T13:00:00-05:00")
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert "and that it's taken me so long to write." in messages["email"]["text"]
    assert "and that it's taken me this long to call." in messages["phone_script"]["text"]
    assert "and that I didn't get in touch sooner." in messages["phone_script"]["voicemail"]
    advice = {item["code"]: item["message"] for item in guidance}
    assert "they have probably moved on" in advice["send_promptly"]
    recent = decline_request(stage="interview", interview_at="2026-11-24T13:00:00-05:00")
    messages, _ = _compose(DeclineRequest.model_validate(recent))
    assert "so long" not in messages["email"]["text"]


def test_only_a_title_where_the_name_goes_leaves_the_surname_to_fill_in() -> None:
    body = decline_request(recipient={"name": "Prof"})
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert messages["email"]["text"].startswith("Dear Prof [surname],")
    assert messages["phone_script"]["text"].startswith("Hello Prof [surname],")
    advice = {item["code"]: item["message"] for item in guidance}
    assert "put their surname in its place" in advice["check_address_as"]


def test_a_later_referral_with_no_one_in_it_is_offered_in_the_decline() -> None:
    # Sent alone two days on, "someone from my network" invites "who?": the offer goes in the
    # decline, and the guidance says why and how to have a named one sent later.
    body = decline_request(referral={"timing": "later"}, relationship={"keep_in_touch": False})
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert "follow_ups" not in messages or not messages["follow_ups"]
    assert "recommend someone from my network" in messages["email"]["text"]
    advice = {item["code"]: item["message"] for item in guidance}
    assert "in the decline itself" in advice["referral_consent"]
    assert "referral_later" not in advice
    # With someone in it, "later" is kept.
    body = decline_request(referral={"timing": "later", "relationship": "a former colleague"})
    kinds = [f["kind"] for f in _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]]
    assert "referral" in kinds


def test_no_message_reads_out_or_writes_an_emoji_in_the_reason() -> None:
    reason = {"category": "accepted_other_offer", "detail": "I accepted another offer 🙂"}
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(reason=reason)))
    assert "I accepted another offer." in messages["phone_script"]["text"]
    # Written, it read to the cold readers as a chat message pasted into a letter.
    assert "I accepted another offer." in messages["email"]["text"]
    assert not [text for text in _letters(messages) if "🙂" in text]


def test_a_note_typed_to_follow_the_better_fit_role_follows_it() -> None:
    preferred = {"title": "Water Resources Engineer", "note": "on your water and environment team"}
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(preferred_role=preferred)))
    assert (
        "a Water Resources Engineer role on your water and environment team"
        in (messages["email"]["text"])
    )


def test_an_early_morning_interview_is_called_once_the_working_day_starts() -> None:
    early = NOW.astimezone(timezone(timedelta(hours=-5))).replace(hour=4) + timedelta(hours=0)
    body = decline_request(stage="interview", interview_at=(early + timedelta(hours=4)).isoformat())
    for now, expected in (
        # At 4 am the news goes now, in writing, and the call follows once they are in.
        (early, "Don't wait for their working day to start to let them know: leave a voicemail"),
        (early, "Then call Jordan Lee as soon as their day starts to make sure it reached them"),
        (early + timedelta(hours=5), "now rather"),
    ):
        _, guidance = compose_fields(DeclineRequest.model_validate(body), now=now)
        advice = {item["code"]: item["message"] for item in guidance}
        if "interview_imminent" in advice:
            assert expected in str(advice["interview_imminent"]), now


def test_a_reason_that_dates_the_decision_is_pointed_out_beside_a_missed_interview() -> None:
    reason = {
        "category": "accepted_other_offer",
        "detail": "I accepted another offer yesterday morning.",
    }
    body = decline_request(
        stage="interview", interview_at="2026-11-24T13:00:00-05:00", reason=reason
    )
    advice = {
        item["code"]: item["message"] for item in _compose(DeclineRequest.model_validate(body))[1]
    }
    assert "reads as what kept you away, not as when you decided" in advice["interview_passed"]


@pytest.mark.parametrize("tone", ["warm", "formal", "brief"])
def test_the_email_after_a_call_keeps_the_better_fit_role_on_record(tone: str) -> None:
    email = _compose(DeclineRequest.model_validate(decline_request(tone=tone)))[0]["email"]
    assert "Data Platform Engineering Manager role" in email["after_call"]["text"]
    culture = decline_request(tone=tone, reason={"category": "company_fit"})
    email = _compose(DeclineRequest.model_validate(culture))[0]["email"]
    assert "Engineering Manager" not in email["after_call"]["text"]


def test_braces_in_a_company_are_pointed_out() -> None:
    assert "check_typing" in _guidance(decline_request(company="Al Noor Holdings {{Dubai}}"))


def test_a_better_fit_title_in_two_parts_is_asked_for_as_a_role_in_its_field() -> None:
    for title, phrase in (
        # A seniority and its job stay one name, as on the offer.
        ("Senior Policy Analyst, Research", "a Senior Policy Analyst role in Research"),
        ("Associate, Investment Banking", "an Investment Banking Associate role"),
        ("Software Engineer, Senior", "a role like Software Engineer, Senior"),
    ):
        body = decline_request(preferred_role={"title": title}, tone="formal")
        messages, _ = _compose(DeclineRequest.model_validate(body))
        letters = _letters(messages)
        assert f"considered for {phrase}, should one arise" in messages["email"]["text"], title
        assert all("a role like" not in text for text in letters) or "like" in phrase, title


def test_a_family_name_with_a_particle_is_greeted_whole() -> None:
    for name, greeting in (
        ("Mr. Pieter de Vries", "Dear Mr. de Vries,"),
        ("Ms. Ana María de la Cruz", "Dear Ms. de la Cruz,"),
        ("Mr. Al Smith", "Dear Mr. Smith,"),
    ):
        body = decline_request(recipient={"name": name}, tone="formal")
        messages, _ = _compose(DeclineRequest.model_validate(body))
        assert messages["email"]["text"].startswith(greeting), name


def test_years_a_referral_spent_are_had_not_brought() -> None:
    for strengths, sentence in (
        ("five years building streaming pipelines", "Sam has spent five years building"),
        ("10 yrs on commercial sites", "Sam has spent 10 yrs on commercial sites."),
        ("three years on a busy respiratory ward", "Sam has spent three years on a busy"),
        ("over a decade running kitchens", "Sam has spent over a decade running kitchens."),
        ("ten years of Go", "Sam has ten years' experience in Go."),
        ("eight years as a coach and a strong record", "Sam has eight years as a coach"),
        ("eight years in family practice and fluent Spanish", "Sam has eight years in family"),
        ("Leaving Cert higher-level maths experience", "Sam has Leaving Cert higher-level"),
        ("fast, accurate, and great with CMS tools", "Sam is fast, accurate, and great with CMS"),
        ("commercial contract management in offshore wind", "Sam has experience in commercial"),
        ("leading our Year 11 and 12 maths programme", "Sam has experience leading our Year 11"),
        (
            "eight years leading motor and property claims teams",
            "Sam has spent eight years leading motor and property claims teams.",
        ),
        (
            "fifteen years on commercial fit-outs and he's fully gas safe registered",
            "Sam has fifteen years on commercial fit-outs and he's fully",
        ),
        ("two published collections", "Sam has two published collections."),
        ("deep experience in liquidity management", "Sam has deep experience"),
    ):
        referral = {"name": "Sam Patel", "strengths": strengths, "timing": "now"}
        messages, _ = _compose(DeclineRequest.model_validate(decline_request(referral=referral)))
        assert sentence in messages["email"]["text"], strengths


@pytest.mark.parametrize("tone", ["warm", "formal", "brief"])
def test_someone_unnamed_with_strengths_is_someone_once(tone: str) -> None:
    referral = {"strengths": "deep experience in liquidity management", "timing": "now"}
    body = decline_request(referral=referral, tone=tone)
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "recommend someone I know who has deep experience in liquidity management." in text
    assert text.count("someone") == 1
    assert text.count("glad") <= 1


@pytest.mark.parametrize("tone", ["warm", "formal", "brief"])
def test_hours_before_an_interview_the_news_comes_before_any_deliberation(tone: str) -> None:
    soon = (NOW + timedelta(hours=3)).isoformat()
    body = decline_request(stage="interview", interview_at=soon, tone=tone)
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    writing = "I am writing to" if tone == "formal" else "I'm writing to"
    assert f"{writing} withdraw my application, so I" in text
    assert "thought" not in text
    weeks = (NOW + timedelta(days=20)).isoformat()
    body = decline_request(stage="interview", interview_at=weeks, tone=tone)
    assert "writing to" not in _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]


def test_follow_ups_asked_for_without_keeping_in_touch_say_why_none_is_drafted() -> None:
    body = decline_request(relationship={"keep_in_touch": False}, referral=None)
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert messages["follow_ups"] == []
    assert "you chose not to keep in touch" in _guidance(body)["check_ins_not_drafted"]
    assert "check_ins_not_drafted" not in _guidance(decline_request())


@pytest.mark.parametrize(
    ("detail", "a_note"),
    [
        ("Pay.", True),
        ("Got another job.", True),
        ("Accepted another offer yesterday.", True),
        ("Not for me.", True),
        ("Not sure the team setup is right for me.", True),
        ("Relocating to Port Harcourt is not possible for my family at the moment.", False),
        ("Family stuff... need to be closer to home for a while :(", True),
        ("Decided to stay with my current employer after a counter-offer.", True),
        ("I've accepted another offer.", False),
        ("The commute would be too long for me.", False),
        ("My partner's job is moving us to Perth.", False),
        ("A family emergency came up.", False),
        ("Commute is too long.", False),
    ],
)
def test_a_reason_typed_as_a_note_is_left_out_and_pointed_out(detail: str, a_note: bool) -> None:
    body = decline_request(reason={"category": "compensation", "detail": detail})
    said = f"Your reason (“{detail}”) reads as a note" in _guidance(body)["review_detail"]
    assert said is a_note
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert (detail not in "".join(_letters(messages))) is a_note
    if a_note:  # the table's words for pay stand in
        # "pay": an hourly rate is no salary.
        assert "the pay isn't quite what I need" in messages["email"]["text"]


@pytest.mark.parametrize(
    "detail",
    [
        "Tbh i got offered a day shift role at my current place so im gonna stay put.",
        "Family emergency...",
        "Want something more hands on w/ community groups, less desk based.",
        "—",
        "Honestly I got another offer yesterday that I've said yes to, it's closer to home.",
        "Family stuff has come up and I can't commit to a new job right now.",
        "The travel is a lot more than I expected (like 60%?) and I need to be home more.",
        "THE FIXED CTC IS LOWER THAN MY CURRENT SALARY.",
        # However long: the reads rewrote every message that printed a long one.
        "So basically the commute would be nearly two hours each way, and with the kids"
        " starting at a new school in January and my partner working nights, I just cant see"
        " how I would make it work for the next year or so, which is a real shame because I"
        " loved the team and the work sounded great.",
    ],
)
def test_a_reason_in_shorthand_or_without_words_is_left_out(detail: str) -> None:
    body = decline_request(reason={"category": "timing", "detail": detail})
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    for text in [*_letters(messages), *messages["phone_script"]["talking_points"]]:
        assert detail not in text or detail == "—", text
        assert "—." not in text, text
        assert "in your words" not in text
    assert "The timing isn't right for me" in messages["email"]["text"]
    advice = {item["code"]: item["message"] for item in guidance}
    assert f"(“{detail}”)" in advice["review_detail"]
    assert "check_typing" not in advice  # nothing typed casually is left in the messages


def test_the_typing_advice_names_what_reads_as_casual() -> None:
    referral = {"name": "Sam Patel", "strengths": "great w/ clients"}
    body = decline_request(company="studio kin", referral=referral)
    advice = _guidance(body)["check_typing"]
    assert "(the referral's strengths)" in advice
    assert (
        "You typed the company in lowercase, so the messages give it capitals (“Studio Kin”)"
        in (advice)
    )
    assert "if the company writes its own name in lowercase, put it back" in advice
    advice = _guidance(decline_request(role="sr. ux designer"))["check_typing"]
    assert advice.startswith("You typed the role in lowercase"), advice
    assert "put it back" not in advice


def test_the_typing_advice_names_a_title_given_capitals_without_its_emoji() -> None:
    # The messages print "Growth Marketer": what they print is what the advice names.
    advice = _guidance(decline_request(role="growth marketer 🚀"))["check_typing"]
    assert (
        "You typed the role in lowercase, so the messages give it capitals (“Growth Marketer”)"
        in advice
    ), advice


@pytest.mark.parametrize(
    ("role", "company", "said"),
    [
        ("sr. ux designer", "zeebuzz media", "the Senior UX Designer role at Zeebuzz Media"),
        ("content writer", "kōwhai pharmaceuticals nz", "Content Writer role at Kōwhai Pharma"),
        ("head of sales", "bloom & co", "the Head of Sales role at Bloom & Co"),
    ],
)
def test_a_title_or_company_typed_in_lowercase_is_given_capitals(
    role: str, company: str, said: str
) -> None:
    body = decline_request(role=role, company=company, stage="candidacy")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert said in messages["email"]["text"], messages["email"]["text"]
    assert role not in messages["email"]["subject"]


def test_candidates_sign_without_their_own_title() -> None:
    body = decline_request(candidate={"name": "Dr. Amara Okafor-Bright"})
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert messages["email"]["text"].endswith("\nAmara Okafor-Bright")
    assert "Dr. Amara" not in "".join(_letters(messages))


def test_an_offer_with_no_one_named_is_addressed_to_whoever_made_it() -> None:
    advice = _guidance(decline_request(recipient=None))["recipient_missing"]
    assert "Add the name of whoever made you the offer" in advice
    interview = _guidance(decline_request(recipient=None, stage="interview"))
    assert "your recruiter or the job post may say" in interview["recipient_missing"]


def test_a_public_body_after_a_country_takes_the() -> None:
    body = decline_request(company="U.S. Department of Transportation")
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert "at the U.S. Department of Transportation" in messages["email"]["text"]
    assert "check_typing" not in {item["code"] for item in guidance}  # "U.S." is no "u"
    assert (
        "at Bank of America"
        in _compose(DeclineRequest.model_validate(decline_request(company="Bank of America")))[0][
            "email"
        ]["text"]
    )


def test_a_title_too_long_to_say_leaves_no_empty_slot_in_the_voicemail() -> None:
    long = "Associate Professor and Deputy Director of the Centre for Translational Neuroscience"
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(role=long)))
    voicemail = messages["phone_script"]["voicemail"]
    assert "calling about your offer." in voicemail
    assert "the offer for the role" not in voicemail


def test_a_shortened_note_says_what_it_left_out() -> None:
    body = decline_request(
        role="Senior Manager, Global Regulatory Affairs Strategy and Submissions Operations",
        company="Consolidated International Pharmaceutical Holdings",
    )
    advice = _guidance(body)["note_shortened"]
    assert "leaves out the end of the role's title." in advice
    note = _compose(DeclineRequest.model_validate(body))[0]["linkedin_note"]["text"]
    assert "offering me the Senior Manager role at Consolidated" in note  # as a call says it
    body["role"] = "Associate Professor and Deputy Director of Translational Neuroscience Research"
    advice = _guidance(body)["note_shortened"]
    assert "leaves out the title of the role." in advice
    assert "note_shortened" not in _guidance(decline_request())


def test_a_brief_thanks_after_a_call_at_short_notice_fits_a_withdrawal() -> None:
    soon = (NOW + timedelta(hours=20)).isoformat()
    body = decline_request(stage="interview", interview_at=soon, tone="brief")
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["after_call"]["text"]
    assert "Thanks for understanding." in text
    assert "bearing with me" not in text


def test_advice_to_keep_in_touch_without_follow_ups_names_every_hook() -> None:
    body = decline_request(channels=["email"])
    advice = _guidance(body)["check_ins_scheduled"]
    assert "their news (“the launch of your real-time analytics product”)" in advice
    assert "what you have in common (“open-source data tooling”)" in advice
    assert "Add follow-ups to the channels" in advice


def test_two_candidates_check_ins_are_not_word_for_word_alike() -> None:
    """A coach's many clients: the same hooks, two phrasings, each candidate's always the same."""
    check_ins: dict[str, set[tuple[str, ...]]] = {}
    for tone in ("warm", "formal", "brief"):
        for name in ("Ana Ruiz", "Ben Okafor", "Chloe Park", "Dev Shah", "Eva Lind", "Finn Roy"):
            body = decline_request(candidate={"name": name}, tone=tone)
            messages, _ = _compose(DeclineRequest.model_validate(body))
            texts = tuple(f["text"].split("\n\n")[1] for f in messages["follow_ups"])
            again, _ = _compose(DeclineRequest.model_validate(body))
            assert texts == tuple(f["text"].split("\n\n")[1] for f in again["follow_ups"])
            check_ins.setdefault(tone, set()).add(tuple(t.replace(name, "") for t in texts))
    assert all(len(variants) == 2 for variants in check_ins.values()), check_ins


def test_a_better_fit_title_with_an_aside_keeps_it_after_the_role_and_a_call_drops_it() -> None:
    preferred = {"title": "Associate, Commercial Litigation (London office)"}
    body = decline_request(preferred_role=preferred, tone="formal")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert "a Commercial Litigation Associate role (London office)" in (messages["email"]["text"])
    script = messages["phone_script"]["text"]
    assert "a Commercial Litigation Associate role opens up" in script
    assert "(London office)" not in script


def test_a_formal_email_after_a_voicemail_does_not_write_twice_that_it_is_writing() -> None:
    soon = (NOW + timedelta(hours=20)).isoformat()
    body = decline_request(stage="interview", interview_at=soon, tone="formal")
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["after_voicemail"]["text"]
    assert "left a voicemail, so I am following up in writing." in text
    assert "I am writing" not in text
    # The voicemail broke the news: the email confirms it, and does not break it again.
    assert "As I mentioned in my message, I have decided to withdraw my application" in text
    for tone, said in (("warm", "As I said in my message, I've decided to decline the offer."),):
        body = decline_request(tone=tone)
        after = _compose(DeclineRequest.model_validate(body))[0]["email"]["after_voicemail"]
        assert said in after["text"], after["text"]


def test_a_later_referral_of_someone_unnamed_is_someone_once() -> None:
    referral = {"strengths": "strong FP&A modelling experience", "timing": "later"}
    for tone in ("warm", "formal", "brief"):
        body = decline_request(referral=referral, tone=tone)
        follow_up = _compose(DeclineRequest.model_validate(body))[0]["follow_ups"][0]
        assert "someone I know who has strong FP&A modelling experience" in follow_up["text"]
        assert "someone: someone" not in follow_up["text"], tone


def test_a_team_is_greeted_without_the_company_s_legal_suffix() -> None:
    body = decline_request(recipient=None, company="Kiwi Build Ltd")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert messages["email"]["text"].startswith("Hello Kiwi Build team,")
    named = decline_request(company="Kiwi Build Ltd")
    assert (
        "role at Kiwi Build, and"
        in _compose(DeclineRequest.model_validate(named))[0]["email"]["text"]
    )
    comma = decline_request(company="Acme Corp, Inc.", channels=["linkedin_note"])
    note = _compose(DeclineRequest.model_validate(comma))[0]["linkedin_note"]["text"]
    assert "at Acme Corp, and" in note


def test_our_pleasantries_do_not_echo_the_candidate_s_own() -> None:
    detail = "I really enjoyed meeting the team, and I hope you understand."
    body = decline_request(stage="candidacy", reason={"category": "timing", "detail": detail})
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "real pleasure getting to know" not in text
    assert "for your understanding" not in text
    plain = _compose(DeclineRequest.model_validate(decline_request(stage="candidacy")))[0]
    assert "real pleasure getting to know" in plain["email"]["text"]


def test_joins_between_our_sentences_do_not_repeat_a_word() -> None:
    formal = decline_request(tone="formal")
    text = _compose(DeclineRequest.model_validate(formal))[0]["email"]["text"]
    assert "for the position. I would be glad to make an introduction.\n\nIn the future" in text
    assert "Should it be helpful" not in text
    later = decline_request(referral={"timing": "now"})
    after_call = _compose(DeclineRequest.model_validate(later))[0]["email"]["after_call"]["text"]
    assert "I'd still love" in after_call
    assert "My offer to recommend someone stands" in after_call


def test_a_call_does_not_say_it_enjoyed_them_after_the_candidate_did() -> None:
    detail = "I've really enjoyed getting to know the team, and I'm sorry to step away."
    body = decline_request(stage="candidacy", reason={"category": "personal", "detail": detail})
    script = _compose(DeclineRequest.model_validate(body))[0]["phone_script"]["text"]
    assert script.count("enjoyed getting to know") == 1
    assert "I'd really like to stay in touch." in script


def test_irish_surnames_infirmaries_and_titles_too_long_for_a_noun_read_as_written() -> None:
    irish = decline_request(recipient={"name": "Dr. Siobhán Ó Súilleabháin"}, tone="formal")
    messages, _ = _compose(DeclineRequest.model_validate(irish))
    assert messages["email"]["text"].startswith("Dear Dr. Ó Súilleabháin,")
    infirmary = decline_request(company="Royal Northern Infirmary")
    text = _compose(DeclineRequest.model_validate(infirmary))[0]["email"]["text"]
    assert "at the Royal Northern Infirmary" in text
    long = "Senior Manager, Global Supply Chain Strategy, Planning & Transformation - Hybrid"
    text = _compose(DeclineRequest.model_validate(decline_request(role=long)))[0]["email"]["text"]
    assert (
        "offering me the Senior Manager role (Global Supply Chain Strategy, Planning &"
        " Transformation) at Acme" in text
    )
    too_long = "Associate Professor and Deputy Director of Translational Neuroscience Research"
    text = _compose(DeclineRequest.model_validate(decline_request(role=too_long)))[0]["email"]
    assert f"offering me the role of {too_long} at Acme Analytics" in text["text"]


def test_a_referral_who_is_a_cpa_a_personal_call_and_later_mentions_fit_what_was_typed() -> None:
    referral = {"name": "Jenna Park", "strengths": "a CPA with ten years in audit"}
    text = _compose(DeclineRequest.model_validate(decline_request(referral=referral)))[0]
    assert "Jenna is a CPA with ten years in audit." in text["email"]["text"]
    personal = decline_request(reason={"category": "personal"})
    script = _compose(DeclineRequest.model_validate(personal))[0]["phone_script"]["text"]
    assert "It's for personal reasons." in script
    assert "any further" not in script
    advice = _guidance(decline_request(referral={"name": "Nguyen Van An"}))
    assert "Where a message mentions Nguyen Van An again" in advice["check_address_as"]
    # A family name's particle shows where the given names end: no guess to check.
    for name, first in (("Pieter van der Berg", "Pieter"), ("María José de la Cruz", "María José")):
        body = decline_request(referral={"name": name, "strengths": "a sharp eye"})
        assert "check_address_as" not in _guidance(body)
        text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
        assert f"{first} has a sharp eye." in text, text


def test_at_the_offer_stage_the_advice_knows_someone_made_the_offer() -> None:
    advice = _guidance(decline_request(stage="offer", recipient=None))
    assert advice["connect_linkedin"].startswith("Connect with whoever made you the offer on")
    advice = _guidance(decline_request(stage="candidacy", recipient=None))
    assert advice["connect_linkedin"].startswith("Once you know who the hiring manager is")


def test_a_personal_reason_shared_at_length_is_not_called_one_to_keep_to_oneself() -> None:
    long = "My mum has been diagnosed with dementia and I need to be there for her and my dad. " * 3
    body = decline_request(reason={"category": "personal", "detail": long.strip()})
    points = _compose(DeclineRequest.model_validate(body))[0]["phone_script"]["talking_points"]
    assert not [point for point in points if "no need to go into detail" in point], points
    body = decline_request(reason={"category": "personal"})
    points = _compose(DeclineRequest.model_validate(body))[0]["phone_script"]["talking_points"]
    assert [point for point in points if "no need to go into detail" in point], points


def test_a_reason_too_long_to_say_is_not_read_out_on_a_call() -> None:
    long = "I have thought about this for a long time and talked it over with my family. " * 4
    body = decline_request(reason={"category": "timing", "detail": long.strip()})
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    script = messages["phone_script"]
    assert "talked it over" not in script["text"]
    # Too long to glance at during a call, too: the talking point gives the gist.
    assert not any("talked it over" in point for point in script["talking_points"])
    assert "; your own words are in the stand-alone email" in "".join(script["talking_points"])
    assert "talked it over" in messages["email"]["text"]
    advice = {item["code"]: item["message"] for item in guidance}
    assert "the phone script and its talking points give a short reason" in advice["review_detail"]


def test_our_words_do_not_repeat_the_candidate_s_hope_to_stay_in_touch() -> None:
    detail = "I have decided to stay in my current role, and I hope we can keep in touch."
    body = decline_request(reason={"category": "timing", "detail": detail})
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "I'll send you a connection request on LinkedIn." in text
    assert "so we can stay in touch" not in text


def test_common_ground_typed_as_the_fact_that_reads_as_how() -> None:
    common = "the fact that we both started out in credit union compliance"
    body = decline_request(
        tone="formal", relationship={"common_ground": common}, candidate={"name": "Ben Okafor"}
    )
    text = " ".join(
        f["text"] for f in _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]
    )
    assert "that we both started out in credit union compliance" in text
    assert "The fact that" not in text


@pytest.mark.parametrize("tone", ["warm", "formal", "brief"])
def test_with_no_one_named_every_message_can_be_sent_as_it_is(tone: str) -> None:
    body = decline_request(recipient=None, tone=tone)
    messages, _ = _compose(DeclineRequest.model_validate(body))
    email = messages["email"]
    texts = [email["text"], email["after_call"]["text"], email["after_voicemail"]["text"]]
    texts += [messages["phone_script"]["text"], messages["linkedin_note"]["text"]]
    for text in texts:
        assert "[" not in text, text
    assert "left you" not in email["after_voicemail"]["text"]
    # A bare "Hello," in writing reads as a blank left unfilled.
    for text in (*texts[:3], texts[-1]):
        assert not text.startswith("Hello,"), text
    # "Dear Hiring Team," read as a form letter to the person just spoken to.
    again = "Hi again," if tone == "brief" else "Hello again,"
    assert email["after_call"]["text"].startswith(again)
    assert messages["linkedin_note"]["text"].startswith("Thank")


def test_a_letter_is_signed_with_the_generation_but_not_the_letters_after_a_name() -> None:
    body = decline_request(candidate={"name": "Dr. Michael J. Anderson III, PhD"})
    messages, _ = _compose(DeclineRequest.model_validate(body))
    for text in (messages["email"]["text"], messages["follow_ups"][-1]["text"]):
        assert text.endswith("\nMichael J. Anderson III") or "\nMichael J. Anderson III\n" in text
    # On the phone, without the middle initial no one says aloud.
    assert "it's Michael Anderson." in messages["phone_script"]["text"]


@pytest.mark.parametrize(
    "company", ["St. Vincent's Hospital Melbourne", "Sociedad Cooperativa, Agrícola y Ganadera"]
)
def test_a_team_is_greeted_by_a_name_short_enough_to_say(company: str) -> None:
    body = decline_request(company=company, recipient=None, tone="brief")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    # "Hi Hiring Team" reads as a blank left unfilled: a team with no name gets a letter's "Dear".
    assert messages["email"]["text"].startswith("Dear Hiring Team,")
    assert "address the hiring team" in _guidance(body)["recipient_missing"]


@pytest.mark.parametrize(
    ("company", "in_a_sentence"),
    [
        ("Australian Bureau of Statistics", "at the Australian Bureau of Statistics"),
        ("Public Health Foundation of India", "at the Public Health Foundation of India"),
        ("Institut de recherches cliniques de Montréal", "at the Institut de recherches"),
    ],
)
def test_a_body_named_for_what_it_serves_takes_the(company: str, in_a_sentence: str) -> None:
    body = decline_request(company=company, stage="candidacy")
    assert in_a_sentence in _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]


def test_a_message_to_a_connection_does_not_repeat_the_email_s_title_and_company() -> None:
    long_role = "Principal Clinical Informatics Lead, Electronic Health Records Programme"
    body = decline_request(
        role=long_role,
        company="Northern Sydney Local Health District",
        relationship={"linkedin_connected": True},
        stage="candidacy",
    )
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    note = messages["linkedin_note"]
    assert note["kind"] == "message"
    assert note["limit"] == 8000
    assert "to thank you for your time during the interviews." in note["text"], note["text"]
    assert "Northern Sydney" not in note["text"]
    assert "Principal" not in note["text"]
    assert "note_shortened" not in [item["code"] for item in guidance]
    for stage, thanks in (
        ("offer", "for your offer, and for your support."),
        ("interview", "for considering my application."),
    ):
        body["stage"] = stage
        text = _compose(DeclineRequest.model_validate(body))[0]["linkedin_note"]["text"]
        assert thanks in text, text


def test_a_call_says_a_title_in_parts_by_its_first_part() -> None:
    body = decline_request(role="QA Manager, GMP Compliance", tone="warm")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    script = messages["phone_script"]
    assert "offering me the GMP Compliance QA Manager role," in script["text"]
    assert "the offer for the GMP Compliance QA Manager role." in script["voicemail"]
    assert "the GMP Compliance QA Manager role at Acme Analytics" in messages["email"]["text"]
    listed = decline_request(role="Teacher, Science, Part-Time", tone="warm")
    email = _compose(DeclineRequest.model_validate(listed))[0]["email"]["text"]
    assert "the Science Teacher role at Acme Analytics" in email


@pytest.mark.parametrize(
    ("title", "asked_for"),
    [
        ("Qualified Person (QP)", "a Qualified Person (QP) role"),
        ("EHS Director, greenfield plant build-out", "an EHS Director role (greenfield plant"),
        ("Associate, Investment Banking", "an Investment Banking Associate role"),
        ("Graduate Architect, Residential", "a Residential Graduate Architect role"),
    ],
)
def test_a_better_fit_title_keeps_its_acronym_and_description_where_typed(
    title: str, asked_for: str
) -> None:
    body = decline_request(preferred_role={"title": title}, tone="warm")
    assert asked_for in _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]


def test_advice_to_call_without_a_script_says_what_the_email_is_for() -> None:
    advice = _guidance(decline_request(channels=["email"]))["call_first"]
    assert "written record" not in advice
    assert "The email here breaks the news itself, for when you don't call" in advice


def test_advice_with_no_one_named_points_at_the_linkedin_note_s_greeting() -> None:
    body = decline_request(recipient=None, channels=["email", "linkedin_note"])
    advice = _guidance(body)["recipient_missing"]
    assert "the LinkedIn note greets no one" in advice
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert messages["linkedin_note"]["text"].startswith("Thank you again for offering me")


@pytest.mark.parametrize(
    ("role", "in_a_sentence"),
    [
        ("Product Manager, Lending", "the Lending Product Manager role at"),
        ("First Officer, Dash 8-400", "the Dash 8-400 First Officer role at"),
        ("Staff Nurse, Critical Care (Band 6)", "the Critical Care Staff Nurse role at"),
        ("Principal Engineer – Electrical / Team Lead", "the Principal Engineer role at"),
        ("Staff Nurse (Band 5), Acute Medical Unit", "the Staff Nurse role in the Acute Medical"),
        ("Lecturer (Level B) in Data Science", "the Lecturer in Data Science role at"),
        ("Policy Adviser, Digital Government Services", "the Policy Adviser role in Digital Gov"),
        ("VECTRA™ Field Engineer", "the VECTRA Field Engineer role at"),
        ("Software Engineer, Senior", "the Senior Software Engineer role at"),
        ("Senior Executive Officer, Housing Policy", "the Senior Executive Officer role in Hous"),
        ("Assistant Professor, Nursing", "the Assistant Professor role in Nursing at"),
        ("Sr. Mgr, Product Mgmt", "the Senior Manager role in Product Management at"),
        ("Christmas Temp - Sales Assistant (Seasonal)", "the Sales Assistant role at"),
        ("Senior Credit Analyst, SME Lending", "the Senior Credit Analyst role in SME Lending at"),
        ("Lead Data Scientist, Demand Forecasting", "the Lead Data Scientist role in Demand Fore"),
        (
            "Assistant Engineer, Distribution Planning",
            "the Assistant Engineer role in Distribution",
        ),
        (
            "Academic Liaison Librarian (Sciences)",
            "the Academic Liaison Librarian role in Sciences",
        ),
        ("Practice Nurse (Part Time)", "the Practice Nurse role at"),
        (
            "Senior Policy Analyst (Water & Infrastructure) – Fixed Term 12 Months",
            "the Senior Policy Analyst role in Water & Infrastructure at",
        ),
        (
            "Sr. Manager, Risk & Compliance (AML/KYC) — EMEA",
            "the Senior Manager role in Risk & Compliance at",
        ),
    ],
)
def test_a_job_board_title_reads_as_a_person_writes_it(role: str, in_a_sentence: str) -> None:
    body = decline_request(role=role, tone="warm")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert in_a_sentence in messages["email"]["text"]
    # The subject carries it whole, in the words the letter says it in.
    in_full = role.replace("Sr.", "Senior").replace("Mgr", "Manager").replace("Mgmt", "Management")
    assert in_full in messages["email"]["subject"]


@pytest.mark.parametrize(
    ("role", "written"),
    [
        ("SENIOR ACCOUNTANT", "Senior Accountant"),
        ("HEAD OF HR", "Head of HR"),
        ("SR. UX DESIGNER", "Sr. UX Designer"),
        ("SALES DIRECTOR EMEA", "Sales Director EMEA"),
    ],
)
def test_a_title_typed_in_capitals_is_written_as_a_title(role: str, written: str) -> None:
    body = decline_request(role=role, tone="warm")
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert role not in " ".join(_letters(messages))
    written = written.replace("Sr.", "Senior")  # as the letter says it
    assert written in messages["email"]["subject"]
    (advice,) = [item["message"] for item in guidance if item["code"] == "check_typing"]
    assert f"in capitals, so the messages write it as a title is written (“{written}”)" in advice
    # Initialisms are not shouting: "CFO" and "RN – ICU" are printed as typed, with no advice.
    body = decline_request(role="RN - ICU", tone="warm")
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert "RN - ICU" in messages["email"]["subject"]
    assert "check_typing" not in [item["code"] for item in guidance]


@pytest.mark.parametrize(
    ("company", "in_a_sentence"),
    [
        ("Maison Lefèvre (UK) Ltd.", "at Maison Lefèvre, and"),
        ("Harborview Resort & Spa", "at Harborview Resort & Spa, and"),  # no S.p.A.
        ("Municipality of Harrow Bay", "at the Municipality of Harrow Bay, and"),
        ("tinyshed.ai", "at tinyshed.ai, and"),  # its web address, as its owners write it
        ("Ferrari SpA", "at Ferrari, and"),
        ("P. J. O'Rourke & Sons (Plumbing, Heating & Gas)", "at P. J. O'Rourke & Sons, and"),
        ("Mid Wessex Care Board — Community Services", "at the Mid Wessex Care Board, and"),
        ("London Borough of Eastbridge", "at the London Borough of Eastbridge, and"),
        ("Müller Logistik GmbH & Co. KG", "at Müller Logistik, and"),
        ("Lionsgate Analytics Pte. Ltd.", "at Lionsgate Analytics, and"),
        ("Clann Housing CLG", "at Clann Housing, and"),
        ("Maison Lefèvre SAS", "at Maison Lefèvre, and"),
        ("Banco Meridional SA", "at Banco Meridional, and"),
        ("Eastern Regional Roads Office", "at the Eastern Regional Roads Office, and"),
        ("Ruby Hall Clinic", "at Ruby Hall Clinic, and"),
        ("Winnipeg Jets Hockey Club", "at the Winnipeg Jets Hockey Club, and"),
        ("Canadian Broadcasting Corporation", "at the Canadian Broadcasting Corporation, and"),
        ("St Aldhelm's Hospital NHS Foundation Trust", "at St Aldhelm's Hospital NHS Foundation"),
        ("Dept of Veterans Affairs", "at the Dept of Veterans Affairs, and"),
        ("Eskom Holdings SOC Ltd", "at Eskom Holdings, and"),
        ("Steuerberatung Albrecht & Partner mbB", "at Steuerberatung Albrecht & Partner, and"),
        ("Delft University of Technology", "at Delft University of Technology, and"),
        ("Pagaflow Tecnologia Ltda.", "at Pagaflow Tecnologia, and"),
        (
            "St. Mary's C.S.S. -- Dufferin-Peel Catholic District School Board",
            "at St. Mary's C.S.S., and",
        ),
        ("University of Toronto", "at the University of Toronto, and"),
        ("The University of Melbourne — School of Maths", "at the University of Melbourne, and"),
    ],
)
def test_an_employer_is_named_in_a_sentence_without_its_registry_entry(
    company: str, in_a_sentence: str
) -> None:
    body = decline_request(company=company, tone="warm")
    assert in_a_sentence in _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]


def test_someone_typed_with_what_they_go_by_is_called_that() -> None:
    referral = {"name": "Maeve (Mae) McAllister", "email": "mae@example.com", "timing": "now"}
    body = decline_request(recipient={"name": "Robert (Bob) Hale"}, referral=referral)
    messages, _ = _compose(DeclineRequest.model_validate(body))
    text = messages["email"]["text"]
    assert text.startswith("Hi Bob,")
    recommended = "recommend Mae McAllister for the role."
    assert f"{recommended} You can reach Mae at mae@example.com." in text
    assert "Maeve" not in "".join(_letters(messages))
    assert "email today to confirm, with Mae's details." in messages["phone_script"]["text"]


def test_a_call_after_hours_says_when_the_interview_is_on_the_morning_it_is_made() -> None:
    late = NOW.replace(hour=23, minute=40)
    body = decline_request(stage="interview", interview_at=(late + timedelta(hours=9)).isoformat())
    messages, _ = _compose(DeclineRequest.model_validate(body), now=late)
    assert "so I won't make the interview this morning." in messages["phone_script"]["text"]
    evening = NOW.replace(hour=15)
    body["interview_at"] = (evening + timedelta(hours=18)).isoformat()
    messages, _ = _compose(DeclineRequest.model_validate(body), now=evening)
    assert "so I won't make the interview tomorrow morning." in messages["phone_script"]["text"]


def test_an_advocate_or_a_councillor_is_greeted_by_title_and_surname() -> None:
    for name, greeting in (
        ("Adv. Thandiwe Mokoena-Dlamini SC", "Dear Adv. Mokoena-Dlamini,"),
        ("Cllr Margaret Oyelaran-Hughes", "Dear Cllr Oyelaran-Hughes,"),
        # "M." is Monsieur, as "Mme" is Madame: never "Hi M. de la Fontaine".
        ("M. Étienne de la Fontaine", "Dear M. de la Fontaine,"),
        ("Mme Hélène Roux", "Dear Mme Roux,"),
    ):
        body = decline_request(recipient={"name": name}, tone="warm")
        messages, _ = _compose(DeclineRequest.model_validate(body))
        assert messages["email"]["text"].startswith(greeting), messages["email"]["text"]
        assert messages["linkedin_note"]["text"].startswith(f"Hello {greeting[5:-1]},")


def test_a_note_too_short_for_a_whole_title_keeps_it_as_said_before_the_company() -> None:
    body = decline_request(
        stage="candidacy",
        role="Legal Adviser, Competition & Regulatory",
        company="Sasol-Maritzburg Holdings (Pty) Ltd",
        recipient={"name": "Thandiwe Mokoena-Dlamini", "address_as": "Adv. Mokoena-Dlamini"},
    )
    note = _compose(DeclineRequest.model_validate(body))[0]["linkedin_note"]["text"]
    assert "for the Competition & Regulatory Legal Adviser role." in note, note


def test_a_subject_too_long_for_the_whole_title_gives_it_as_a_sentence_does() -> None:
    role = "Senior Manager, Supply Chain Planning & Analytics Transformation"
    body = decline_request(stage="candidacy", role=role)
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]
    assert email["subject"] == f"Withdrawing my application — {role}"  # whole, up to 100
    body["role"] = f"{role} Programme, Global Procurement & Logistics"
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]
    assert email["subject"] == "Withdrawing my application — Senior Manager"
    assert (
        email["after_call"]["subject"]
        == "Confirming I'm withdrawing my application — Senior Manager"
    )


def test_our_words_for_a_personal_offer_decline_do_not_ask_for_understanding_twice() -> None:
    body = decline_request(reason={"category": "personal"}, tone="warm")
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert text.count("understand") == 1, text


def test_a_candidate_with_two_titles_says_their_name_without_either() -> None:
    body = decline_request(candidate={"name": "Hon. Dr. Wanjiru Kamau-Otieno, EBS"})
    script = _compose(DeclineRequest.model_validate(body))[0]["phone_script"]["text"]
    assert "it's Wanjiru Kamau-Otieno." in script


def test_news_that_was_still_to_come_is_not_to_come_months_later() -> None:
    body = decline_request(relationship={"company_news": "your upcoming season opener"})
    (check_in, *_) = _check_ins(body)
    assert "upcoming" not in check_in["text"]
    assert "your season opener" in check_in["text"]


@pytest.mark.parametrize(
    ("news", "said"),
    [
        ("the new clinic goes live next autumn", "I saw that the new clinic goes live next"),
        ("you'll open a Leeds office in spring", "I saw that you'll open a Leeds office"),
        ("Acme will launch in Kenya", "I saw that Acme will launch in Kenya"),
        ("the lab's new ERC Synergy grant starts next year", "I saw that the lab's new ERC"),
        ("the new oncology day unit opening in spring", "I saw the news about the new onco"),
        ("your upcoming season opener", "I saw the news about your season opener, and"),
    ],
)
def test_news_still_to_come_is_asked_about_not_congratulated(news: str, said: str) -> None:
    (check_in, *_) = _check_ins(decline_request(relationship={"company_news": news}))
    assert said in check_in["text"], check_in["text"]
    assert "I'd love to hear how it's all going." in check_in["text"]
    assert "ongratulat" not in check_in["text"] + check_in["subject"]
    # "Following your news" read oddly: the subject names it, or says what the letter is.
    subject = check_in["subject"]
    assert subject == "Checking in" or subject.startswith(f"About {news.split(' ')[0].lower()}")


def test_a_check_in_does_not_tell_them_where_they_work() -> None:
    for tone in Tone:
        body = decline_request(tone=tone.value, relationship={"common_ground": "trail running"})
        (check_in, *_) = _check_ins(body)
        opening = check_in["text"].split("\n\n")[1].split(". ")[0]
        assert "Acme" not in opening, opening
        assert "Senior Data Engineer" in opening or "while" in opening, opening


@pytest.mark.parametrize(
    ("role", "said"),
    [
        ("Assistant Vice President, Credit Risk", "the Assistant Vice President role in Credit"),
        ("Vice President, Compliance Technology", "the Vice President role in Compliance Tech"),
        ("Founding Engineer, Backend", "the Founding Backend Engineer role"),
        ("Ops Manager!! (Nairobi hub)", "the Ops Manager role at"),
        # An officer's grade and a band are one name: the field goes after the role.
        ("Senior Executive Officer, Housing", "the Senior Executive Officer role in Housing"),
        ("Band 5 Staff Nurse - Acute Medicine", "the Band 5 Staff Nurse role in Acute Medicine"),
        # Terms in brackets are not a field the role is in.
        ("KS2 Teacher (Maternity Cover)", "the KS2 Teacher role at"),
        # A part after the dash that is a job: the job, or the post within a grade.
        ("Police Staff - Forensic Collision Investigator", "the Forensic Collision Investigator"),
        (
            "Higher Executive Officer - Work Coach Team Leader",
            "the Work Coach Team Leader (Higher Executive Officer) role at",
        ),
        (
            "Higher Executive Officer (HEO) - Data and Insight Lead, Digital, Data and Technology",
            "the Data and Insight Lead (HEO) role at",
        ),
        (
            "Senior Executive Officer, Policy Adviser",
            "the Senior Executive Officer (Policy Adviser)",
        ),
        # Five nouns in a row are no title: the role is in the field.
        (
            "Graduate Electrical Engineer – Network Planning",
            "the Graduate Electrical Engineer role in Network Planning at",
        ),
        ("Clinical Nurse Manager – Medical ICU", "the Clinical Nurse Manager role in the Medical"),
        ("Assistant Manager – F&B", "the F&B Assistant Manager role at"),
        ("RN Grad Program", "the RN Grad Program at"),
        ("Account Exec", "the Account Executive role at"),
        # "Wastewater" ends like a person but is none: the part after the dash is the field.
        (
            "Senior Design Engineer - Water and Wastewater",
            "the Senior Design Engineer role in Water and Wastewater at",
        ),
        (
            "Band 7 Lead Physiotherapist, Musculoskeletal",
            "the Band 7 Lead Physiotherapist role in Musculoskeletal at",
        ),
        ("Deputy Manager (Finance) – Scale III", "the Deputy Manager role in Finance at"),
    ],
)
def test_a_title_reads_as_people_say_it(role: str, said: str) -> None:
    body = decline_request(stage="candidacy", role=role)
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert said in email, email


@pytest.mark.parametrize(
    ("title", "said"),
    [
        ("Legal Counsel (in-house)", "an in-house Legal Counsel role"),
        ("Engineering Lead (people mgmt)", "an Engineering Lead role, so"),
        ("assistant manager (gastro pub)", "an assistant manager role (gastro pub)"),
        (
            "Senior Planning Officer (Development Management)",
            "a Senior Planning Officer role in Development Management",
        ),
        ("Associate, Commercial Litigation (London office)", "role (London office)"),
        # A grade or terms in brackets are kept as typed, never a field the role is in.
        (
            "Planning Policy Team Leader (Grade PO4)",
            "a Planning Policy Team Leader (Grade PO4) role",
        ),
        ("KS2 Teacher (Maternity Cover)", "a KS2 Teacher (Maternity Cover) role"),
        (
            "Police Staff - Forensic Collision Investigator",
            "a Forensic Collision Investigator role",
        ),
    ],
)
def test_a_better_fit_role_with_an_aside_reads_as_a_role(title: str, said: str) -> None:
    body = decline_request(preferred_role={"title": title})
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert said in email, email


def test_a_candidate_signs_and_says_the_name_on_their_application() -> None:
    for typed, said in (
        ("Wei Jie (WJ) Ong", "Wei Jie Ong"),
        ("Sipho (Sips) Mthembu", "Sipho Mthembu"),
        ("Rebecca L. Nguyen-Park", "Rebecca Nguyen-Park"),
    ):
        body = decline_request(candidate={"name": typed})
        messages = _compose(DeclineRequest.model_validate(body))[0]
        assert f"it's {said}." in messages["phone_script"]["text"], typed
        signed = typed if "L." in typed else said
        assert f"Warm regards,\n{signed}\n" in messages["email"]["text"] + "\n", typed


def test_typing_left_out_of_a_title_is_not_pointed_out() -> None:
    role = "Cargo Revenue Analyst (m/f/x), Air Freight Pricing | Hybrid | 32-40 hrs, permanent"
    assert "check_typing" not in _guidance(decline_request(role=role))
    nurse = decline_request(role="Registered Nurse (RN) - Aged Care")
    assert "check_typing" not in _guidance(nurse)


def test_a_better_fit_role_in_lowercase_is_pointed_out() -> None:
    body = decline_request(preferred_role={"title": "rooms division director"})
    assert "(the better-fit role)" in _guidance(body)["check_typing"]
    body = decline_request(preferred_role={"title": "a consultant post with teaching time"})
    assert "check_typing" not in _guidance(body)


@pytest.mark.parametrize(
    ("role", "said", "subject"),
    [
        ("Senior Planner, Community Planning", "the Senior Planner role in Community", None),
        ("Senior Sub-Editor, Digital Desk", "the Senior Sub-Editor role on the Digital Desk", None),
        (
            "Agronomist (Broadacre) | Precision Ag, Soil Health & Variable-Rate Programs",
            "the Broadacre Agronomist role at",
            None,
        ),
        ("Senior Engineer (Platform)", "the Senior Platform Engineer role at", None),
        ("Senior Care Assistant (Nights)", "the Senior Care Assistant role at", None),
        ("Assistant Director (Statistics)", "the Assistant Director role in Statistics at", None),
        ("Speech and Language Therapist (Paediatrics)", "Therapist role in Paediatrics at", None),
        ("Senior Risk Modeller (IRB / IFRS 9), Model Development", "Modeller role in Model", None),
        ("Driver (Delivery)", "the Delivery Driver role at", None),
        ("Sales Assistant | Part-Time (16hrs), Weekends Essential", "the Sales Assistant ro", None),
        ("Fundraising & Partnerships Coordinator – Wellington", "the Fundraising & Partner", None),
        ("Research Fellow, Department of Microbiology", "role in the Department of Micro", None),
        ("Lecturer, Faculty of Health Sciences", "role in the Faculty of Health Sciences", None),
        ("Senior Architect, Healthcare Projects", "Architect role in Healthcare Projects", None),
        (
            "Lecturer in Nursing (fixed term, 0.8 FTE)",
            "the Lecturer in Nursing role at",
            "my application — Lecturer in Nursing",
        ),
        ("Senior Manager, Risk Advisory Delivery", "Senior Manager role in Risk Advisory", None),
        ("Community Sport Officer!!", "the Community Sport Officer role at", "Sport Officer"),
        (
            "Junior Architect / BIM Modeller (Revit, 0-2 yrs) -- Rotterdam",
            "the Junior Architect / BIM Modeller role at",
            None,
        ),
        (
            "Cloud Solutions Architect -- AWS/Azure!!",
            "the Cloud Solutions Architect role at",
            "my application — Cloud Solutions Architect",
        ),
        (
            "Digital Producer -- Newsroom (fixed term, 12 mths!!)",
            "the Digital Producer role at",
            "my application — Digital Producer",
        ),
        (
            "Manager, Flight Operations Engineering (Performance, Weight & Balance) - Boeing"
            " 737/787 Fleet | Relocation Assistance Available | Dallas/Fort Worth, TX (Onsite)",
            "the Manager role in Flight Operations Engineering at",
            "— Manager in Flight Operations Engineering",
        ),
    ],
)
def test_a_title_with_an_echo_a_desk_or_a_kind_reads_as_a_person_writes_it(
    role: str, said: str, subject: str | None
) -> None:
    body = decline_request(stage="candidacy", role=role)
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]
    assert said in email["text"], email["text"]
    if subject:
        assert email["subject"].endswith(subject), email["subject"]


def test_a_call_with_no_one_named_asks_for_whoever_is_handling_it() -> None:
    # With the role, so whoever answers can put the call through.
    role = "Senior Data Engineer role"
    for stage, title, asked in (
        ("offer", role, f"It's about the offer you made me for the {role}. Could I speak"),
        ("candidacy", role, f"It's about my application for the {role}. Could I speak to"),
        # Too long to say, a title is left to whoever handles it.
        ("candidacy", "x " * 40, "It's about my application. Could I speak to whoever is"),
    ):
        body = decline_request(stage=stage, recipient=None, role=title.strip())
        script = _compose(DeclineRequest.model_validate(body))[0]["phone_script"]["text"]
        assert script.startswith(f"Hello, my name is Ana Ruiz. {asked}"), script
    soon = (NOW + timedelta(hours=3)).isoformat()
    body = decline_request(stage="interview", recipient=None, interview_at=soon)
    script = _compose(DeclineRequest.model_validate(body))[0]["phone_script"]["text"]
    assert "I'm due to interview with you this afternoon. Could I speak to whoever is" in script


def test_a_team_that_could_be_anyones_is_greeted_as_the_employers() -> None:
    for name in ("Hiring Team", "HR", "Talent Acquisition", "Human Resources Department"):
        body = decline_request(recipient={"name": name}, tone="brief")
        email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
        assert email.startswith("Hi Acme Analytics team,"), (name, email)
    body = decline_request(recipient={"name": "Acme Recruitment Team"}, tone="brief")
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert email.startswith("Hi Acme Recruitment Team,"), email


def test_a_missed_interview_apologised_for_in_their_words_is_not_apologised_for_thrice() -> None:
    detail = "I'm so sorry, I had the time down wrong in my calendar and missed it."
    body = decline_request(
        stage="interview",
        interview_at=(NOW - timedelta(days=1)).isoformat(),
        reason={"category": "other", "detail": detail},
    )
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert email.lower().count("sorry") == 2, email
    assert "Thank you for understanding." in email


def test_a_reason_typed_with_a_lowercase_i_is_said_with_its_capital() -> None:
    detail = "i want to stay closer to bench research for a few more years, and i'm sure of it."
    body = decline_request(reason={"category": "career_direction", "detail": detail})
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "I want to stay closer to bench research for a few more years, and I'm sure" in email


def test_a_name_typed_in_capitals_is_written_as_a_name() -> None:
    body = decline_request(candidate={"name": "JAMES O'NEILL-WANJIRU"})
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert email.endswith("\nJames O'Neill-Wanjiru"), email


def test_a_reason_that_shouts_is_left_out() -> None:
    detail = "Sorry -- after a lot of thought... it's just not for me right now!!"
    body = decline_request(reason={"category": "role_fit", "detail": detail})
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert "!!" not in "".join(_letters(messages))


def test_a_dutch_particle_typed_in_lowercase_stays_lowercase() -> None:
    body = decline_request(candidate={"name": "joost ter horst"})
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert email.endswith("\nJoost ter Horst"), email


def test_a_topic_of_something_is_the_topic() -> None:
    body = decline_request(relationship={"common_ground": "health economics of social care"})
    (check_in, *_) = _check_ins(body)
    assert "the health economics of social care" in check_in["text"], check_in["text"]


def test_a_referral_typed_with_a_title_is_a_first_name_in_a_warm_letter() -> None:
    referral = {"name": "Dr Samira Haddad", "strengths": "ten years of health economics"}
    for tone, said in (("warm", "Samira has ten years'"), ("formal", "Dr Haddad has ten years'")):
        body = decline_request(referral=referral, tone=tone)
        email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
        assert said in email, email


def test_a_missed_interview_and_one_at_noon_are_said_as_a_person_would() -> None:
    missed = (NOW - timedelta(days=1)).replace(hour=10)
    body = decline_request(stage="interview", interview_at=missed.isoformat())
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "I'm very sorry that I missed our interview yesterday morning." in email, email
    noon = (NOW + timedelta(days=1)).replace(hour=12)
    body = decline_request(stage="interview", interview_at=noon.isoformat())
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "the interview on Thursday, November 26 at noon." in email, email


def test_recent_news_is_not_recent_months_later() -> None:
    (check_in, *_) = _check_ins(decline_request(relationship={"company_news": "your recent win"}))
    assert "recent" not in check_in["text"]
    assert "on your win!" in check_in["text"], check_in["text"]


def test_a_brief_email_to_a_professor_hopes_rather_than_says_lets() -> None:
    body = decline_request(
        recipient={"name": "Ingrid Lindqvist", "address_as": "Professor Lindqvist"}, tone="brief"
    )
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert email.startswith("Dear Professor Lindqvist,")
    assert "Let's" not in email
    assert "stay in touch" in email


def test_after_a_voicemail_a_title_in_parts_keeps_the_note_in_brackets() -> None:
    body = decline_request(stage="offer", role="Associate, Investment Banking")
    after = _compose(DeclineRequest.model_validate(body))[0]["email"]["after_voicemail"]
    assert after["subject"].endswith(
        "— Associate, Investment Banking (following up on my voicemail)"
    ), after["subject"]


def test_a_warm_call_before_an_interview_is_keen_not_eager() -> None:
    soon = (NOW + timedelta(hours=20)).isoformat()
    body = decline_request(stage="interview", interview_at=soon, tone="warm")
    script = _compose(DeclineRequest.model_validate(body))[0]["phone_script"]["text"]
    assert "I'd like to stay in touch." in script
    assert script.count("really") <= 1, script


def test_casual_typing_no_message_prints_is_not_said_to_be_printed() -> None:
    noted = decline_request(
        relationship={"company_news": "your new office", "common_ground": "risograph 🎨"}
    )
    advice = _guidance(noted)
    assert "check_typing" not in advice
    assert (
        "reads like a note to yourself, so no check-in quotes it" in advice["check_ins_scheduled"]
    )
    news = decline_request(
        relationship={"company_news": "your new flagship 🎉"}, channels=["email"]
    )
    assert "check_typing" not in _guidance(news)
    news["channels"] = ["email", "follow_ups"]
    assert "(the news about them)" in _guidance(news)["check_typing"]


def test_a_title_listing_its_field_in_parts_keeps_the_list_whole() -> None:
    role = "Senior Manager, Health, Safety, Environment & Quality (HSEQ)"
    text = _compose(DeclineRequest.model_validate(decline_request(role=role)))[0]["email"]["text"]
    assert "the Senior Manager role (Health, Safety, Environment & Quality) at" in text
    role = "Graduate Engineer Trainee (GET) – Electrical"
    text = _compose(DeclineRequest.model_validate(decline_request(role=role)))[0]["email"]["text"]
    assert "the Electrical Graduate Engineer Trainee (GET) role at" in text
    body = decline_request(company="Leibniz-Institut für Sprachtechnologie", stage="candidacy")
    text = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "at the Leibniz-Institut für Sprachtechnologie" in text
    referral = {"name": "Kevin Otieno", "strengths": "two summers as a field engineer"}
    text = _compose(DeclineRequest.model_validate(decline_request(referral=referral)))[0]
    assert "Kevin has spent two summers as a field engineer." in text["email"]["text"]


def test_a_chief_is_greeted_formally_and_a_reason_in_chat_typing_is_pointed_out() -> None:
    body = decline_request(recipient={"name": "Chief Folasade Adebayo-Williams"}, tone="warm")
    assert _compose(DeclineRequest.model_validate(body))[0]["email"]["text"].startswith(
        "Dear Chief Adebayo-Williams,"
    )
    for detail in ("it doesnt work for me", "im staying put"):
        body = decline_request(reason={"category": "other", "detail": detail})
        assert f"(“{detail}”) reads as a note" in _guidance(body)["review_detail"], detail
    body = decline_request(company="Park Slope Family Dentistry, P.C.")
    assert (
        "at Park Slope Family Dentistry, and"
        in _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    )


def test_a_voicemail_subject_after_a_bracketed_title_opens_no_second_bracket() -> None:
    body = decline_request(stage="candidacy", role="Fashion Designer (Womenswear)")
    subject = _compose(DeclineRequest.model_validate(body))[0]["email"]["after_voicemail"][
        "subject"
    ]
    assert (
        subject == "Withdrawing my application — Fashion Designer (Womenswear), following up on my"
        " voicemail"
    )


def test_an_honorific_keeps_a_brief_or_warm_message_from_slang() -> None:
    body = decline_request(recipient={"name": "Dr. Lan Tran"}, tone="brief")
    (check_in, *_) = _check_ins(body)
    assert "congrats" not in check_in["text"]
    body = decline_request(recipient={"name": "Dr. Lan Tran"}, tone="warm")
    script = _compose(DeclineRequest.model_validate(body))[0]["phone_script"]["text"]
    assert script.endswith("Thanks so much for understanding.")
    body = decline_request(relationship={"keep_in_touch": False, "linkedin_connected": True})
    assert "you're already connected" in _guidance(body)["linkedin_note_not_drafted"]


def test_a_withdrawal_before_an_interview_says_my_application_once() -> None:
    for tone in ("warm", "formal", "brief"):
        body = decline_request(
            stage="interview", interview_at="2026-12-09T15:00:00+00:00", tone=tone
        )
        messages, _ = _compose(DeclineRequest.model_validate(body))
        for text in (messages["email"]["text"], messages["phone_script"]["text"]):
            assert text.count("my application") <= 1, text
    quoted = decline_request(referral={"name": 'Brianna "Bri" McAllister', "timing": "now"})
    script = _compose(DeclineRequest.model_validate(quoted))[0]["phone_script"]["text"]
    assert "put a name forward for the role: Bri McAllister" in script, script


@pytest.mark.parametrize("tone", ["warm", "formal", "brief"])
def test_news_congratulated_months_later_owns_that_it_is_late(tone: str) -> None:
    # A check-in goes out months after the news was typed: "Congratulations" alone would
    # present it as fresh.
    said = set()
    for name in ("Ana Ruiz", "Ben Ortiz", "Chloe Martin", "Dev Shah", "Erin Walsh", "Femi Ade"):
        body = decline_request(
            tone=tone,
            candidate={"name": name},
            relationship={"company_news": "the opening of your new catheter lab"},
        )
        (check_in,) = _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]
        late = [mark for mark in ("elated", "been meaning") if mark in check_in["text"]]
        assert late, check_in["text"]
        said.update(late)
        # The subject says whose news it is: "your news" alone could be anyone's.
        assert check_in["subject"] in (
            "Congratulations on the opening of your new catheter lab",
            "Congratulations to the Acme Analytics team",
        ), check_in["subject"]
    assert said == {"elated", "been meaning"}  # both phrasings were composed


@pytest.mark.parametrize(
    "news",
    [
        "the Broadway Plan public consultation",
        "the merger with Harbour Health",
        # An assessment whose outcome was not typed: "Congratulations on ero review" assumed it.
        "your ERO review",
    ],
)
def test_news_still_under_way_is_followed_not_congratulated(news: str) -> None:
    for tone in Tone:
        body = decline_request(relationship={"company_news": news}, tone=tone.value)
        (check_in,) = _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]
        assert "ongrat" not in check_in["text"] + check_in["subject"], check_in["text"]
        assert news in check_in["text"]


def test_hard_news_is_never_brought_up_in_a_check_in() -> None:
    news = "the restructure of your Northern region teams"
    relationship = {"company_news": news, "common_ground": "trail running"}
    body = decline_request(relationship=relationship)
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    check_ins = [f for f in messages["follow_ups"] if f["kind"] == "check_in"]
    assert check_ins
    assert not [f for f in check_ins if "restructure" in f["text"] + f["subject"]]
    advice = {item["code"]: item["message"] for item in guidance}
    assert f"(“{news}”) is hard news" in advice["check_ins_scheduled"]


def test_news_about_what_they_are_doing_is_a_thing_seen_not_a_clause() -> None:
    news = "the new centre you are opening in Hamilton"
    body = decline_request(relationship={"company_news": news}, stage="candidacy")
    (check_in,) = _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]
    assert (
        f"I saw the news about {news}, and I'd love to hear how it's all going."
        in (check_in["text"])
    )


@pytest.mark.parametrize(
    ("common_ground", "said"),
    [
        ("Boston College alumni events", "talk about Boston College alumni events"),
        ("Atlanta Legal Aid volunteering", "not least about Atlanta Legal Aid volunteering"),
    ],
)
def test_somewhere_both_belong_is_not_asked_for_its_latest_developments(
    common_ground: str, said: str
) -> None:
    texts = []
    for name in ("Ana Ruiz", "Ben Ortiz", "Chloe Martin", "Dev Shah"):
        body = decline_request(
            candidate={"name": name}, relationship={"common_ground": common_ground}
        )
        texts += [f["text"] for f in _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]]
    assert not [text for text in texts if "latest" in text or "thoughts on" in text]
    assert any(said.lower() in text.lower() for text in texts)


def test_a_title_s_unit_that_names_the_employer_is_not_said_twice() -> None:
    body = decline_request(
        role="Head Teacher, Early Learning Centre", company="Kōwhai Kids Early Learning"
    )
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "the Head Teacher role at Kōwhai Kids Early Learning" in email
    body["company"] = "St Mary's Hospital"
    body["role"] = "Staff Nurse, Acute Medical Unit"
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "the Staff Nurse role in the Acute Medical Unit at St Mary's Hospital" in email


def test_a_name_or_address_typed_partly_in_lowercase_or_in_capitals_is_written_properly() -> None:
    body = decline_request(
        candidate={"name": "Liam mcdonald", "email": "LIAM.MCDONALD@EXAMPLE.COM"},
        referral={"name": "Ana de la Cruz", "email": "ANA@EXAMPLE.COM", "timing": "now"},
    )
    messages, _ = _compose(DeclineRequest.model_validate(body))
    email = messages["email"]["text"]
    assert email.endswith("\nLiam McDonald\nliam.mcdonald@example.com")
    recommended = "recommend Ana de la Cruz for the role."
    assert f"{recommended} You can reach Ana at ana@example.com." in email
    assert "it's Liam McDonald" in messages["phone_script"]["text"]


def test_a_team_is_greeted_without_the_article_of_the_employer_s_name() -> None:
    body = decline_request(company="The Larkspur", recipient=None, tone="brief")
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert email.startswith("Hi Larkspur team,")
    body = decline_request(company="Empire Federal Savings Bank, N.A.", stage="candidacy")
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "at Empire Federal Savings Bank." in email or "at Empire Federal Savings Bank," in email


@pytest.mark.parametrize(
    ("strengths", "said"),
    [
        (
            "strong three-statement modeling and variance analysis.",
            "Sam has strong three-statement modeling and variance analysis skills.",
        ),
        ("excellent stakeholder management", "Sam has excellent stakeholder management skills."),
        (
            "strong Deswik scheduling and underground layout design",
            "Sam has strong Deswik scheduling and underground layout design skills.",
        ),
        ("strong teaching record", "Sam has a strong teaching record."),
        ("B1 licence on the Boeing 737", "Sam has a B1 licence on the Boeing 737."),
        (
            "teaching experience in corpus methods and a strong publication record",
            "Sam has teaching experience in corpus methods and a strong publication record.",
        ),
        (
            "eight years of turbopump design and test experience",
            "Sam has eight years' turbopump design and test experience.",
        ),
        ("HGV licence and a clean record", "Sam has an HGV licence and a clean record."),
        (
            "training new registration staff and cutting claim denials",
            "Sam has experience training new registration staff and cutting claim denials.",
        ),
        (
            "consistently closing mid-market payroll deals above quota",
            "Sam has a track record of consistently closing mid-market payroll deals above quota.",
        ),
    ],
)
def test_a_skill_praised_is_had_as_a_skill(strengths: str, said: str) -> None:
    referral = {"name": "Sam Patel", "strengths": strengths, "timing": "now"}
    body = decline_request(referral=referral)
    assert said in _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]


@pytest.mark.parametrize(
    ("news", "said"),
    [
        ("they just opened a new depot in Polokwane", "I saw that you opened a new depot in"),
        ("ye launched the new ISOBUS terminal", "I saw that you launched the new ISOBUS"),
        ("congrats on winning the WWF grant!!", "read about Acme Analytics winning the WWF grant"),
        ("you opening the new Ponsonby store", "your opening the new Ponsonby store"),
    ],
)
def test_news_typed_about_them_is_said_to_them(news: str, said: str) -> None:
    texts = []
    for name in ("Ana Ruiz", "Ben Ortiz", "Chloe Martin", "Dev Shah"):
        body = decline_request(candidate={"name": name}, relationship={"company_news": news})
        texts += [f["text"] for f in _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]]
    assert any(said in text for text in texts), texts
    assert not [text for text in texts if " they " in text or "about winning" in text]


def test_a_place_loved_in_common_is_not_asked_for_its_latest() -> None:
    common = "our shared love of the Pondoland coastline"
    texts = []
    for name in ("Ana Ruiz", "Ben Ortiz", "Chloe Martin", "Dev Shah"):
        body = decline_request(candidate={"name": name}, relationship={"common_ground": common})
        texts += [f["text"] for f in _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]]
    assert not [text for text in texts if "latest in the" in text or "thoughts on the" in text]


@pytest.mark.parametrize("name", ["hiring manager", "Hiring Manager", "Recruiter"])
def test_a_job_typed_as_the_recipient_s_name_is_not_greeted_as_a_name(name: str) -> None:
    body = decline_request(recipient={"name": name}, tone="brief")
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert email.startswith("Hi Acme Analytics team,"), email


def test_a_call_to_no_one_named_says_the_title_once() -> None:
    body = decline_request(stage="candidacy", recipient=None, tone="formal", preferred_role=None)
    script = _compose(DeclineRequest.model_validate(body))[0]["phone_script"]["text"]
    assert script.count("Senior Data Engineer") == 1, script
    assert "my application for the role." in script


@pytest.mark.parametrize("tone", ["warm", "formal", "brief"])
def test_the_referral_comes_before_the_better_fit_role(tone: str) -> None:
    # After "I'd love to be considered for a Brand Manager role", "for the role" read as that
    # one; naming the declined title there read as saying it twice.
    for referral in ({"timing": "now"}, {"name": "Sam Patel", "timing": "now"}):
        body = decline_request(tone=tone, referral=referral)
        messages, _ = _compose(DeclineRequest.model_validate(body))
        email = messages["email"]
        for text in (
            email["text"],
            email["after_voicemail"]["text"],
            messages["phone_script"]["text"],
        ):
            recommended = re.search(r"(recommend|a name forward)[^.]* for the (role|posit)", text)
            assert recommended, text
            assert recommended.start() < text.index("Data Platform Engineering Manager"), text


def test_an_employer_typed_in_capitals_is_written_as_a_name() -> None:
    body = decline_request(company="APEXWAFER TECHNOLOGIES PTE. LTD.", stage="candidacy")
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert "at Apexwafer Technologies" in messages["email"]["text"]
    assert not [text for text in _letters(messages) if "APEXWAFER" in text]
    (advice,) = [item["message"] for item in guidance if item["code"] == "check_typing"]
    assert "You typed the company in capitals" in advice
    body = decline_request(company="ZENITH LIFE INSURANCE CO.", stage="candidacy")
    assert (
        "at Zenith Life Insurance Co."
        in _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    )
    # A name its owner writes in capitals stays as typed.
    for company in ("KPMG LLP", "NVIDIA", "HSBC UK BANK"):
        body = decline_request(company=company, stage="candidacy")
        messages, guidance = _compose(DeclineRequest.model_validate(body))
        assert company.split(" ")[0] in messages["email"]["text"]
        assert "check_typing" not in [item["code"] for item in guidance]


def test_a_referral_known_by_a_sentence_is_not_an_aside_in_brackets() -> None:
    referral = {"name": "Julia Brandt", "relationship": "we studied together at TU Munich"}
    body = decline_request(tone="formal", preferred_role=None, referral=referral)
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert (
        "I would like to recommend Julia Brandt for the position; we studied together at TU Munich."
        in messages["email"]["text"]
    )
    (follow_up,) = [
        f
        for f in _compose(
            DeclineRequest.model_validate({**body, "referral": {**referral, "timing": "later"}})
        )[0]["follow_ups"]
        if f["kind"] == "referral"
    ]
    # "looking for someone …, I'd like to recommend someone" said "someone" twice.
    assert "still be looking to fill the Senior Data Engineer position" in follow_up["text"]


@pytest.mark.parametrize("common", ["running a small clinic well", "open-source data tooling"])
def test_common_ground_is_asked_about_in_words_that_fit_a_topic_or_an_activity(
    common: str,
) -> None:
    texts = []
    for tone in ("warm", "formal", "brief"):
        for name in ("Ana Ruiz", "Ben Ortiz", "Chloe Martin", "Dev Shah"):
            body = decline_request(
                tone=tone, candidate={"name": name}, relationship={"common_ground": common}
            )
            texts += [
                f["text"] for f in _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]
            ]
    assert not [t for t in texts if "the latest in" in t or "developments in" in t]
    assert all(common in text for text in texts)


def test_a_brief_check_in_to_someone_addressed_formally_asks_nothing_chatty() -> None:
    texts = []
    for name in ("Ana Ruiz", "Ben Ortiz", "Chloe Martin", "Dev Shah"):
        body = decline_request(
            tone="brief",
            candidate={"name": name},
            recipient={"name": "Tan Kah Hock", "address_as": "Mr Tan"},
            relationship={"common_ground": "we both started out in F&B service"},
        )
        texts += [f["text"] for f in _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]]
    assert not [text for text in texts if "up to?" in text or "It was fun" in text], texts


def test_a_referral_known_by_their_job_is_not_recommended_for_the_job_first() -> None:
    # "recommend for the Assistant Editor role: an assistant editor I worked with" said it twice.
    referral = {"relationship": "an assistant editor I worked with at Film4", "timing": "now"}
    body = decline_request(role="Assistant Editor", referral=referral)
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert (
        "If it helps, I know someone I'd recommend: an assistant editor I worked with at Film4."
        in messages["email"]["text"]
    )
    assert (
        "I'd also be glad to recommend an assistant editor I worked with at Film4, if that would"
        in messages["phone_script"]["text"]
    )


def test_news_typed_with_you_guys_is_said_as_you() -> None:
    body = decline_request(relationship={"company_news": "the new studio you guys opened"})
    (check_in,) = _compose(DeclineRequest.model_validate(body))[0]["follow_ups"]
    assert "the new studio you opened" in check_in["text"]


@pytest.mark.parametrize(
    "role",
    [
        "Senior Manager, Clinical Operations and Patient Flow",
        "Heavy Equipment Operator - Haul Truck (CAT 793) - Rotating Shift 14/14",
        "Christmas Temp - Sales Assistant (Seasonal)",
    ],
)
def test_the_email_after_a_voicemail_says_so_in_its_subject_however_long_the_title(
    role: str,
) -> None:
    for stage in ("offer", "candidacy"):
        body = decline_request(role=role, stage=stage)
        subject = _compose(DeclineRequest.model_validate(body))[0]["email"]["after_voicemail"][
            "subject"
        ]
        assert "following up on my voicemail" in subject, subject
        assert len(subject) <= SUBJECT_MAX


_WELL_BEING = re.compile(
    r"hope you('ve| have) been well|hope all's been well|hope the year|how you've been"
    r"|how things are going|how have things been|what you've been up to|hope all is well",
    re.IGNORECASE,
)


@EXAMPLES
@given(request=realistic_requests())
def test_a_check_in_asks_after_them_once(request: DeclineRequest) -> None:
    # "I hope you've been well …" then "I'd love to hear how you've been" says it twice.
    messages, _ = _compose(request)
    for follow_up in messages.get("follow_ups", []):
        if follow_up["kind"] == "check_in":
            assert len(_WELL_BEING.findall(follow_up["text"])) <= 1, follow_up["text"]


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("DET. INSP. MARK HOLLOWAY", "Dear Detective Inspector Holloway,"),
        ("Capt. Jane Smith", "Dear Captain Smith,"),
        ("Chief Inspector Helen Price", "Dear Chief Inspector Price,"),
        # A role after the name is not part of it.
        ("Mrs Janet Lowe (Headteacher)", "Dear Mrs Lowe,"),
    ],
)
def test_a_recipient_typed_with_a_rank_is_addressed_by_it(name: str, greeting: str) -> None:
    body = decline_request(recipient={"name": name}, tone="warm")
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert messages["email"]["text"].startswith(f"{greeting}\n")
    assert messages["phone_script"]["text"].startswith(f"Hello {greeting[5:-1]}, it's Ana Ruiz.")


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Dr. Patricia Nguyen-Alvarez, MD, FACP", "Dear Dr. Nguyen-Alvarez,"),
        ("Dr Siobhán O'Connell-Murphy BEng CEng MIEI/FIEI", "Dear Dr O'Connell-Murphy,"),
        ("Ms Aoife Byrne, BA (Hons)", "Dear Ms Byrne,"),
        ("Professor Helen Xu FACN", "Dear Professor Xu,"),
        ("Brigadier (Ret'd) Alistair Fenwick-Hughes AM CSC", "Dear Brigadier Fenwick-Hughes,"),
        # A surname typed in capitals is a surname, not letters after it.
        ("Mr Jordan LEE, PhD", "Dear Mr LEE,"),
    ],
)
def test_letters_after_a_name_are_never_taken_for_the_surname(name: str, greeting: str) -> None:
    body = decline_request(
        recipient={"name": name},
        candidate={"name": "Thomas Whitcombe, RN, BSN", "email": "tw@example.com"},
        tone="warm",
    )
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert messages["email"]["text"].startswith(f"{greeting}\n")
    # The candidate says their name on the phone, not their letters.
    assert messages["phone_script"]["text"].startswith(
        f"Hello {greeting[5:-1]}, it's Thomas Whitcombe."
    )
    assert "BSN" not in messages["phone_script"]["voicemail"]
    assert "check_address_as" not in [item["code"] for item in guidance]


def test_a_referral_s_name_field_that_says_who_they_are_is_not_taken_for_a_name() -> None:
    referral = {"name": "sipho m. - my old shift lead at bidvest", "timing": "now"}
    body = decline_request(referral=referral, channels=["email"])
    messages, _ = _compose(DeclineRequest.model_validate(body))
    assert (
        "recommend Sipho M., my old shift lead at bidvest, for the role"
        in (messages["email"]["text"])
    )
    referral = {"name": "My Cousin's Friend Arjun", "email": "arjun@example.com", "timing": "now"}
    body = decline_request(referral=referral, channels=["email"])
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert "recommend My" not in messages["email"]["text"]
    assert "My has" not in messages["email"]["text"]
    advice = {item["code"]: item["message"] for item in guidance}
    assert "(“My Cousin's Friend Arjun”) says who they are" in advice["referral_consent"]


def test_a_religious_title_is_not_a_first_name() -> None:
    referral = {"name": "Sister Anne Kelly", "timing": "now"}
    advice = _guidance(decline_request(referral=referral, tone="formal"))
    assert "Check with Sister Kelly before" in advice["referral_consent"]
    assert "Check with Sister before" not in advice["referral_consent"]


def test_an_initial_before_the_name_is_not_greeted() -> None:
    body = decline_request(recipient={"name": "K. Ramesh"}, tone="brief")
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert messages["email"]["text"].startswith("Hi Ramesh,\n")
    assert not [text for text in _letters(messages) if "K.," in text or "Thank K." in text]
    assert "Thank Ramesh" in " ".join(messages["phone_script"]["talking_points"])
    advice = {item["code"]: item["message"] for item in guidance}
    assert "as “Ramesh”" in advice["check_address_as"]


@pytest.mark.parametrize("role", ["Visual Merchandiser 💫 (Flagship Store)", "Growth Marketer 🚀"])
def test_an_emoji_in_a_title_is_left_out_of_every_message(role: str) -> None:
    body = decline_request(role=role)
    messages, guidance = _compose(DeclineRequest.model_validate(body))
    assert not [text for text in _letters(messages) if "💫" in text]
    assert "💫" not in messages["email"]["subject"]
    assert "check_typing" not in [item["code"] for item in guidance]


def test_a_job_board_s_terms_are_not_said_as_what_the_role_is_in() -> None:
    role = "Warehouse & Shipping Associate - Full Time - Day Shift ($22/hr) - Immediate Start!"
    messages, _ = _compose(DeclineRequest.model_validate(decline_request(role=role)))
    assert "the Warehouse & Shipping Associate role at Acme" in messages["email"]["text"]
    assert "Declining the Warehouse & Shipping Associate offer" in messages["email"]["subject"]


def test_a_referral_is_put_forward_on_a_call_without_someone_twice() -> None:
    referral = {
        "name": "Leah Carmichael",
        "relationship": "someone I worked with on a heritage podcast",
        "timing": "now",
    }
    script = _compose(DeclineRequest.model_validate(decline_request(referral=referral)))[0][
        "phone_script"
    ]["text"]
    assert script.count("someone") == 1, script


def test_a_missed_interview_is_apologised_for_once_in_the_candidate_s_words() -> None:
    # Our apology and then theirs said sorry twice, for "Monday" and for "yesterday".
    detail = "I'm so sorry I missed yesterday's interview, a family emergency came up."
    body = decline_request(
        stage="interview",
        interview_at=(NOW - timedelta(days=1)).isoformat(),
        reason={"category": "other", "detail": detail},
    )
    messages, _ = _compose(DeclineRequest.model_validate(body))
    email = messages["email"]
    for text in (email["text"], email["after_voicemail"]["text"], messages["phone_script"]["text"]):
        assert text.count("sorry") == 1 + text.count("sorry again"), text
        assert text.count(detail) == 1, text
        assert text.index(detail) < text.index("withdraw")


def test_a_reason_that_says_how_hard_it_was_is_not_told_it_was_difficult() -> None:
    detail = "It's been a really tough call, but it isn't the right move for me right now."
    body = decline_request(reason={"category": "other", "detail": detail})
    email = _compose(DeclineRequest.model_validate(body))[0]["email"]["text"]
    assert "difficult decision" not in email
    assert f"I've chosen to decline the offer. {detail}" in email
