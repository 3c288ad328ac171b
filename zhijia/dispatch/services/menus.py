"""Service menus (服务菜单): a union's versioned list of services that grassroots unions order.

A version is a draft (editable), published (orderable, never changed again except pausing an
item) or superseded. Editing a published menu starts a draft copied from it (`menu_draft`,
items keep their codes); publishing the draft supersedes the old version. Orders keep pointing
at the item of the version they were placed from. The caller has checked dispatch.menus on
menu.org (permissions.access_menu); the services check it again for the acting user (the
system, actor None, may do anything). Every write is audited `menu.*` / `menu_item.*`."""

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, ValidationFailed, busy_as_conflict, field_error
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from .. import error_codes
from ..enums import ItemFormat, MenuStatus, Payer
from ..models import Menu, MenuItem
from .common import integer, money, require, text, user_or_none

ITEM_FIELDS = (
    "code",
    "category",
    "title",
    "description",
    "format",
    "duration_minutes",
    "audience_min",
    "audience_max",
    "cost",
    "qualification",
    "orderable_org",
    "order",
)


def _immutable() -> Conflict:
    return Conflict(
        _("A published menu does not change; edit a new draft of it."), code=error_codes.MENU_IMMUTABLE
    )


def _lock(menu: Menu) -> Menu:
    return Menu.objects.select_for_update().select_related("org").get(pk=menu.pk)


def _payer(value: Any) -> str:
    if value not in Payer.values:
        raise field_error("payer", _("Select a valid choice."))
    return str(value)


@busy_as_conflict
@transaction.atomic
def menu_create(*, actor: Any, org: Org, title: str, intro: str = "", payer: str = Payer.DISPATCHING) -> Menu:
    """A new menu family of `org`: its draft version 1. Audited `menu.create`."""
    require(actor, Cap.DISPATCH_MENUS, org)
    menu = Menu.objects.create(
        org=org,
        family=uuid.uuid4(),
        number=1,
        title=text(title, "title", max_length=200, required=True),
        intro=text(intro, "intro", max_length=5000),
        payer=_payer(payer),
        status=MenuStatus.DRAFT,
    )
    audit_log(actor=actor, action="menu.create", obj=menu, data={"title": menu.title, "payer": menu.payer})
    return menu


@busy_as_conflict
@transaction.atomic
def menu_update(*, actor: Any, menu: Menu, **fields: Any) -> Menu:
    """Change title, intro and/or payer of a draft (published: 409 menu_immutable)."""
    menu = _lock(menu)
    require(actor, Cap.DISPATCH_MENUS, menu.org)
    if menu.status != MenuStatus.DRAFT:
        raise _immutable()
    unknown = set(fields) - {"title", "intro", "payer"}
    if unknown:
        raise TypeError(f"menu_update got unknown fields {sorted(unknown)}")
    if "title" in fields:
        menu.title = text(fields["title"], "title", max_length=200, required=True)
    if "intro" in fields:
        menu.intro = text(fields["intro"], "intro", max_length=5000)
    if "payer" in fields:
        menu.payer = _payer(fields["payer"])
    menu.save(update_fields=["title", "intro", "payer", "updated_at"])
    audit_log(actor=actor, action="menu.update", obj=menu, data={"fields": sorted(fields)})
    return menu


def clean_item(menu: Menu, fields: dict[str, Any], item: MenuItem | None = None) -> dict[str, Any]:
    """Validated item values (every field error at once, on the field's name). Missing fields
    keep the item's values (or the model defaults for a new item)."""
    current = {f: getattr(item, f) for f in ITEM_FIELDS} if item else {}
    if item is None:
        current = {
            "description": "",
            "format": ItemFormat.LECTURE,
            "duration_minutes": 120,
            "audience_min": 1,
            "audience_max": 100,
            "cost": 0,
            "qualification": "",
            "orderable_org": None,
            "order": 0,
        }
    if "orderable_org_id" in fields:
        org_id = fields.pop("orderable_org_id")
        fields["orderable_org"] = Org.objects.filter(pk=org_id).first() if org_id else None
        if org_id and fields["orderable_org"] is None:
            fields["orderable_org"] = False  # reported below
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"item_save got unknown fields {sorted(unknown)}")
    raw = current | fields
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    parsers = {
        "code": lambda v: text(v, "code", max_length=40, required=True),
        "category": lambda v: text(v, "category", max_length=100, required=True),
        "title": lambda v: text(v, "title", max_length=200, required=True),
        "description": lambda v: text(v, "description", max_length=5000),
        "format": _format,
        "duration_minutes": lambda v: integer(v, "duration_minutes", low=1, high=24 * 60),
        "audience_min": lambda v: integer(v, "audience_min", low=1, high=100_000),
        "audience_max": lambda v: integer(v, "audience_max", low=1, high=100_000),
        "cost": lambda v: money(v, "cost"),
        "qualification": lambda v: text(v, "qualification", max_length=100),
        "orderable_org": lambda v: _orderable_org(menu, v),
        "order": lambda v: integer(v if v not in (None, "") else 0, "order", low=0, high=100_000),
    }
    for name in ITEM_FIELDS:
        if name not in raw:
            errors.setdefault(name, []).append(_("This field is required."))
            continue
        try:
            values[name] = parsers[name](raw[name])
        except ValidationFailed as exc:
            for key, messages in exc.fields.items():
                errors.setdefault(key, []).extend(str(m) for m in messages)
    if not errors and values["audience_min"] > values["audience_max"]:
        errors["audience_max"] = [_("The largest audience cannot be below the smallest.")]
    if "code" in values:
        clash = MenuItem.objects.filter(menu=menu, code=values["code"])
        if item is not None:
            clash = clash.exclude(pk=item.pk)
        if clash.exists():
            errors.setdefault("code", []).append(_("Another item on this menu has this code."))
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, code="invalid", fields=errors)
    return values


