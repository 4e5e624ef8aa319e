"""The `gracious` logger's one handler: key=value text or JSON lines, as LOG_FORMAT says."""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from app.observe import current_request_id

# The fields a record may carry through `extra=`; only these reach the line, so nothing a
# caller attaches by accident (a request body, a query) can leak into the log.
FIELDS = ("request_id", "tenant_id", "method", "route", "status", "duration_ms")
_HANDLER_NAME = "gracious"


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in FIELDS if hasattr(record, name)}


def _time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _time(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        pairs = " ".join(f"{name}={value}" for name, value in _fields(record).items())
        line = f"{_time(record)} {record.levelname.lower()} {record.getMessage()}"
        line = f"{line} {pairs}" if pairs else line
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


def _with_request_id(record: logging.LogRecord) -> bool:
    # Any line written while a request is handled (a database warning, a traceback) names it.
    if not hasattr(record, "request_id") and (request_id := current_request_id()) is not None:
        record.request_id = request_id
    return True


def configure(level: str, log_format: str) -> None:
    """Give the `gracious` logger one handler on stderr; calling again replaces it."""
    logger = logging.getLogger("gracious")
    logger.setLevel(level.upper())
    for handler in list(logger.handlers):
        if handler.get_name() == _HANDLER_NAME:
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(_with_request_id)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    logger.addHandler(handler)
    # Our handler writes the line; the root logger (if anything configured it) need not.
    logger.propagate = False
