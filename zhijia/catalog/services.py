"""Writes of the service-list side of the catalog: lists, versions, categories and items.

A list's content lives in versions. Only a draft version changes; a published version is
immutable (every write below refuses it with 409 `version_immutable`), and editing a published
list starts a new draft copied from it. Publishing a draft supersedes the previous published
version. Callers have checked catalog.manage on the list's union (catalog.permissions); the
services re-check that providing positions lie in the actor's catalog.manage scope.
Plan services live in catalog.plans.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, field_error
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from . import error_codes
from .enums import AccessMode, VersionStatus
from .models import ServiceCategory, ServiceItem, ServiceList, ServiceListVersion

ITEM_FIELDS = ("name", "description", "audience", "access_modes", "contact")


def _text(field: str, value: Any, max_length: int, *, required: bool = False) -> str:
    text = " ".join(str(value or "").split()) if field != "description" else str(value or "").strip()
    if required and not text:
        raise field_error(field, _("This field is required."), "required")
    if len(text) > max_length:
        raise field_error(field, _("At most %(n)d characters.") % {"n": max_length}, "too_long")
    return text


def ensure_draft(version: ServiceListVersion) -> None:
    """Raise 409 `version_immutable` unless `version` is a draft. Locks the version row and
    reads its status afresh, so an edit cannot slip into a version being published."""
    status = (
        ServiceListVersion.objects.select_for_update().filter(pk=version.pk).values_list("status", flat=True)
    )
    if status.first() != VersionStatus.DRAFT:
        raise Conflict(
            _("A published version cannot be changed. Edit the list to start a new draft."),
            code=error_codes.VERSION_IMMUTABLE,
        )


def clean_access_modes(modes: Iterable[str]) -> list[str]:
    valid = set(AccessMode.values)
    modes = list(dict.fromkeys(modes))
    bad = [m for m in modes if m not in valid]
    if bad:
        raise field_error(
            "access_modes",
            _("Unknown way to get it: %(m)s.") % {"m": ", ".join(bad)},
            error_codes.BAD_ACCESS_MODE,
        )
    return [m for m in AccessMode.values if m in modes]  # canonical order


def clean_positions(*, actor: Any, positions: Iterable[Any]) -> list[Any]:
    """The positions, each of which must lie in the actor's catalog.manage scope."""
    from zhijia.positions.models import Position

    ids = [getattr(p, "pk", p) for p in positions]
    if not ids:
        return []
    found = list(
        Position.objects.filter(scope_for(actor, Cap.CATALOG_MANAGE).q("org"), pk__in=ids, deleted_at=None)
    )
    if len(found) != len(set(ids)):
        raise field_error(
            "positions", _("Choose positions of the units you manage."), error_codes.POSITION_OUT_OF_SCOPE
        )
    return found


@transaction.atomic
def service_list_create(
    *, actor: Any, org: Org, title: str, intro: str = "", position: Any = None
) -> ServiceList:
    """A new list of `org` with an empty draft version 1. Writes `service_list.create`."""
    title = _text("title", title, 200, required=True)
    if position is not None:
        position = clean_positions(actor=actor, positions=[position])[0]
    service_list = ServiceList.objects.create(org=org, title=title, position=position)
    ServiceListVersion.objects.create(service_list=service_list, number=1, intro=str(intro or "").strip())
    audit_log(actor=actor, action="service_list.create", obj=service_list, data={"title": title})
    return service_list


@transaction.atomic
def service_list_update(*, actor: Any, service_list: ServiceList, title: str) -> ServiceList:
    """Rename a list (the title is not versioned). Writes `service_list.update`."""
    service_list.title = _text("title", title, 200, required=True)
    service_list.save(update_fields=["title", "updated_at"])
    audit_log(actor=actor, action="service_list.update", obj=service_list, data={"title": service_list.title})
    return service_list


def _lock(service_list: ServiceList) -> ServiceList:
    return ServiceList.objects.select_for_update().get(pk=service_list.pk)


