"""Masking for display, logs, exports and audit data: personal values are never shown whole."""

import re
from typing import Any

CN_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
# Ids are left alone: a UUID's hex may hold eleven digits in a row that look like a phone.
UUID_RE = re.compile(r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})")
HKID_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,2})(\d{2})\d{4}\(?([0-9A])\)?(?![0-9A-Za-z])")


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "****"


def mask_cn_id(number: str | None) -> str:
    """4403**********123X: the region prefix and the last four stay."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_name(name: str | None) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧**娜; keeps characters beyond the BMP intact."""
    if not name:
        return ""
    chars = list(name)
    if len(chars) == 1:
        return chars[0]
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


def mask_text(text: str) -> str:
    """Masks every ID number and mobile phone found in free text (logs, audit data); UUIDs in
    the text stay as they are."""
    if "-" in text and UUID_RE.search(text):
        parts = UUID_RE.split(text)  # odd positions are the UUIDs
        return "".join(part if i % 2 else _mask_plain(part) for i, part in enumerate(parts))
    return _mask_plain(text)


def _mask_plain(text: str) -> str:
    text = CN_ID_RE.sub(lambda m: m.group(1)[:4] + "*" * 10 + m.group(3)[-4:], text)
    text = HKID_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}****({m.group(3)})", text)
    return PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def mask_data(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_data(v) for v in value]
    return value
