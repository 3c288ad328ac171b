"""Menus and the expert pool as spreadsheets (export, and import into a draft menu / a pool).

Imports run synchronously (a menu or a pool is a few hundred rows at most): the first sheet is
read with python-calamine (core.imports.read_rows), each row is validated and written through
the services in its own savepoint, so a bad row is reported (row number, column, message) and
the good ones stay. Rows are matched — menu items by code, experts by name and phone (or by name
when the phone is blank or masked) — so re-running a file updates what it made instead of
duplicating it; rows that change nothing count as unchanged. Exports escape formulas
(core.imports.workbook_bytes) and re-import unchanged. Expert exports mask phones (personal
data); a masked phone in an import leaves the stored one alone."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijia.core.audit import audit_log
from zhijia.core.errors import ApplicationError, ValidationFailed, field_error
from zhijia.core.imports import Column, ImportFileError, RowResult, read_rows, row_errors, workbook_bytes
from zhijia.core.masking import mask_phone
from zhijia.orgs.models import Org

from .enums import ExpertKind, ItemFormat, MenuStatus
from .models import Expert, Menu, MenuItem
from .services.common import mobile
from .services.experts import expert_save, qualification_save
from .services.menus import clean_item, item_pause, item_save

MAX_ROWS = 2000
YES, NO = "是", "否"
FORMAT_LABELS = {
    ItemFormat.LECTURE: "讲座",
    ItemFormat.GROUP: "团体辅导",
    ItemFormat.ONE_TO_ONE: "一对一",
    ItemFormat.TRAINING: "培训",
    ItemFormat.CLINIC: "义诊咨询",
}
KIND_LABELS = {ExpertKind.PERSON: "专家", ExpertKind.TEAM: "团队"}
ACTIVE_LABELS = {True: "在库", False: "停用"}

MENU_COLUMNS = (
    Column("code", "编码", gettext_lazy("item code, kept across versions, e.g. XL-01"), required=True),
    Column("category", "类别", gettext_lazy("category, e.g. 心理讲座"), required=True),
    Column("title", "服务项目", gettext_lazy("the service's title"), required=True),
    Column("description", "服务内容", gettext_lazy("what the service is")),
    Column("format", "形式", gettext_lazy("format"), choices=tuple(FORMAT_LABELS.values())),
    Column("duration_minutes", "时长(分钟)", gettext_lazy("duration in minutes, a whole number; empty: 120")),
    Column("audience_min", "最少人数", gettext_lazy("smallest audience, a whole number; empty: 1")),
    Column("audience_max", "最多人数", gettext_lazy("largest audience, a whole number; empty: 100")),
    Column("cost", "费用标准(元)", gettext_lazy("cost standard in yuan, e.g. 1800; empty: 0")),
    Column("qualification", "所需资质", gettext_lazy("certificate the expert needs, e.g. 心理咨询师")),
    Column(
        "orderable_org",
        "可点单工会",
        gettext_lazy("who may order: a union's full name; empty: the whole subtree"),
    ),
    Column("order", "排序", gettext_lazy("position in the menu, a whole number")),
    Column("paused", "暂停", gettext_lazy("whether ordering is paused; empty: 否"), choices=(YES, NO)),
)
EXPERT_COLUMNS = (
    Column("name", "姓名", gettext_lazy("name of the expert or team"), required=True),
    Column(
        "kind", "类型", gettext_lazy("an expert or a team; empty: 专家"), choices=tuple(KIND_LABELS.values())
    ),
    Column("title", "头衔", gettext_lazy("title, e.g. 国家二级心理咨询师")),
    Column("phone", "手机", gettext_lazy("mobile phone, 11 digits (notices go there)")),
    Column("specialties", "专长", gettext_lazy("menu item codes, separated by commas, e.g. XL-01,XL-02")),
    Column(
        "qualifications",
        "资质",
        gettext_lazy("certificates as name:YYYY-MM-DD, separated by ; (no date: does not expire)"),
    ),
    Column(
        "service_areas",
        "服务范围",
        gettext_lazy("unions' full names separated by 、; empty: the whole subtree"),
    ),
    Column(
        "monthly_capacity", "每月上限", gettext_lazy("orders per month at most, a whole number; empty: 8")
    ),
    Column(
        "active",
        "状态",
        gettext_lazy("in the pool or not; empty: 在库"),
        choices=tuple(ACTIVE_LABELS.values()),
    ),
    Column("bio", "简介", gettext_lazy("a short introduction")),
)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"row", "field", "message"}
    error_rows: int = 0

    def add(self, result: RowResult) -> None:
        setattr(self, result.value, getattr(self, result.value) + 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_rows": self.error_rows,
            "errors": self.errors,
        }


def _read(data: bytes, columns: tuple[Column, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        return read_rows(bytes(data), columns, max_rows=MAX_ROWS)
    except ImportFileError as exc:
        raise ValidationFailed(str(exc), code="bad_file", fields={"file": [str(exc)]}) from exc


def _run(rows: list[tuple[int, dict[str, str]]], handle: Any) -> ImportResult:
    result = ImportResult()
    for number, row in rows:
        try:
            with transaction.atomic():
                result.add(handle(row))
        except ApplicationError as exc:
            result.errors.extend(row_errors(number, exc))
            result.error_rows += 1
    return result


def _org_by_name(root: Org, name: str, field_name: str) -> Org:
    found = list(
        Org.objects.filter(path__startswith=root.path).filter(name=name)[:2]
        or Org.objects.filter(path__startswith=root.path, short_name=name)[:2]
    )
    if len(found) != 1:
        raise field_error(
            field_name, _("No union “%(name)s” under %(root)s.") % {"name": name, "root": root.name}
        )
    return found[0]


def _label(labels: dict, value: str, field_name: str, default: Any) -> Any:
    if not value:
        return default
    for key, label in labels.items():
        if value in (label, str(key)):
            return key
    raise field_error(field_name, _("Select a valid choice."))


# --- menus ------------------------------------------------------------------------------------


def menu_export(menu: Menu) -> bytes:
    """The menu version's items as xlsx (re-importable into a draft). No personal data."""
    items = menu.items.select_related("orderable_org").order_by("order", "category", "title")
    rows = [
        (
            i.code,
            i.category,
            i.title,
            i.description,
            FORMAT_LABELS.get(ItemFormat(i.format), i.format),
            i.duration_minutes,
            i.audience_min,
            i.audience_max,
            str(i.cost),
            i.qualification,
            i.orderable_org.name if i.orderable_org else "",
            i.order,
            YES if i.paused else NO,
        )
        for i in items
    ]
    return workbook_bytes(title=menu.title, columns=MENU_COLUMNS, rows=rows)


