import logging

from .masking import mask_text


class MaskPersonalDataFilter(logging.Filter):
    """Masks ID numbers and phone numbers in every log message before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        if record.args:
            if isinstance(record.args, dict):
                record.args = {k: mask_text(v) if isinstance(v, str) else v for k, v in record.args.items()}
            else:
                record.args = tuple(mask_text(a) if isinstance(a, str) else a for a in record.args)
        return True