@transaction.atomic
def service_list_draft(*, actor: Any, service_list: ServiceList) -> ServiceListVersion:
    """The list's draft version: the existing one, or a new one copied (categories, items,
    providing positions) from the published version. Locks the list row so that two editors
    cannot start two drafts. Writes `service_list.draft` when a draft is created."""
    _lock(service_list)
    draft = service_list.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    source = service_list.versions.filter(status=VersionStatus.PUBLISHED).first()
    number = (service_list.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = ServiceListVersion.objects.create(
        service_list=service_list, number=number, intro=source.intro if source else ""
    )
    if source is not None:
        _copy_content(source, draft)
    audit_log(
        actor=actor,
        action="service_list.draft",
        obj=service_list,
        data={"version": number, "from": source.number if source else None},
    )
    return draft


def _copy_content(source: ServiceListVersion, draft: ServiceListVersion) -> None:
    for category in source.categories.prefetch_related("items__positions"):
        copy = ServiceCategory.objects.create(version=draft, name=category.name, order=category.order)
        for item in category.items.all():
            new = ServiceItem.objects.create(
                category=copy, order=item.order, **{f: getattr(item, f) for f in ITEM_FIELDS}
            )
            new.positions.set(item.positions.all())


@transaction.atomic
def service_list_publish(
    *, actor: Any, service_list: ServiceList, intro: str | None = None
) -> ServiceListVersion:
    """Publish the list's draft: the published version (if any) becomes superseded. Locks the
    list row. Raises 409 `no_draft` without a draft, 400 `empty_version` when the draft has no
    item. Writes `service_list.publish`."""
    _lock(service_list)
    draft = service_list.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        raise Conflict(_("There is no draft to publish."), code=error_codes.NO_DRAFT)
    if not ServiceItem.objects.filter(category__version=draft).exists():
        raise field_error(
            "version", _("Add at least one service before publishing."), error_codes.EMPTY_VERSION
        )
    previous = service_list.versions.filter(status=VersionStatus.PUBLISHED).first()
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
    draft.status = VersionStatus.PUBLISHED
    draft.published_at = timezone.now()
    draft.published_by = actor if getattr(actor, "is_authenticated", False) else None
    if intro is not None:
        draft.intro = intro.strip()
    draft.save()
    audit_log(
        actor=actor,
        action="service_list.publish",
        obj=service_list,
        data={"version": draft.number, "superseded": previous.number if previous else None},
    )
    return draft


@transaction.atomic
def version_update(*, actor: Any, version: ServiceListVersion, intro: str) -> ServiceListVersion:
    """Change a draft's introduction. 409 on a published version."""
    ensure_draft(version)
    version.intro = _text("description", intro, 2000)
    version.save(update_fields=["intro", "updated_at"])
    audit_log(actor=actor, action="service_list.update", obj=version.service_list, data={"intro": True})
    return version


def _next_order(queryset) -> int:
    return (queryset.aggregate(n=Max("order"))["n"] or 0) + 1


@transaction.atomic
def category_add(*, actor: Any, version: ServiceListVersion, name: str) -> ServiceCategory:
    """A new category at the end of a draft. Writes `service_list.category_add`."""
    ensure_draft(version)
    name = _text("name", name, 100, required=True)
    category = ServiceCategory.objects.create(
        version=version, name=name, order=_next_order(version.categories.all())
    )
    audit_log(actor=actor, action="service_list.category_add", obj=version.service_list, data={"name": name})
    return category


@transaction.atomic
def category_update(*, actor: Any, category: ServiceCategory, name: str) -> ServiceCategory:
    ensure_draft(category.version)
    category.name = _text("name", name, 100, required=True)
    category.save(update_fields=["name", "updated_at"])
    audit_log(
        actor=actor,
        action="service_list.category_update",
        obj=category.version.service_list,
        data={"name": category.name},
    )
    return category


@transaction.atomic
def category_delete(*, actor: Any, category: ServiceCategory) -> None:
    """Delete a draft's category with its items."""
    ensure_draft(category.version)
    service_list = category.version.service_list
    name = category.name
    category.delete()
    audit_log(actor=actor, action="service_list.category_delete", obj=service_list, data={"name": name})


def _swap(obj: Any, siblings, direction: str) -> None:
    """Move `obj` one place up or down among `siblings` (renumbering them 1..n)."""
    rows = list(siblings)
    index = next(i for i, row in enumerate(rows) if row.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for order, row in enumerate(rows, start=1):
        if row.order != order:
            row.order = order
            row.save(update_fields=["order", "updated_at"])


@transaction.atomic
def category_move(*, actor: Any, category: ServiceCategory, direction: str) -> ServiceCategory:
    """Move a draft's category one place "up" or "down"."""
    ensure_draft(category.version)
    _swap(category, category.version.categories.all(), direction)
    audit_log(
        actor=actor,
        action="service_list.reorder",
        obj=category.version.service_list,
        data={"category": category.name, "direction": direction},
    )
    return category


def _item_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": _text("name", fields.get("name"), 200, required=True),
        "description": _text("description", fields.get("description"), 2000),
        "audience": _text("audience", fields.get("audience"), 200),
        "access_modes": clean_access_modes(fields.get("access_modes") or []),
        "contact": _text("contact", fields.get("contact"), 100),
    }


@transaction.atomic
def item_add(
    *, actor: Any, category: ServiceCategory, positions: Iterable[Any] = (), **fields: Any
) -> ServiceItem:
    """A new item at the end of a draft's category. `fields`: name (required), description,
    audience, access_modes (AccessMode codes), contact. Writes `service_list.item_add`."""
    ensure_draft(category.version)
    values = _item_fields(fields)
    chosen = clean_positions(actor=actor, positions=positions)
    item = ServiceItem.objects.create(category=category, order=_next_order(category.items.all()), **values)
    item.positions.set(chosen)
    audit_log(
        actor=actor,
        action="service_list.item_add",
        obj=category.version.service_list,
        data={"name": item.name, "category": category.name},
    )
    return item


@transaction.atomic
def item_update(
    *, actor: Any, item: ServiceItem, positions: Iterable[Any] = (), **fields: Any
) -> ServiceItem:
    """Replace a draft item's fields and providing positions."""
    ensure_draft(item.category.version)
    values = _item_fields(fields)
    chosen = clean_positions(actor=actor, positions=positions)
    for key, value in values.items():
        setattr(item, key, value)
    item.save()
    item.positions.set(chosen)
    audit_log(
        actor=actor,
        action="service_list.item_update",
        obj=item.category.version.service_list,
        data={"name": item.name},
    )
    return item


@transaction.atomic
def item_delete(*, actor: Any, item: ServiceItem) -> None:
    ensure_draft(item.category.version)
    service_list, name = item.category.version.service_list, item.name
    item.delete()
    audit_log(actor=actor, action="service_list.item_delete", obj=service_list, data={"name": name})


@transaction.atomic
def item_move(*, actor: Any, item: ServiceItem, direction: str) -> ServiceItem:
    ensure_draft(item.category.version)
    _swap(item, item.category.items.all(), direction)
    audit_log(
        actor=actor,
        action="service_list.reorder",
        obj=item.category.version.service_list,
        data={"item": item.name, "direction": direction},
    )
    return item