def _format(value: Any) -> str:
    if value not in ItemFormat.values:
        raise field_error("format", _("Select a valid choice."))
    return str(value)


def _orderable_org(menu: Menu, value: Any) -> Org | None:
    if value is None or value == "":
        return None
    if value is False or not isinstance(value, Org) or not value.path.startswith(menu.org.path):
        raise field_error("orderable_org", _("Choose the menu's union or a union under it."))
    return value


@busy_as_conflict
@transaction.atomic
def item_save(*, actor: Any, menu: Menu, item: MenuItem | None = None, **fields: Any) -> MenuItem:
    """Create (`item` None) or update an item of a draft menu (409 menu_immutable otherwise).
    Fields: code (unique on the menu), category, title, description, format, duration_minutes,
    audience_min <= audience_max, cost >= 0, qualification, orderable_org (an Org in the menu
    union's subtree, or orderable_org_id), order. Field-named 400 errors. Audited."""
    menu = _lock(menu)
    require(actor, Cap.DISPATCH_MENUS, menu.org)
    if menu.status != MenuStatus.DRAFT:
        raise _immutable()
    if item is not None and item.menu_id != menu.pk:
        raise field_error("item", _("This item belongs to another menu."))
    values = clean_item(menu, dict(fields), item)
    if item is None:
        item = MenuItem.objects.create(menu=menu, **values)
        action = "menu_item.create"
    else:
        for name, value in values.items():
            setattr(item, name, value)
        item.save()
        action = "menu_item.update"
    audit_log(actor=actor, action=action, obj=item, org=menu.org, data={"code": item.code, "cost": item.cost})
    return item


@busy_as_conflict
@transaction.atomic
def item_delete(*, actor: Any, item: MenuItem) -> None:
    """Remove an item from a draft menu (published: 409 menu_immutable)."""
    menu = _lock(item.menu)
    require(actor, Cap.DISPATCH_MENUS, menu.org)
    if menu.status != MenuStatus.DRAFT:
        raise _immutable()
    audit_log(actor=actor, action="menu_item.delete", obj=item, org=menu.org, data={"code": item.code})
    item.delete()


@busy_as_conflict
@transaction.atomic
def item_pause(*, actor: Any, item: MenuItem, paused: bool) -> MenuItem:
    """Pause (nobody can order it) or resume an item of a draft or published menu; a superseded
    version is history (409 menu_immutable). Orders already placed are not touched."""
    menu = _lock(item.menu)
    require(actor, Cap.DISPATCH_MENUS, menu.org)
    if menu.status == MenuStatus.SUPERSEDED:
        raise _immutable()
    item = MenuItem.objects.select_for_update().get(pk=item.pk)
    item.paused = bool(paused)
    item.save(update_fields=["paused", "updated_at"])
    audit_log(
        actor=actor,
        action="menu_item.pause",
        obj=item,
        org=menu.org,
        data={"code": item.code, "paused": paused},
    )
    return item


@busy_as_conflict
@transaction.atomic
def menu_publish(*, actor: Any, menu: Menu) -> Menu:
    """Publish a draft: the family's published version (if any) becomes superseded. A menu
    without items: 400 menu_empty on "items"; not a draft: 409 menu_immutable. Locks the
    family's versions. Audited `menu.publish`."""
    family = list(Menu.objects.select_for_update().filter(family=menu.family).order_by("number"))
    menu = next(m for m in family if m.pk == menu.pk)
    require(actor, Cap.DISPATCH_MENUS, menu.org)
    if menu.status != MenuStatus.DRAFT:
        raise _immutable()
    if not menu.items.exists():
        raise field_error("items", _("Add at least one item before publishing."), error_codes.MENU_EMPTY)
    previous = [m for m in family if m.status == MenuStatus.PUBLISHED]
    for old in previous:
        old.status = MenuStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
    menu.status = MenuStatus.PUBLISHED
    menu.published_at = timezone.now()
    menu.published_by = user_or_none(actor)
    menu.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_log(
        actor=actor,
        action="menu.publish",
        obj=menu,
        data={"number": menu.number, "superseded": [m.number for m in previous]},
    )
    return menu


def menu_draft(*, actor: Any, menu: Menu) -> Menu:
    """The family's draft; when there is none, a new version copied from `menu` (title, intro,
    payer and every item with its code, pause state included). Audited `menu.draft`."""
    try:
        return _menu_draft(actor, menu)
    except IntegrityError:  # another request created the draft first: that one is the draft
        return Menu.objects.get(family=menu.family, status=MenuStatus.DRAFT)


@busy_as_conflict
@transaction.atomic
def _menu_draft(actor: Any, menu: Menu) -> Menu:
    family = list(Menu.objects.select_for_update().filter(family=menu.family))
    source = next(m for m in family if m.pk == menu.pk)
    require(actor, Cap.DISPATCH_MENUS, source.org)
    draft = next((m for m in family if m.status == MenuStatus.DRAFT), None)
    if draft is not None:
        return draft
    number = (Menu.objects.filter(family=menu.family).aggregate(n=Max("number"))["n"] or 0) + 1
    draft = Menu.objects.create(
        org=source.org,
        family=source.family,
        number=number,
        title=source.title,
        intro=source.intro,
        payer=source.payer,
        status=MenuStatus.DRAFT,
    )
    MenuItem.objects.bulk_create(
        [
            MenuItem(menu=draft, **{f: getattr(item, f) for f in ITEM_FIELDS}, paused=item.paused)
            for item in source.items.all()
        ]
    )
    audit_log(actor=actor, action="menu.draft", obj=draft, data={"number": number, "from": source.number})
    return draft
