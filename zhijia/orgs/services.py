"""Writes of the orgs domain. Callers have already passed the access check (orgs.permissions)."""

import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypinyin import Style, lazy_pinyin

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, ValidationFailed
from zhijia.core.validators.text import clean_name, has_control_chars, normalize
from zhijia.core.validators.uscc import USCCError, validate_uscc

from . import error_codes
from .enums import OrgLevel, OrgStatus, level_allowed
from .models import Org, Role, RoleGrant
from .tree import segment, subtree_q

TREE_LOCK_KEY = 0x7A6A6F7267  # "zjorg": the advisory lock taken by _tree_lock
_PHONE_CHARS = re.compile(r"[0-9+\-()#]+")

USCC_MESSAGES = {
    "bad_length": gettext_lazy("Unified social credit code must be 18 characters."),
    "bad_character": gettext_lazy(
        "Unified social credit code contains a character not allowed (I, O, Z, S, V are never used)."
    ),
    "bad_authority": gettext_lazy("Unified social credit code must start with 1-9, A, N or Y."),
    "bad_checksum": gettext_lazy(
        "Unified social credit code check character does not match: please re-check it."
    ),
}


# Other domains refuse a dissolve through these hooks (orgs imports no domain): each guard gets
# the unit and returns an error code, or None to allow. The members domain registers one that
# answers has_active_members (MembersConfig.ready).
DISSOLVE_GUARDS: list[Callable[[Org], str | None]] = []
DISSOLVE_GUARD_MESSAGES = {"has_active_members": gettext_lazy("The unit still has active members.")}
# Called by org_move in its transaction, after the subtree's paths are rewritten, with the old
# and the new path of the moved unit: a domain that copies paths (labour's ledger order) follows.
MOVE_HOOKS: list[Callable[[str, str], None]] = []


def _check_dissolve_guards(org: Org) -> None:
    for guard in DISSOLVE_GUARDS:
        code = guard(org)
        if code:
            message = DISSOLVE_GUARD_MESSAGES.get(code, gettext_lazy("This unit cannot be dissolved now."))
            raise Conflict(message, code=code)


def pinyin_fields(name: str) -> dict[str, str]:
    syllables = lazy_pinyin(name, errors="ignore")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return {"name_pinyin": "".join(syllables).lower(), "name_initials": "".join(initials).lower()[:100]}


