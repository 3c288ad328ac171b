"""Voucher codes. A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I),
random (secrets): 32^12 ≈ 1.2·10^18 codes, so guessing one is hopeless. The QR code carries
the code signed (django.core.signing, salt "benefits.voucher"), so a till can tell a forged or
altered QR from a real one; the typed plain code is the fallback when the camera fails."""

import secrets

from django.core import signing
from django.utils.translation import gettext as _

from zhijia.core.errors import ValidationFailed

from .error_codes import BAD_CODE

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12
SALT = "benefits.voucher"
_ALLOWED = frozenset(ALPHABET)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _i in range(LENGTH))


def voucher_qr(voucher) -> str:
    """The QR payload of a voucher: "<code>:<signature>"."""
    return signing.Signer(salt=SALT).sign(voucher.code)


def bad_code() -> ValidationFailed:
    message = _("This voucher code is not valid.")
    return ValidationFailed(message, code=BAD_CODE, fields={"code": [message]})


def parse(raw: str) -> str:
    """The voucher code in a scanned QR payload or a typed code (spaces, dashes and case do not
    matter). A payload whose signature does not match, or anything that is not a well-formed
    code, raises ValidationFailed `bad_code`. Whether the code exists is the caller's question."""
    text = (raw or "").strip()
    if len(text) > 200:
        raise bad_code()
    if ":" in text:
        try:
            text = signing.Signer(salt=SALT).unsign(text)
        except signing.BadSignature as exc:
            raise bad_code() from exc
    code = text.replace(" ", "").replace("-", "").upper()
    if len(code) != LENGTH or not set(code) <= _ALLOWED:
        raise bad_code()
    return code


def mask_code(code: str) -> str:
    """For lists and reconciliations: the first and last four characters."""
    return f"{code[:4]}****{code[-4:]}" if len(code) > 8 else "****"
