"""Writes of the orgs domain. Callers have already passed the access check (orgs.permissions)."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypinyin import Style, lazy_pinyin

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, ValidationFailed
from zhijia.core.validators.text import clean_name, has_control_chars
from zhijia.core.validators.uscc import USCCError, validate_uscc

from . import error_codes
from .enums import OrgLevel, OrgStatus, level_allowed
from .models import Org, Role, RoleGrant
from .tree import segment

USCC_MESSAGES = {
    "bad_length": gettext_lazy("must be 18 characters"),
    "bad_character": gettext_lazy("contains a character not allowed (I, O, Z, S, V are never used)"),
    "bad_authority": gettext_lazy("first character must be 1-9, A, N or Y"),
    "bad_checksum": gettext_lazy("check character does not match: please re-check the code"),
}


def pinyin_fields(name: str) -> dict[str, str]:
    syllables = lazy_pinyin(name, errors="ignore")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return {"name_pinyin": "".join(syllables).lower(), "name_initials": "".join(initials).lower()[:100]}


def clean_org_fields(*, name: str, short_name: str, level: str, uscc: str, division_code: str, contact_name: str) -> dict[str, Any]:
    """Validate and normalise; raise ValidationFailed naming every bad field at once."""
    errors: dict[str, list[str]] = {}
    name = clean_name(name)
    short_name = clean_name(short_name)
    if not name:
        errors["name"] = [_("This field is required.")]
    elif has_control_chars(name) or len(name) > 200:
        errors["name"] = [_("Name contains characters that are not allowed or is too long.")]
    if has_control_chars(short_name) or len(short_name) > 100:
        errors["short_name"] = [_("Short name contains characters that are not allowed or is too long.")]
    if level not in OrgLevel.values:
        errors["level"] = [_("Choose a valid level.")]
    if uscc:
        try:
            uscc = validate_uscc(uscc)
        except USCCError as exc:
            errors["uscc"] = [_("Unified social credit code %(reason)s.") % {"reason": USCC_MESSAGES[exc.code]}]
    division_code = (division_code or "").strip()
    if division_code and (len(division_code) != 6 or not division_code.isdigit()):
        errors["division_code"] = [_("Administrative division code must be 6 digits.")]
    if has_control_chars(contact_name or ""):
        errors["contact_name"] = [_("Contact contains characters that are not allowed.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), code="invalid", fields=errors)
    return {"name": name, "short_name": short_name, "level": level, "uscc": uscc, "division_code": division_code,
            "contact_name": clean_name(contact_name or "")}


def _check_level(parent: Org | None, level: str) -> None:
    if parent is not None and not level_allowed(parent.level, level):
        raise ValidationFailed(
            _("A unit must be at a lower level than its parent."), code=error_codes.BAD_LEVEL,
            fields={"level": [_("A unit must be at a lower level than its parent.")]},
        )


def _next_path(parent: Org | None) -> str:
    """Allocate the next child segment. Locks the parent row (PostgreSQL) for the transaction."""
    if parent is None:
        last_root = Org.objects.filter(depth=0).order_by("-path").values_list("path", flat=True).first()
        number = int(last_root[:-1], 36) + 1 if last_root else 1
        return segment(number)
    Org.objects.filter(pk=parent.pk).update(child_seq=F("child_seq") + 1)
    seq = Org.objects.filter(pk=parent.pk).values_list("child_seq", flat=True).get()
    return parent.path + segment(seq)


def _uscc_conflict() -> Conflict:
    msg = _("Another unit already has this unified social credit code.")
    return Conflict(msg, code=error_codes.USCC_TAKEN, fields={"uscc": [msg]})


@transaction.atomic
def org_create(
    *, actor: Any, parent: Org | None, name: str, level: str, short_name: str = "", uscc: str = "",
    division_code: str = "", contact_name: str = "", contact_phone: str = "",
) -> Org:
    """Create a unit under `parent` (None: a new root; only seeding and superusers do that)."""
    fields = clean_org_fields(name=name, short_name=short_name, level=level, uscc=uscc,
                              division_code=division_code, contact_name=contact_name)
    _check_level(parent, fields["level"])
    if parent is not None and parent.status != OrgStatus.ACTIVE:
        raise Conflict(_("The parent unit is dissolved."), code=error_codes.PARENT_DISSOLVED)
    if fields["uscc"] and Org.objects.filter(uscc=fields["uscc"]).exists():
        raise _uscc_conflict()
    path = _next_path(parent)
    try:
        with transaction.atomic():
            org = Org.objects.create(
                parent=parent, path=path, depth=(parent.depth + 1) if parent else 0,
                contact_phone=contact_phone or "", **fields, **pinyin_fields(fields["name"]),
            )
    except IntegrityError as exc:
        raise _uscc_conflict() from exc
    audit_log(actor=actor, action="org.create", obj=org, data={"name": org.name, "level": org.level, "parent": str(parent.pk) if parent else ""})
    return org


@transaction.atomic
def role_grant(*, actor: Any, user: Any, org: Org, role: Role, include_subtree: bool = True) -> RoleGrant:
    """Grant `role` on `org`. Enforces 三员分立: one separation class per account."""
    if role.separation:
        held = set(
            RoleGrant.objects.filter(user=user).exclude(role__separation="").exclude(role__separation=role.separation)
            .values_list("role__separation", flat=True)
        )
        if held:
            msg = _("This account already holds a role of another duty (system, security, audit); one account may hold only one.")
            raise Conflict(msg, code=error_codes.SEPARATION_OF_DUTIES, fields={"role": [msg]})
    grant, created = RoleGrant.objects.get_or_create(
        user=user, org=org, role=role, defaults={"include_subtree": include_subtree, "granted_by": actor if getattr(actor, "is_authenticated", False) else None}
    )
    if not created:
        raise Conflict(_("This role is already granted on this unit."), code=error_codes.GRANT_EXISTS)
    audit_log(actor=actor, action="role.grant", obj=grant, org=org,
              data={"user": user.username, "role": role.code, "include_subtree": include_subtree})
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant) -> None:
    audit_log(actor=actor, action="role.revoke", obj=grant, org=grant.org,
              data={"user": grant.user.username, "role": grant.role.code})
    grant.delete()
