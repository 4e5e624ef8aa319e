"""The reason taxonomy served by GET /v1/reasons: the rows of templates/reasons.yaml."""

from app.compose.wording import reason_table
from app.schemas import ReasonCategory, ReasonInfo

REASONS: list[ReasonInfo] = [
    ReasonInfo(
        category=ReasonCategory(row.category),
        label=row.label,
        description=row.description,
        ats=row.ats,
    )
    for row in reason_table().values()
]