def clean_org_fields(
    *, name: str, short_name: str, level: str, uscc: str, division_code: str, contact_name: str
) -> dict[str, Any]:
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
            errors["uscc"] = [str(USCC_MESSAGES[exc.code])]
    division_code = (division_code or "").strip()
    if division_code and (len(division_code) != 6 or not division_code.isdigit()):
        errors["division_code"] = [_("Administrative division code must be 6 digits.")]
    if has_control_chars(contact_name or ""):
        errors["contact_name"] = [_("Contact contains characters that are not allowed.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), code="invalid", fields=errors)
    return {
        "name": name,
        "short_name": short_name,
        "level": level,
        "uscc": uscc,
        "division_code": division_code,
        "contact_name": clean_name(contact_name or ""),
    }


def _check_level(parent: Org | None, level: str) -> None:
    if parent is not None and not level_allowed(parent.level, level):
        raise ValidationFailed(
            _("A unit must be at a lower level than its parent."),
            code=error_codes.BAD_LEVEL,
            fields={"level": [_("A unit must be at a lower level than its parent.")]},
        )


def _next_path(parent: Org | None) -> str:
    """Allocate the next child segment. Locks the parent row (PostgreSQL) for the transaction and
    reads its path after the lock, so a move that committed meanwhile is taken into account."""
    if parent is None:
        last_root = Org.objects.filter(depth=0).order_by("-path").values_list("path", flat=True).first()
        number = int(last_root[:-1], 36) + 1 if last_root else 1
        return segment(number)
    Org.objects.filter(pk=parent.pk).update(child_seq=F("child_seq") + 1)
    seq, path = Org.objects.filter(pk=parent.pk).values_list("child_seq", "path").get()
    return path + segment(seq)


def _tree_lock(*, exclusive: bool) -> None:
    """Serialise subtree moves against each other and against creates (PostgreSQL).

    A move rewrites paths with one UPDATE whose snapshot cannot see a child inserted (or moved
    in) by a concurrent transaction; holding this lock exclusively for moves and shared for
    creates closes that gap. SQLite needs nothing: its IMMEDIATE transactions serialise writers.
    """
    if connection.vendor != "postgresql":
        return
    func = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {func}(%s)", [TREE_LOCK_KEY])


def _clean_contact_phone(raw: str) -> str:
    """An office phone may be a landline with area code and extension, so only the shape is checked."""
    phone = normalize(raw or "", upper=False)
    if phone and (len(phone) > 30 or not _PHONE_CHARS.fullmatch(phone)):
        msg = _("Enter a phone number: digits, optionally with +, -, parentheses or # for an extension.")
        raise ValidationFailed(msg, code=error_codes.BAD_CONTACT_PHONE, fields={"contact_phone": [msg]})
    return phone


def _uscc_conflict() -> Conflict:
    msg = _("Another unit already has this unified social credit code.")
    return Conflict(msg, code=error_codes.USCC_TAKEN, fields={"uscc": [msg]})


@transaction.atomic
def org_create(
    *,
    actor: Any,
    parent: Org | None,
    name: str,
    level: str,
    short_name: str = "",
    uscc: str = "",
    division_code: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Org:
    """Create a unit under `parent` (None: a new root; only seeding and superusers do that)."""
    fields = clean_org_fields(
        name=name,
        short_name=short_name,
        level=level,
        uscc=uscc,
        division_code=division_code,
        contact_name=contact_name,
    )
    _check_level(parent, fields["level"])
    if parent is not None and parent.status != OrgStatus.ACTIVE:
        raise Conflict(_("The parent unit is dissolved."), code=error_codes.PARENT_DISSOLVED)
    if fields["uscc"] and Org.objects.filter(uscc=fields["uscc"]).exists():
        raise _uscc_conflict()
    phone = _clean_contact_phone(contact_phone)
    _tree_lock(exclusive=False)
    path = _next_path(parent)
    try:
        with transaction.atomic():
            org = Org.objects.create(
                parent=parent,
                path=path,
                depth=(parent.depth + 1) if parent else 0,
                contact_phone=phone,
                **fields,
                **pinyin_fields(fields["name"]),
            )
    except IntegrityError as exc:
        raise _uscc_conflict() from exc
    audit_log(
        actor=actor,
        action="org.create",
        obj=org,
        data={"name": org.name, "level": org.level, "parent": str(parent.pk) if parent else ""},
    )
    return org


_UNCHANGED: Any = object()  # org_update's default: "leave this field as it is"
_EDITABLE = ("name", "short_name", "level", "uscc", "division_code", "contact_name")


def _refuse_if_dissolved(org: Org) -> None:
    """Lock the unit's row (PostgreSQL) and refuse if it is dissolved, as stored now."""
    status = Org.objects.select_for_update().values_list("status", flat=True).get(pk=org.pk)
    if status != OrgStatus.ACTIVE:
        raise Conflict(
            _("This unit is dissolved and can no longer be changed."), code=error_codes.ALREADY_DISSOLVED
        )


def _check_children_levels(org: Org, level: str) -> None:
    child_levels = set(Org.objects.filter(parent=org).values_list("level", flat=True))
    if any(not level_allowed(level, child) for child in child_levels):
        msg = _("A unit must be at a higher level than its sub-units.")
        raise ValidationFailed(msg, code=error_codes.BAD_LEVEL, fields={"level": [msg]})


def _check_update(org: Org, fields: dict[str, Any], changed: list[str]) -> None:
    if "level" in changed:
        _check_level(org.parent, fields["level"])
        _check_children_levels(org, fields["level"])
    new_uscc = fields["uscc"] if "uscc" in changed else ""
    if new_uscc and Org.objects.filter(uscc=new_uscc).exclude(pk=org.pk).exists():
        raise _uscc_conflict()


@transaction.atomic
def org_update(
    *,
    actor: Any,
    org: Org,
    name: str = _UNCHANGED,
    short_name: str = _UNCHANGED,
    level: str = _UNCHANGED,
    uscc: str = _UNCHANGED,
    division_code: str = _UNCHANGED,
    contact_name: str = _UNCHANGED,
    contact_phone: str = _UNCHANGED,
) -> Org:
    """Change the given fields of an active unit (omitted ones stay). The caller has checked
    orgs.manage on `org`. The level must stay below the parent's and above every child's; the
    USCC stays unique. Writes `org.update` with the names of the changed fields (no phone value).
    Raises ValidationFailed (400), Conflict already_dissolved / uscc_taken (409)."""
    _refuse_if_dissolved(org)
    given = {
        "name": name,
        "short_name": short_name,
        "level": level,
        "uscc": uscc,
        "division_code": division_code,
        "contact_name": contact_name,
    }
    fields = clean_org_fields(**{k: getattr(org, k) if v is _UNCHANGED else v for k, v in given.items()})
    if contact_phone is not _UNCHANGED:
        fields["contact_phone"] = _clean_contact_phone(contact_phone)
    changed = [key for key, value in fields.items() if getattr(org, key) != value]
    if not changed:
        return org
    _check_update(org, fields, changed)
    for key in changed:
        setattr(org, key, fields[key])
    if "name" in changed:
        for key, value in pinyin_fields(org.name).items():
            setattr(org, key, value)
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError as exc:
        raise _uscc_conflict() from exc
    audit_log(
        actor=actor,
        action="org.update",
        obj=org,
        data={"changed": changed, **{k: fields[k] for k in changed if k in _EDITABLE}},
    )
    return org


@transaction.atomic
def org_move(*, actor: Any, org: Org, new_parent: Org) -> Org:
    """Move `org` and its whole subtree under `new_parent`. The caller has checked orgs.manage on
    both. Refused: a root or dissolved unit, a target inside the unit's own subtree (or the unit
    itself), a dissolved target, a level not below the target's, a tree deeper than paths allow.

    Takes the tree lock exclusively (PostgreSQL), allocates a fresh segment from the new parent's
    child_seq, then rewrites every descendant's path and depth with one UPDATE, then runs the
    MOVE_HOOKS. Moving under the current parent changes nothing. Writes `org.move` with the old
    and new parent.
    """
    _tree_lock(exclusive=True)
    org = Org.objects.select_related("parent").get(pk=org.pk)  # paths re-read after the lock
    new_parent = Org.objects.get(pk=new_parent.pk)
    _refuse_if_dissolved(org)
    if org.parent is None:
        raise ValidationFailed(_("A top-level unit cannot be moved."), code=error_codes.ROOT_NOT_MOVABLE)
    if new_parent.path.startswith(org.path):
        msg = _("A unit cannot be moved under itself or one of its own sub-units.")
        raise ValidationFailed(msg, code=error_codes.MOVE_INTO_OWN_SUBTREE, fields={"parent": [msg]})
    if new_parent.status != OrgStatus.ACTIVE:
        msg = _("The parent unit is dissolved.")
        raise Conflict(msg, code=error_codes.PARENT_DISSOLVED, fields={"parent": [msg]})
    if new_parent.pk == org.parent_id:
        return org
    _check_level(new_parent, org.level)
    old_path, old_parent = org.path, org.parent
    deepest = max(len(p) for p in Org.objects.filter(subtree_q(old_path)).values_list("path", flat=True))
    new_path = _next_path(new_parent)
    if deepest - len(old_path) + len(new_path) > (Org._meta.get_field("path").max_length or 255):
        msg = _("The tree would become too deep.")
        raise ValidationFailed(msg, code=error_codes.TREE_TOO_DEEP, fields={"parent": [msg]})
    depth_delta = (new_parent.depth + 1) - org.depth
    Org.objects.filter(subtree_q(old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField()),
        depth=F("depth") + depth_delta,
    )
    Org.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    for hook in MOVE_HOOKS:
        hook(old_path, org.path)
    audit_log(
        actor=actor,
        action="org.move",
        obj=org,
        data={
            "from_parent": str(old_parent.pk),
            "to_parent": str(new_parent.pk),
            "old_path": old_path,
            "new_path": org.path,
        },
    )
    return org


@transaction.atomic
def org_dissolve(*, actor: Any, org: Org) -> Org:
    """Mark an active unit dissolved. The caller has checked orgs.manage on `org`. Refused with
    409 has_active_children while any child is active (dissolve or move them first) and
    already_dissolved if it is, and with the code of any DISSOLVE_GUARDS entry that objects
    (members: has_active_members).
    Grants on a dissolved unit stop counting (orgs.access.grants_of). Writes `org.dissolve`."""
    status = Org.objects.select_for_update().values_list("status", flat=True).get(pk=org.pk)
    if status != OrgStatus.ACTIVE:
        raise Conflict(_("This unit is already dissolved."), code=error_codes.ALREADY_DISSOLVED)
    if Org.objects.filter(parent=org, status=OrgStatus.ACTIVE).exists():
        raise Conflict(
            _("This unit still has active sub-units; dissolve or move them first."),
            code=error_codes.HAS_ACTIVE_CHILDREN,
        )
    _check_dissolve_guards(org)
    org.status = OrgStatus.DISSOLVED
    org.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="org.dissolve", obj=org, data={"name": org.name})
    return org


@transaction.atomic
def role_grant(*, actor: Any, user: Any, org: Org, role: Role, include_subtree: bool = True) -> RoleGrant:
    """Grant `role` on `org`. Enforces 三员分立: one separation class per account."""
    if role.separation:
        held = set(
            RoleGrant.objects.filter(user=user)
            .exclude(role__separation="")
            .exclude(role__separation=role.separation)
            .values_list("role__separation", flat=True)
        )
        if held:
            msg = _(
                "This account already holds a role of another duty (system, security, audit); "
                "one account may hold only one."
            )
            raise Conflict(msg, code=error_codes.SEPARATION_OF_DUTIES, fields={"role": [msg]})
    grant, created = RoleGrant.objects.get_or_create(
        user=user,
        org=org,
        role=role,
        defaults={
            "include_subtree": include_subtree,
            "granted_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    if not created:
        raise Conflict(_("This role is already granted on this unit."), code=error_codes.GRANT_EXISTS)
    audit_log(
        actor=actor,
        action="role.grant",
        obj=grant,
        org=org,
        data={"user": user.username, "role": role.code, "include_subtree": include_subtree},
    )
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant) -> None:
    audit_log(
        actor=actor,
        action="role.revoke",
        obj=grant,
        org=grant.org,
        data={"user": grant.user.username, "role": grant.role.code},
    )
    grant.delete()
