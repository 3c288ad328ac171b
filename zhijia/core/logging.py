import logging

from .masking import mask_text


class MaskPersonalDataFilter(logging.Filter):
    """Masks ID numbers and phone numbers in every log message before it is written.

    The message is formatted first and masked whole, so values inside non-string arguments (a
    dict of SMS parameters, gunicorn's access-log atoms) are masked too."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: mask what is there, let logging report it
            message = str(record.msg)
        record.msg = mask_text(message)
        record.args = None
        return True
