"""/api/v1/auth: tokens for staff (password + TOTP) and workers (phone + SMS code).

`token` and `sms-code` take no authentication (and so no CSRF: there is no session to ride);
`me` and `logout` take the bearer token or the browser session.
"""

from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.contrib.auth import logout as session_logout
from ninja import Field, Router, Schema, Status

from zhijia.accounts.login import InvalidCredentials, login_audit, otp_check, password_check
from zhijia.accounts.policy import require_current_password
from zhijia.accounts.sms_codes import sms_code_send, sms_code_verify
from zhijia.accounts.tokens import token_issue, token_revoke
from zhijia.core.audit import audit_log
from zhijia.core.errors import field_error
from zhijia.core.masking import mask_phone
from zhijia.orgs.access import grants_of

router = Router(tags=["auth"])


class TokenIn(Schema):
    """Either username + password (+ otp for staff with 2FA), or phone + sms_code (workers)."""

    username: str | None = Field(None, max_length=150)
    password: str | None = Field(None, max_length=256)
    otp: str | None = Field(None, max_length=12)
    phone: str | None = Field(None, max_length=32)
    sms_code: str | None = Field(None, max_length=12)


class TokenOut(Schema):
    token: str
    expires_at: datetime


class SmsCodeIn(Schema):
    phone: str = Field(..., max_length=32)


class SmsCodeOut(Schema):
    sent: bool
    expires_in: int


class GrantOut(Schema):
    org_id: UUID
    org_name: str
    role: str
    capabilities: list[str]
    include_subtree: bool


class MeOut(Schema):
    id: UUID
    username: str
    display_name: str
    kind: str
    phone: str
    grants: list[GrantOut]


class LoggedOut(Schema):
    logged_out: bool


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


@router.post("/token", auth=None, response=TokenOut)
def token(request, payload: TokenIn):
    """Log in and get a bearer token. 401 `invalid_credentials` or `otp_required`, 429
    `locked_out` (5 failures lock the pair username/phone + IP for 30 minutes), 403
    `password_change_required` when an administrator set the password or it is older than the
    maximum age (the same answer every API request of such an account gets)."""
    if payload.phone is not None:
        user = sms_code_verify(phone=payload.phone, code=payload.sms_code or "", ip=_ip(request))
    elif payload.username is not None:
        user = password_check(request=request, username=payload.username, password=payload.password or "")
        otp_check(request=request, user=user, token=payload.otp)
        require_current_password(user)  # 403 password_change_required: change it in the console
        login_audit(user=user, via="api")
    else:
        raise field_error("username", InvalidCredentials.default_message, code="invalid_credentials")
    key, expires_at = token_issue(user=user)
    return {"token": key, "expires_at": expires_at}


@router.post("/sms-code", auth=None, response={202: SmsCodeOut})
def sms_code(request, payload: SmsCodeIn):
    """Send a login code by SMS. 400 naming `phone` for a bad number, 429 `rate_limited`."""
    sms_code_send(phone=payload.phone, ip=_ip(request))
    return Status(202, {"sent": True, "expires_in": settings.SMS_CODE_TTL_SECONDS})


@router.post("/logout", response=LoggedOut)
def logout(request):
    """Revoke the bearer token used for this request; with a browser session, end the session."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        key = header.split(" ", 1)[1].strip()
        token_revoke(user=request.user, token=key)
    else:
        session_logout(request)
    audit_log(actor=request.auth, action="logout", obj=request.auth, data={"via": "api"})
    return {"logged_out": True}


@router.get("/me", response=MeOut)
def me(request):
    """The caller's account: phone masked, grants with their capabilities."""
    user = request.auth
    grants = [
        {
            "org_id": g.org_id,
            "org_name": g.org.name,
            "role": g.role.code,
            "capabilities": list(g.role.capabilities),
            "include_subtree": g.include_subtree,
        }
        for g in grants_of(user)
    ]
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "kind": user.kind,
        "phone": mask_phone(user.phone),
        "grants": grants,
    }
