"""The reason taxonomy: labels for people and mappings for applicant tracking systems."""

from app.schemas import ReasonCategory, ReasonInfo

_ROWS: list[tuple[ReasonCategory, str, str, str]] = [
    (
        ReasonCategory.accepted_other_offer,
        "Accepted another offer",
        "The candidate has accepted an offer elsewhere.",
        "Wasn't interested",
    ),
    (
        ReasonCategory.role_fit,
        "Role fit",
        "The role's scope is not the right fit for the candidate.",
        "Wasn't interested",
    ),
    (
        ReasonCategory.career_direction,
        "Career direction",
        "The candidate is looking for a different kind of role; pairs with preferred_role.",
        "Wasn't interested",
    ),
    (
        ReasonCategory.compensation,
        "Compensation",
        "The offer or pay does not meet the candidate's needs.",
        "Didn't like offer",
    ),
    (
        ReasonCategory.location,
        "Location",
        "Location, relocation, commute or remote-work policy.",
        "Wasn't interested",
    ),
    (
        ReasonCategory.timing,
        "Timing",
        "Not the right time; the candidate is staying in their current role.",
        "Wasn't available",
    ),
    (
        ReasonCategory.company_fit,
        "Company fit",
        "Culture or values; always phrased without criticism of the company.",
        "Wasn't interested",
    ),
    (
        ReasonCategory.personal,
        "Personal circumstances",
        "Personal or family circumstances; never detailed unless the candidate gives a detail.",
        "Wasn't available",
    ),
    (
        ReasonCategory.other,
        "Other",
        "No specific reason given.",
        "Other",
    ),
]

REASONS: list[ReasonInfo] = [
    ReasonInfo(category=category, label=label, description=description, ats={"greenhouse": gh})
    for category, label, description, gh in _ROWS
]
