"""Creating, changing and (softly) deleting positions. Callers have passed the access check
(permissions.access_position / orgs.access.check with positions.manage on the union)."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, field_error
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.enums import OrgStatus
from zhijia.orgs.models import Org

from .. import error_codes
from ..feed import change_record
from ..models import Position
from ..validation import clean_position_data

_HUB_KEY = "hub_id"


def _hub(actor: Any, value: Any, position: Position | None) -> Position | None:
    """The hub named by `value` (None clears it): a non-deleted position the actor manages, not
    the position itself and not itself a spoke (networks are one level deep, so never cyclic)."""
    if value in (None, ""):
        return None
    hub_id = parse_uuid(value)
    hub = (
        Position.objects.select_related("org").filter(pk=hub_id, deleted_at__isnull=True).first()
        if hub_id
        else None
    )
    message = _("Choose a hub among the positions you manage.")
    # actor None is the system (the demo seed): it manages every position.
    if hub is None or (actor is not None and not scope_for(actor, Cap.POSITIONS_MANAGE).contains(hub.org)):
        raise field_error(_HUB_KEY, message, error_codes.HUB_OUT_OF_SCOPE)
    if position is not None and hub.pk == position.pk:
        raise field_error(_HUB_KEY, _("A position cannot be its own hub."), error_codes.HUB_OUT_OF_SCOPE)
    if hub.hub_id is not None:
        raise field_error(
            _HUB_KEY,
            _("This position belongs to another hub; choose that hub."),
            error_codes.HUB_OUT_OF_SCOPE,
        )
    if position is not None and position.spokes.filter(deleted_at__isnull=True).exists():
        raise field_error(
            _HUB_KEY,
            _("A hub with positions of its own cannot join another hub."),
            error_codes.HUB_OUT_OF_SCOPE,
        )
    return hub


def _duplicate_code() -> Conflict:
    message = _("Another position already uses this station code.")
    return Conflict(message, code=error_codes.DUPLICATE_CODE, fields={"code": [message]})


def _save(position: Position, **kwargs: Any) -> None:
    """Save in a savepoint, turning a lost race on the unique code into the 409 it deserves."""
    if position.code and Position.objects.filter(code=position.code).exclude(pk=position.pk).exists():
        raise _duplicate_code()
    try:
        with transaction.atomic():
            position.save(**kwargs)
    except IntegrityError as exc:
        if "code" in str(exc).lower():
            raise _duplicate_code() from exc
        raise


@transaction.atomic
def position_create(*, actor: Any, org: Org, data: dict[str, Any]) -> Position:
    """A new position of `org` (the caller checked positions.manage on it). `data` keys: kind,
    name, address, lat, lng (required); code, division_code, division_name, datum (of lat/lng,
    default wgs84), phone, description, hours (text or JSON), hours_exceptions, hours_note,
    status, verified, facilities, visitor_groups, hub_id. 400 naming the fields; 409
    duplicate_code, org_dissolved. Audited as position.create."""
    if org.status != OrgStatus.ACTIVE:
        raise Conflict(_("This union has been dissolved."), code=error_codes.ORG_DISSOLVED)
    values = clean_position_data(data, partial=False)
    hub = _hub(actor, data.get(_HUB_KEY), None)
    position = Position(org=org, hub=hub, **values)
    _save(position)
    audit_log(
        actor=actor,
        action="position.create",
        obj=position,
        data={"name": position.name, "kind": position.kind, "code": position.code},
    )
    return position


@transaction.atomic
def position_update(*, actor: Any, position: Position, data: dict[str, Any]) -> Position:
    """Change the keys present in `data` (same keys as position_create, all optional; lat and
    lng together). Locks the row for the transaction. Audited as position.update with the names
    of the fields that changed (nothing written when nothing changed)."""
    locked = Position.objects.select_for_update(of=("self",)).select_related("org").get(pk=position.pk)
    if locked.deleted_at is not None:
        raise Conflict(_("This position has been deleted."), code=error_codes.DELETED)
    values = clean_position_data(data, partial=True)
    if _HUB_KEY in data:
        hub = _hub(actor, data[_HUB_KEY], locked)
        values["hub_id"] = hub.pk if hub else None
    changed = sorted(key for key, value in values.items() if getattr(locked, key) != value)
    if changed:
        for key in changed:
            setattr(locked, key, values[key])
        _save(locked)
        audit_log(actor=actor, action="position.update", obj=locked, data={"fields": changed})
    _copy(locked, position)
    return position


def _copy(source: Position, target: Position) -> None:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


@transaction.atomic
def position_delete(*, actor: Any, position: Position) -> Position:
    """Soft delete: `deleted_at` is set (sync reports a tombstone), its spokes leave the network.
    Visits and the ledger stay. 409 position_deleted when already deleted. Audited."""
    locked = Position.objects.select_for_update().get(pk=position.pk)
    if locked.deleted_at is not None:
        raise Conflict(_("This position has been deleted."), code=error_codes.DELETED)
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at", "updated_at"])
    for spoke in Position.objects.filter(hub=locked):
        spoke.hub = None
        spoke.save(update_fields=["hub", "updated_at"])
    audit_log(actor=actor, action="position.delete", obj=locked, data={"name": locked.name})
    _copy(locked, position)
    return position


def touch(position: Position) -> None:
    """Bump `updated_at` so incremental sync re-sends the position (its rooms or photos changed)."""
    Position.objects.filter(pk=position.pk).update(updated_at=timezone.now())
    change_record([position.pk])


def ensure_not_deleted(position: Position) -> None:
    if position.deleted_at is not None:
        raise Conflict(_("This position has been deleted."), code=error_codes.DELETED)