def menu_template() -> bytes:
    return workbook_bytes(title=str(_("Service menus")), columns=MENU_COLUMNS, rows=[], hint_row=True)


def _item_fields(menu: Menu, row: dict[str, str], existing: MenuItem | None) -> dict[str, Any]:
    """The row as item_save fields, every bad column reported at once."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {k: row.get(k, "") for k in ("code", "category", "title", "description")}
    defaults = {"duration_minutes": 120, "audience_min": 1, "audience_max": 100, "cost": 0, "order": 0}
    for key, default in defaults.items():
        fields[key] = row.get(key, "") or default
    fields["qualification"] = row.get("qualification", "")
    name = row.get("orderable_org", "")
    parsed = {
        "format": lambda: _label(FORMAT_LABELS, row.get("format", ""), "format", ItemFormat.LECTURE),
        "orderable_org": lambda: _org_by_name(menu.org, name, "orderable_org") if name else None,
    }
    fallback = {"format": ItemFormat.LECTURE, "orderable_org": None}
    for key, parse in parsed.items():
        try:
            fields[key] = parse()
        except ValidationFailed as exc:
            errors.update(exc.fields)
            fields[key] = fallback[key]
    if errors:
        try:
            clean_item(menu, dict(fields), existing)
        except ValidationFailed as exc:
            errors = exc.fields | errors
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    return fields


def _paused(row: dict[str, str]) -> bool:
    return _label({True: YES, False: NO}, row.get("paused", ""), "paused", False)


def menu_import_row(*, actor: Any, menu: Menu, row: dict[str, str]) -> RowResult:
    """Create or update the item with the row's code on the draft `menu`."""
    existing = MenuItem.objects.filter(menu=menu, code=row.get("code", "").strip()).first()
    fields = _item_fields(menu, row, existing)
    paused = _paused(row)
    if existing is not None:
        values = clean_item(menu, dict(fields), existing)
        if all(getattr(existing, k) == v for k, v in values.items()) and existing.paused == paused:
            return RowResult.UNCHANGED
    item = item_save(actor=actor, menu=menu, item=existing, **fields)
    if item.paused != paused:
        item_pause(actor=actor, item=item, paused=paused)
    return RowResult.CREATED if existing is None else RowResult.UPDATED


def menu_import(*, actor: Any, menu: Menu, data: bytes) -> ImportResult:
    """Import items into a draft menu (published: 409 menu_immutable; unreadable file: 400 on
    "file"). The caller has checked dispatch.menus on menu.org. Audited `menu.import`."""
    if menu.status != MenuStatus.DRAFT:
        from .services.menus import _immutable

        raise _immutable()
    rows = _read(data, MENU_COLUMNS)
    result = _run(rows, lambda row: menu_import_row(actor=actor, menu=menu, row=row))
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="menu.import",
            obj=menu,
            data=result.as_dict() | {"errors": len(result.errors)},
        )
    return result


# --- experts ----------------------------------------------------------------------------------


def _qualifications_text(expert: Expert) -> str:
    return ";".join(
        f"{q.name}:{q.expires_on.isoformat()}" if q.expires_on else q.name
        for q in expert.qualifications.all()
    )


