"""Mainland mobile numbers: normalise, validate, index."""

import re

from zhijia.core.crypto import blind_index
from zhijia.core.validators.text import normalize

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str) -> str:
    value = normalize(raw or "").replace("-", "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    return value


def is_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(value))


def phone_index(normalized: str) -> str:
    return blind_index(normalized, "phone")
