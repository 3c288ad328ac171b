"""Identity documents: validation, masking and the blind-index value.

`validate_identity(id_type, raw)` normalises first (text.normalize: NFKC, no spaces or zero-width
characters, upper case) and returns an `IdentityResult` or raises `IdentityError(code)` with one
of the stable codes in `MESSAGES`. What is checked, per type:

- `cn_resident` 居民身份证 (GB 11643-1999): 17 digits + check (ISO 7064 MOD 11-2); province
  code 11-15, 21-23, 31-37, 41-46, 50-54, 61-65 or 71; birth date real, from 1900-01-01, not
  after `today`; 17th digit odd = male. A number starting 810000 / 820000 / 830000 is a
  港澳台居民居住证 in GB 11643 form: accepted here too but *routed* (result `id_type` is
  `residence_permit`), so both entries reach the same blind index; any other 81/82/83 prefix is
  `bad_region`. Legacy 15-digit numbers (region, YYMMDD of 19YY, sequence, no check): policy
  `convert` inserts "19" and computes the check (a typo cannot be detected: there is no check to
  fail), policy `refuse` answers `legacy_refused`.
- `residence_permit` 港澳台居民居住证: GB 11643 form with prefix 810000 (HK), 820000 (Macau) or
  830000 (Taiwan); check, birth date and gender as above.
- `hk_id` 香港身份证: one or two letters, six digits, check 0-9 or A, brackets optional.
  Weights 9…2 over (space = 36 | letter) + letter + digits, A = 10 … Z = 35, check =
  (11 - sum % 11) % 11, 10 → A. Normal form `A123456(3)`. Known limit of the algorithm itself:
  swapping a prefix letter for one 11 or 22 places away (A↔L↔W, B↔M↔X …) keeps the sum mod 11.
- `hk_macau_permit` 港澳居民来往内地通行证: H or M + 8 digits (card since 2013), or H/M + 10
  digits (older form whose last two digits count re-issues). No check character exists.
- `tw_permit` 台湾居民来往大陆通行证: 8 digits (card since 2015). The older booklets and the
  one-time permits are not accepted: booklets stopped being issued in 2015 with at most five
  years' validity, and a one-time permit is not an identity document to register with.
- `foreign_permanent` 外国人永久居留身份证: the 2017 form, 3 letters (country) + 12 digits, format
  only; the 2023 form, 18 characters starting with 9 with a MOD 11-2 check like GB 11643 and the
  birth date at positions 7-14 (checked as above). Gender is not derived: the published rule
  confirms the identity mark and the check, not a gender digit.
- `passport`: 5-17 letters or digits, format only (no MRZ).

Birth dates are checked against `today` (default: the local date, Asia/Shanghai).
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .text import normalize

IDENTITY_TYPES = (
    "cn_resident",
    "residence_permit",
    "hk_id",
    "hk_macau_permit",
    "tw_permit",
    "foreign_permanent",
    "passport",
)
LEGACY_POLICIES = ("convert", "refuse")

MESSAGES = {
    "bad_format": _("The number does not have the format of this document."),
    "bad_checksum": _("The number is not valid: its check character does not match. Please check it."),
    "bad_date": _("The birth date in the number is not a real date."),
    "future_birth_date": _("The birth date in the number is in the future."),
    "bad_region": _("The region code in the number is not valid for this document."),
    "legacy_refused": _("Old 15-digit ID numbers are not accepted. Please enter the 18-character number."),
    "unknown_type": _("Unknown identity document type."),
}

GB_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
GB_CHECK = "10X98765432"
PROVINCES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66), 71]
)
PERMIT_PREFIXES = {"810000": "hk", "820000": "macau", "830000": "taiwan"}
EARLIEST_BIRTH = date(1900, 1, 1)

_GB_RE = re.compile(r"\d{17}[\dX]")
_LEGACY_RE = re.compile(r"\d{15}")
_HK_RE = re.compile(r"([A-Z]{1,2})(\d{6})(?:\(([\dA])\)|([\dA]))")
_HK_MACAU_RE = re.compile(r"[HM]\d{8}(?:\d{2})?")
_TW_RE = re.compile(r"\d{8}")
_FOREIGN_2017_RE = re.compile(r"[A-Z]{3}\d{12}")
_PASSPORT_RE = re.compile(r"[A-Z\d]{5,17}")

Gender = Literal["male", "female"]


class IdentityError(ValueError):
    """A refused number; `code` is one of MESSAGES, `message` its translated text."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)

    @property
    def message(self):
        return MESSAGES[self.code]


@dataclass(frozen=True)
class IdentityResult:
    """`id_type` is the type the number really is (a residence-permit number entered as
    cn_resident comes back as residence_permit); `normalized` is the canonical form."""

    normalized: str
    birth_date: date | None
    gender: Gender | None
    id_type: str


def gb11643_check(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, GB_WEIGHTS, strict=True))
    return GB_CHECK[total % 11]


def hkid_check(prefix: str, digits: str) -> str:
    values = ([36] if len(prefix) == 1 else []) + [ord(ch) - 55 for ch in prefix] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    remainder = (11 - total % 11) % 11
    return "A" if remainder == 10 else str(remainder)


