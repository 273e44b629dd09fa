"""One JSON object per log line (production.ini's formatter): what log collectors parse
without a pattern. Fields: time (UTC, ISO 8601), level, logger, message, and the exception
when there is one; extra attributes given with `log.info(..., extra={...})` are kept."""

from __future__ import annotations

import datetime
import json
import logging

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        for name, value in vars(record).items():
            if name not in _STANDARD and not name.startswith("_"):
                line[name] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        return json.dumps(line, ensure_ascii=False)
