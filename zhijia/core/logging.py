"""The one logging filter: nothing personal reaches a log line, whatever the logger or formatter.

Installed on every handler (config.settings LOGGING, `mask_pii`) and on the loggers whose
handlers Django or the server set up themselves (`django.server` for runserver's request lines,
`gunicorn.access` / `gunicorn.error` when gunicorn runs the app). For each record it:

- renders the message with its arguments and masks the result (`record.args` emptied, so a
  formatter cannot render the unmasked arguments again);
- redacts the values of query-string parameters that carry search text or secrets (`q`, `phone`,
  `id_number`, `token`…) in anything that looks like a URL, and masks every ID number, HKID and
  mobile number left (core.masking.mask_text);
- replaces every extra field: strings masked, dicts and lists masked recursively, and any other
  object (the `request` Django's `django.request` warnings carry, whose repr holds the full URL
  with its query string) by its masked text;
- renders a traceback once, masked, into `exc_text` (and drops `exc_info`), and masks
  `stack_info`.
"""

import logging
import re
from typing import Any

from .masking import mask_text

# The attributes every LogRecord has; anything else on a record is an "extra" field.
STANDARD_ATTRS = frozenset(logging.LogRecord("x", logging.INFO, "x", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}
# Query parameters whose values are personal search text or secrets: never logged at all.
SECRET_PARAMS = (
    "q",
    "query",
    "search",
    "phone",
    "mobile",
    "id_number",
    "idno",
    "name",
    "code",
    "sms_code",
    "otp",
    "token",
    "password",
    "key",
)
QUERY_PARAM_RE = re.compile(r"([?&](?:" + "|".join(SECRET_PARAMS) + r")=)[^&#\s\"'>]*", re.IGNORECASE)
SCALARS = (int, float, bool, type(None))


def mask_log_text(text: str) -> str:
    """Query-string secrets redacted, then every ID number and mobile number masked."""
    return mask_text(QUERY_PARAM_RE.sub(r"\1***", text))


def _masked(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return mask_log_text(value)
    if isinstance(value, SCALARS):
        return value
    if depth < 5 and isinstance(value, dict):
        return {k: _masked(v, depth + 1) for k, v in value.items()}
    if depth < 5 and isinstance(value, list | tuple):
        return [_masked(v, depth + 1) for v in value]
    try:
        return mask_log_text(str(value))
    except Exception:  # an object whose str() fails is not worth a crashed log call
        return f"<{type(value).__name__}>"


class MaskPersonalDataFilter(logging.Filter):
    """Masks ID numbers and phone numbers in every part of every record (see the module text).
    The message is formatted first and masked whole, so values inside non-string arguments (a
    dict of SMS parameters, gunicorn's access-log atoms) are masked too."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, masked
            message = f"{record.msg} {record.args}"
        record.msg = mask_log_text(str(message))
        record.args = None
        for name in list(record.__dict__):
            if name not in STANDARD_ATTRS:
                setattr(record, name, _masked(record.__dict__[name]))
        if record.exc_info:
            record.exc_text = mask_log_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask_log_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_log_text(record.stack_info)
        return True
