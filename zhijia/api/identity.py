"""/api/v1/identity: a live check of an identity-document number for forms.

Anonymous (workers joining the union are not logged in yet), so it is rate-limited per client
address: IDENTITY_VALIDATE_PER_MINUTE (default 60) per fixed one-minute window in the Django
cache, then 429 `rate_limited`. A refused number is a normal answer (200, `valid: false` with
a stable code), not an error; only a request we cannot interpret is a 400. The number is never
echoed whole: `normalized` is masked, and nothing is logged or stored.
"""

import time
from datetime import date
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema

from zhijia.api.schemas import ErrorOut
from zhijia.core import ratelimit
from zhijia.core.errors import RateLimited, field_error
from zhijia.core.validators.identity import (
    IDENTITY_TYPES,
    MESSAGES,
    IdentityError,
    mask_identity,
    validate_identity,
)

router = Router(tags=["identity"])

DEFAULT_PER_MINUTE = 60


class IdentityIn(Schema):
    id_type: str = Field(..., max_length=32, description=f"One of: {', '.join(IDENTITY_TYPES)}.")
    id_number: str = Field(..., max_length=64, description="As typed; full-width and spaces are fine.")


class IdentityOut(Schema):
    valid: bool
    id_type: str | None = Field(
        None, description="The type the number really is (a residence permit typed as cn_resident)."
    )
    normalized: str | None = Field(
        None, description="The normalised number, MASKED (4403**********123X, A12****(3)); never in full."
    )
    birth_date: date | None = None
    gender: Literal["male", "female"] | None = None
    code: str | None = Field(
        None,
        description="When not valid: bad_format, bad_checksum, bad_date, future_birth_date, "
        "bad_region or legacy_refused.",
    )
    message: str | None = Field(None, description="When not valid: the translated reason.")


@router.post(
    "/validate",
    auth=None,
    response={200: IdentityOut, 400: ErrorOut, 429: ErrorOut},
    exclude_none=True,
    summary="Check an identity-document number",
)
def validate(request: HttpRequest, payload: IdentityIn):
    """200 `{"valid": true, "id_type", "normalized" (masked), "birth_date"?, "gender"?}` or 200
    `{"valid": false, "code", "message"}`; 400 `unknown_type` naming `id_type`; 429 `rate_limited`."""
    _throttle(request)
    if payload.id_type not in IDENTITY_TYPES:
        raise field_error("id_type", MESSAGES["unknown_type"], code="unknown_type")
    try:
        result = validate_identity(payload.id_type, payload.id_number)
    except IdentityError as exc:
        return {"valid": False, "code": exc.code, "message": str(exc.message)}
    return {
        "valid": True,
        "id_type": result.id_type,
        "normalized": mask_identity(result.id_type, result.normalized),
        "birth_date": result.birth_date,
        "gender": result.gender,
    }


def _throttle(request: HttpRequest) -> None:
    """Count this request against the caller's address; raise RateLimited past the limit."""
    limit = getattr(settings, "IDENTITY_VALIDATE_PER_MINUTE", DEFAULT_PER_MINUTE)
    key = f"identity-validate:{request.META.get('REMOTE_ADDR')}:{int(time.time() // 60)}"
    if ratelimit.hit(key, 120) > limit:
        raise RateLimited()
