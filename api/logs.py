"""Structured logs: one JSON line per event, with the request id; never personal data.

Only whitelisted fields are written, so a phone number or message text passed by mistake in
`extra` never reaches the log.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

SAFE_FIELDS = ("channel", "intent", "confidence", "language", "replies", "status", "path",
               "method", "duration_ms", "code", "count", "worker", "stage", "attempts")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        rid = request_id.get()
        if rid:
            event["request_id"] = rid
        for name in SAFE_FIELDS:
            if hasattr(record, name):
                event[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            # The exception type and where it happened, not its message: messages can hold data.
            event["error"] = record.exc_info[0].__name__
            tb = record.exc_info[2]
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                event["at"] = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        return json.dumps(event, ensure_ascii=False)


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log prints query strings; ours prints path and status only.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # httpx logs every request's full URL at INFO, and Graph API calls carry the Messenger
    # page token in the query string: only its warnings are wanted.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