def expert_export(*, actor: Any, org: Org) -> bytes:
    """The pool of `org` (its own experts) as xlsx, phones masked. The caller has checked
    dispatch.menus on `org`. Audited `expert.export`."""
    experts = (
        Expert.objects.filter(org=org).prefetch_related("qualifications", "service_areas").order_by("name")
    )
    rows = [
        (
            e.name,
            KIND_LABELS[ExpertKind(e.kind)],
            e.title,
            mask_phone(e.phone) if e.phone else "",
            ",".join(e.specialties),
            _qualifications_text(e),
            "、".join(a.name for a in e.service_areas.all()),
            e.monthly_capacity,
            ACTIVE_LABELS[e.active],
            e.bio,
        )
        for e in experts
    ]
    with transaction.atomic():
        audit_log(actor=actor, action="expert.export", obj=org, data={"rows": len(rows)})
    return workbook_bytes(title=org.display_name, columns=EXPERT_COLUMNS, rows=rows)


def expert_template() -> bytes:
    return workbook_bytes(title=str(_("Expert pool")), columns=EXPERT_COLUMNS, rows=[], hint_row=True)


def _parse_qualifications(value: str) -> list[tuple[str, dt.date | None]]:
    out: list[tuple[str, dt.date | None]] = []
    for part in value.replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        name, _sep, date_text = part.replace("：", ":").partition(":")
        expires = None
        if date_text.strip():
            try:
                expires = dt.date.fromisoformat(date_text.strip()[:10])
            except ValueError:
                raise field_error(
                    "qualifications", _("Write qualifications as name:YYYY-MM-DD;name.")
                ) from None
        if not name.strip():
            raise field_error("qualifications", _("Write qualifications as name:YYYY-MM-DD;name."))
        out.append((name.strip()[:100], expires))
    return out


def _match_expert(org: Org, name: str, phone: str) -> Expert | None:
    same = list(Expert.objects.filter(org=org, name=name))
    if phone:
        with_phone = [e for e in same if e.phone == phone]
        if with_phone:
            return with_phone[0]
        same = [e for e in same if not e.phone]
    if len(same) > 1:
        raise field_error("phone", _("Several experts have this name; give the phone to tell them apart."))
    return same[0] if same else None


def expert_import_row(*, actor: Any, org: Org, row: dict[str, str]) -> RowResult:
    """Create or update one expert of `org`'s pool and add or update its qualifications."""
    name = row.get("name", "").strip()
    raw_phone = row.get("phone", "").strip()
    masked = "*" in raw_phone
    phone = "" if masked else mobile(raw_phone, "phone")
    existing = _match_expert(org, name, phone)
    areas = [
        _org_by_name(org, n.strip(), "service_areas")
        for n in row.get("service_areas", "").replace(",", "、").replace("，", "、").split("、")
        if n.strip()
    ]
    qualifications = _parse_qualifications(row.get("qualifications", ""))
    values = {
        "name": name,
        "kind": _label(KIND_LABELS, row.get("kind", ""), "kind", ExpertKind.PERSON),
        "title": row.get("title", ""),
        "bio": row.get("bio", ""),
        "phone": phone or (existing.phone if existing is not None and masked else ""),
        "specialties": [
            c.strip() for c in row.get("specialties", "").replace("，", ",").split(",") if c.strip()
        ],
        "monthly_capacity": row.get("monthly_capacity", "") or 8,
        "active": _label(ACTIVE_LABELS, row.get("active", ""), "active", True),
    }
    if existing is not None and _same(existing, values, areas, qualifications):
        return RowResult.UNCHANGED
    expert = expert_save(
        actor=actor,
        org=org,
        expert=existing,
        service_area_ids=[a.pk for a in areas],
        member_ids=[m.pk for m in existing.members.all()] if existing is not None else [],
        **values,
    )
    current = {q.name: q for q in expert.qualifications.all()}
    for q_name, expires in qualifications:
        found = current.get(q_name)
        if found is None or found.expires_on != expires:
            qualification_save(
                actor=actor,
                expert=expert,
                qualification=found,
                name=q_name,
                certificate_no=found.certificate_no if found else "",
                expires_on=expires,
            )
    return RowResult.CREATED if existing is None else RowResult.UPDATED


def _same(expert: Expert, values: dict[str, Any], areas: list[Org], qualifications: list) -> bool:
    for key in ("name", "kind", "title", "bio", "phone", "specialties", "active"):
        if getattr(expert, key) != values[key]:
            return False
    if str(expert.monthly_capacity) != str(values["monthly_capacity"]).strip():
        return False
    if {a.pk for a in expert.service_areas.all()} != {a.pk for a in areas}:
        return False
    current = {q.name: q.expires_on for q in expert.qualifications.all()}
    return all(current.get(n, "missing") == d for n, d in qualifications)


def expert_import(*, actor: Any, org: Org, data: bytes) -> ImportResult:
    """Import experts into `org`'s pool (the caller has checked dispatch.menus on `org`).
    Unreadable file: 400 on "file". Audited `expert.import`."""
    rows = _read(data, EXPERT_COLUMNS)
    result = _run(rows, lambda row: expert_import_row(actor=actor, org=org, row=row))
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="expert.import",
            obj=org,
            data=result.as_dict() | {"errors": len(result.errors)},
        )
    return result
