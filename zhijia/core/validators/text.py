import re
import unicodedata
from typing import Any

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


def normalize(value: str, *, upper: bool = True) -> str:
    """NFKC (full-width digits, letters and brackets become ASCII), drop zero-width characters
    and all spaces, upper-case (so a lower-case check character `x` becomes `X`)."""
    value = unicodedata.normalize("NFKC", value or "")
    value = _SPACES.sub("", _ZERO_WIDTH.sub("", value))
    return value.upper() if upper else value


def clean_name(value: str) -> str:
    """Names keep every character beyond the BMP (e.g. U+20000) but lose edge spaces; control
    characters are refused by the caller (has_control_chars)."""
    return unicodedata.normalize("NFC", value or "").strip()


def has_control_chars(value: str) -> bool:
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} and ch not in "\u200d" for ch in value)


def checked_text(field: str, value: Any, limit: int, *, required: bool = True) -> str:
    """A free-text field stripped, required unless told otherwise, at most `limit` characters,
    without control characters (line breaks and tabs allowed); errors name the field."""
    from django.utils.translation import gettext as _

    from zhijia.core.errors import field_error

    out = str(value or "").strip()
    if required and not out:
        raise field_error(field, _("This field is required."), "required")
    if len(out) > limit:
        raise field_error(field, _("At most %(n)d characters.") % {"n": limit})
    if has_control_chars(out.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise field_error(field, _("Remove the control characters."))
    return out
