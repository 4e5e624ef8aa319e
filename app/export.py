"""The export's file formats: CSV that opens cleanly in a spreadsheet, and NDJSON.

CSV follows RFC 4180 (CRLF line ends; a field holding a comma, a quote or a line break is
quoted, its quotes doubled), in UTF-8 with a byte-order mark so spreadsheets read it as UTF-8.
A cell a spreadsheet would run as a formula (one starting with =, +, -, @, a tab or a carriage
return) gets a leading apostrophe, as OWASP advises, so it shows as the text it is.
"""

import csv
import io
import json
from collections.abc import Iterable

from app import ids
from app.store.export import ExportRow

COLUMNS = (
    "id",
    "created_at",
    "stage",
    "reason",
    "company",
    "role",
    "recipient",
    "candidate",
    "tone",
    "locale",
    "channels",
    "template_version",
    "closeout_id",
)
BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _created_at(decline_id: str) -> str:
    # The id holds the creation time to the millisecond; the same instant the API reports.
    return ids.created_at(decline_id).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _values(row: ExportRow) -> dict[str, object]:
    return {
        "id": row.id,
        "created_at": _created_at(row.id),
        "stage": row.stage,
        "reason": row.reason,
        "company": row.company,
        "role": row.role,
        "recipient": row.recipient,
        "candidate": row.candidate,
        "tone": row.tone,
        "locale": row.locale,
        "channels": row.channels,
        "template_version": row.template_version,
        "closeout_id": row.closeout_id,
    }


def neutralised(cell: str) -> str:
    """The cell as text a spreadsheet shows rather than evaluates."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return neutralised(" ".join(str(item) for item in value))
    return neutralised(str(value))


def csv_header() -> str:
    return BOM + csv_lines([], header=True)


def csv_lines(rows: Iterable[ExportRow], *, header: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if header:
        writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(value) for value in _values(row).values()])
    return buffer.getvalue()


def ndjson_lines(rows: Iterable[ExportRow]) -> str:
    return "".join(json.dumps(_values(row), ensure_ascii=False) + "\n" for row in rows)