def convert_legacy_15(number: str) -> str:
    """110105491231002 → 11010519491231002X: insert the century 19, append the check."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + gb11643_check(first17)


def validate_identity(
    id_type: str, raw: str, *, today: date | None = None, legacy_15: str = "convert"
) -> IdentityResult:
    """Return the normalised number with birth date and gender where the document carries them,
    or raise IdentityError (codes in MESSAGES). Pure: no database, no logging of the number."""
    if legacy_15 not in LEGACY_POLICIES:
        raise ValueError(f"legacy_15 must be one of {LEGACY_POLICIES}")
    check = _CHECKERS.get(id_type)
    if check is None:
        raise IdentityError("unknown_type")
    return check(normalize(raw), today or _local_today(), legacy_15)


def _local_today() -> date:
    return timezone.localdate()


def _gb11643(number: str) -> None:
    if not _GB_RE.fullmatch(number):
        raise IdentityError("bad_format")
    if gb11643_check(number[:17]) != number[17]:
        raise IdentityError("bad_checksum")


def _birth_date(yyyymmdd: str, today: date) -> date:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        raise IdentityError("bad_date") from None
    if born < EARLIEST_BIRTH:
        raise IdentityError("bad_date")
    if born > today:
        raise IdentityError("future_birth_date")
    return born


def _gender(digit: str) -> Gender:
    return "male" if int(digit) % 2 else "female"


def _gb_result(number: str, today: date, id_type: str) -> IdentityResult:
    return IdentityResult(number, _birth_date(number[6:14], today), _gender(number[16]), id_type)


def _cn_resident(number: str, today: date, legacy_15: str) -> IdentityResult:
    legacy = bool(_LEGACY_RE.fullmatch(number))
    if legacy:
        if legacy_15 == "refuse":
            raise IdentityError("legacy_refused")
        number = convert_legacy_15(number)
    _gb11643(number)
    if number[:2] in ("81", "82", "83"):
        if legacy or number[:6] not in PERMIT_PREFIXES:  # permits date from 2018: never 15 digits
            raise IdentityError("bad_region")
        return _gb_result(number, today, "residence_permit")
    if int(number[:2]) not in PROVINCES:
        raise IdentityError("bad_region")
    return _gb_result(number, today, "cn_resident")


def _residence_permit(number: str, today: date, legacy_15: str) -> IdentityResult:
    _gb11643(number)
    if number[:6] not in PERMIT_PREFIXES:
        raise IdentityError("bad_region")
    return _gb_result(number, today, "residence_permit")


def _hk_id(number: str, today: date, legacy_15: str) -> IdentityResult:
    match = _HK_RE.fullmatch(number)
    if not match:
        raise IdentityError("bad_format")
    prefix, digits = match.group(1), match.group(2)
    check = match.group(3) or match.group(4)
    if hkid_check(prefix, digits) != check:
        raise IdentityError("bad_checksum")
    return IdentityResult(f"{prefix}{digits}({check})", None, None, "hk_id")


def _foreign_permanent(number: str, today: date, legacy_15: str) -> IdentityResult:
    if _FOREIGN_2017_RE.fullmatch(number):
        return IdentityResult(number, None, None, "foreign_permanent")
    if not number.startswith("9"):
        raise IdentityError("bad_format")
    _gb11643(number)
    return IdentityResult(number, _birth_date(number[6:14], today), None, "foreign_permanent")


def _format_only(id_type: str, pattern: re.Pattern):
    def check(number: str, today: date, legacy_15: str) -> IdentityResult:
        if not pattern.fullmatch(number):
            raise IdentityError("bad_format")
        return IdentityResult(number, None, None, id_type)

    return check


_CHECKERS = {
    "cn_resident": _cn_resident,
    "residence_permit": _residence_permit,
    "hk_id": _hk_id,
    "hk_macau_permit": _format_only("hk_macau_permit", _HK_MACAU_RE),
    "tw_permit": _format_only("tw_permit", _TW_RE),
    "foreign_permanent": _foreign_permanent,
    "passport": _format_only("passport", _PASSPORT_RE),
}


def mask_identity(id_type: str, normalized: str) -> str:
    """For display, logs and API answers: `4403**********123X` (cn_resident, residence_permit),
    `A12****(3)` (hk_id), otherwise the first two and last two characters around stars.
    Never returns the whole number, whatever the input."""
    number = normalize(normalized)
    if id_type in ("cn_resident", "residence_permit") and len(number) > 8:
        return number[:4] + "*" * (len(number) - 8) + number[-4:]
    match = _HK_RE.fullmatch(number) if id_type == "hk_id" else None
    if match:
        return f"{match.group(1)}{match.group(2)[:2]}****({match.group(3) or match.group(4)})"
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def identity_index_value(id_type: str, normalized: str) -> str:
    """The string fed to the blind index: "type:number" in canonical form, so `x`/`X`, a legacy
    15-digit number and its 18-digit form, and a residence permit entered as cn_resident each
    reach one value. Takes a number already accepted by validate_identity."""
    if id_type not in _CHECKERS:
        raise IdentityError("unknown_type")
    number = normalize(normalized)
    if id_type == "cn_resident" and _LEGACY_RE.fullmatch(number):
        number = convert_legacy_15(number)
    if id_type == "cn_resident" and number[:6] in PERMIT_PREFIXES:
        id_type = "residence_permit"
    match = _HK_RE.fullmatch(number) if id_type == "hk_id" else None
    if match:
        number = f"{match.group(1)}{match.group(2)}({match.group(3) or match.group(4)})"
    return f"{id_type}:{number}"
