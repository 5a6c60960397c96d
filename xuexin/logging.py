"""Structured, redacted logging.

``log_event("login.failed", user="138****0001", ip="203.0.113.0/24")`` writes one line the
JSON formatter turns into ``{"event": "login.failed", "user": ..., ...}``. Every handler also
runs ``RedactFilter``: whatever a message says, ID numbers come out masked (first 3 + last 4)
and verification codes as ``S***``, so no log line can carry them in full.
"""

from __future__ import annotations

import datetime
import json
import logging
import re

EVENTS = logging.getLogger("xuexin.events")

# 18-character GB 11643 numbers (and 15-digit legacy ones), not inside longer digit runs.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{3})(\d{8}|\d{11})(\d{3}[\dXx])(?![0-9A-Za-z])")
# Report codes: S + 19 characters, or the 15 of codes issued before (verification.codes).
_REPORT_CODE = re.compile(
    r"(?<![0-9A-Za-z])S(?:[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{19}|[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{15})"
    r"(?![0-9A-Za-z])"
)


def redact(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    return _REPORT_CODE.sub("S***", text)


def log_event(event: str, **fields: object) -> None:
    EVENTS.info(event, extra={"event_fields": fields})


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        fields = getattr(record, "event_fields", None)
        if fields:
            record.event_fields = {k: _redact_value(v) for k, v in fields.items()}
        return True


def _redact_value(value: object) -> object:
    """Numbers, booleans and None stay as they are; text is redacted; lists and dicts are
    redacted item by item, so a line keeps its structure."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): _redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_redact_value(v) for v in value]
    return redact(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event or message, and the fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
        }
        fields = getattr(record, "event_fields", None)
        if fields is not None:
            entry["event"] = record.getMessage()
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """Readable lines for a developer's terminal, fields as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, "event_fields", None)
        if fields:
            line += " " + " ".join(f"{key}={value}" for key, value in fields.items())
        return line
