"""Positions as a spreadsheet: template, export and the import's batch handler.

Columns (re-importable both ways): 站点编号, 名称, 类型 (drop-down), 所属工会 (full name or USCC of
a unit in the importer's scope under the import's unit; blank: that unit), 地址, 行政区划代码,
行政区划, 纬度, 经度, 坐标系 (wgs84 / gcj02 / bd09, default wgs84), 服务电话, 开放时间 (text form;
blank leaves the hours as they are),
时间说明, 状态 (drop-down), 已核实 (是/否), 设施 and 服务人群 (comma-separated labels or codes), 简介.
Rows are matched by station code, else by (union, name), so a re-run updates instead of
duplicating. The job machinery (reading, per-row savepoints, error report) is core.imports.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijia.core.errors import ApplicationError, ValidationFailed
from zhijia.core.imports import BatchResult, Column, RowResult, workbook_bytes
from zhijia.core.validators.text import normalize
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

from . import error_codes, hours
from .labels import FACILITY_LABELS, GROUP_LABELS, KIND_LABELS, STATUS_LABELS, to_code
from .models import Position
from .permissions import POSITION_IMPORT_KIND
from .services import position_create, position_update
from .validation import clean_position_data

__all__ = [
    "COLUMNS",
    "POSITION_IMPORT_KIND",
    "positions_export",
    "positions_import_batch",
    "positions_template",
]

YES, NO = "是", "否"
_PLAIN_KEYS: tuple[str, ...] = ("code", "name", "address", "division_code", "division_name", "lat", "lng")
_PLAIN_KEYS += ("phone", "hours", "hours_note", "description")
_TRUE = {YES, "true", "1", "yes", "y"}
_FALSE = {NO, "false", "0", "no", "n"}
COLUMNS = (
    Column("code", "站点编号", gettext_lazy("station code, unique; a row with a code updates that station")),
    Column("name", "名称", gettext_lazy("the station's name"), required=True),
    Column(
        "kind", "类型", gettext_lazy("type of station"), required=True, choices=tuple(KIND_LABELS.values())
    ),
    Column(
        "org",
        "所属工会",
        gettext_lazy(
            "owning union: full name or unified social credit code; empty: the unit you import into"
        ),
    ),
    Column("address", "地址", gettext_lazy("street address"), required=True),
    Column("division_code", "行政区划代码", gettext_lazy("administrative division code: 6, 9 or 12 digits")),
    Column("division_name", "行政区划", gettext_lazy("administrative division, e.g. 福田区福保街道")),
    Column("lat", "纬度", gettext_lazy("latitude in decimal degrees, e.g. 22.5431"), required=True),
    Column("lng", "经度", gettext_lazy("longitude in decimal degrees, e.g. 114.0579"), required=True),
    Column(
        "datum",
        "坐标系",
        gettext_lazy("coordinate system: wgs84 (GPS), gcj02 (高德, 腾讯) or bd09 (百度); empty: wgs84"),
        choices=("wgs84", "gcj02", "bd09"),
    ),
    Column("phone", "服务电话", gettext_lazy("desk phone or hotline")),
    Column(
        "hours",
        "开放时间",
        gettext_lazy("opening hours, e.g. 周一至周五 08:00-20:00; 周六,周日 09:00-17:00; empty: unchanged"),
    ),
    Column("hours_note", "时间说明", gettext_lazy("a note on the hours, e.g. closed on public holidays")),
    Column("status", "状态", gettext_lazy("the station's status"), choices=tuple(STATUS_LABELS.values())),
    Column("verified", "已核实", gettext_lazy("whether the details were checked on site"), choices=(YES, NO)),
    Column(
        "facilities", "设施", gettext_lazy("facilities, separated by commas, e.g. 饮用水,手机充电,卫生间")
    ),
    Column(
        "visitor_groups", "服务人群", gettext_lazy("groups served, separated by commas, e.g. 外卖员,快递员")
    ),
    Column("description", "简介", gettext_lazy("a short description")),
)


def positions_template() -> bytes:
    """An empty import template: Chinese headers, a hint row in the reader's language,
    drop-downs."""
    return workbook_bytes(title=str(_("Service positions")), columns=COLUMNS, rows=[], hint_row=True)


def _labels(codes: list[str], labels: dict) -> str:
    by_code = {code.value: label for code, label in labels.items()}
    return ",".join(by_code.get(code, code) for code in codes)


def positions_export(qs: QuerySet[Position]) -> bytes:
    """`qs` (already limited to what the caller may see) in the import columns, WGS-84. The
    caller audits the export."""
    rows = [
        (
            p.code or "",
            p.name,
            KIND_LABELS.get(p.kind, p.kind),  # type: ignore[call-overload]
            p.org.uscc or p.org.name,
            p.address,
            p.division_code,
            p.division_name,
            repr(p.lat),
            repr(p.lng),
            "wgs84",
            p.phone,
            hours.format_hours(hours.hours_from_json(p.hours or {}), "zh-hans") if p.hours else "",
            p.hours_note,
            STATUS_LABELS.get(p.status, p.status),  # type: ignore[call-overload]
            YES if p.verified else NO,
            _labels(p.facilities, FACILITY_LABELS),
            _labels(p.visitor_groups, GROUP_LABELS),
            p.description,
        )
        for p in qs.select_related("org")
    ]
    return workbook_bytes(title=str(_("Service positions")), columns=COLUMNS, rows=rows)


def _row_error(field: str, message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


def _row_data(row: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {key: row[key] for key in _PLAIN_KEYS}
    if not data["hours"].strip():
        del data["hours"]  # blank keeps the hours the console set
    data["datum"] = row["datum"] or "wgs84"
    data["kind"] = to_code(row["kind"], KIND_LABELS)
    if row["status"]:
        data["status"] = to_code(row["status"], STATUS_LABELS)
    if row["verified"]:
        text = row["verified"].strip().lower()
        data["verified"] = True if text in _TRUE else False if text in _FALSE else text
    data["facilities"] = [
        to_code(t, FACILITY_LABELS) for t in row["facilities"].replace("，", ",").split(",") if t.strip()
    ]
    data["visitor_groups"] = [
        to_code(t, GROUP_LABELS) for t in row["visitor_groups"].replace("，", ",").split(",") if t.strip()
    ]
    return data


def _org(ref: str, unit: Org, actor: Any) -> Org:
    if not ref.strip():
        candidates = [unit]
    else:
        ref = ref.strip()
        cond = Q(name=ref) | Q(short_name=ref)
        if len(normalize(ref)) == 18:
            cond |= Q(uscc=normalize(ref))
        candidates = list(Org.objects.filter(subtree_q(unit.path)).filter(cond)[:2])
    if len(candidates) != 1:
        raise _row_error(
            "org",
            _("No single union with this name or USCC under the unit."),
            error_codes.IMPORT_ORG_NOT_FOUND,
        )
    if not scope_for(actor, Cap.POSITIONS_MANAGE).contains(candidates[0]):
        raise _row_error(
            "org", _("This union is outside the units you manage."), error_codes.IMPORT_OUT_OF_SCOPE
        )
    return candidates[0]


def _existing(data: dict[str, Any], org: Org) -> Position | None:
    code = (data.get("code") or "").strip()
    if code:
        found = Position.objects.select_related("org").filter(code=code).first()
        if found is not None:
            return found
    return (
        Position.objects.select_related("org")
        .filter(org=org, name=data["name"].strip(), deleted_at__isnull=True)
        .first()
    )


def positions_import_row(*, actor: Any, unit: Org, row: dict[str, str]) -> RowResult:
    """Create or update one position from a row, inside the actor's positions.manage scope
    below `unit`. Idempotent: matched by station code, else by (union, name)."""
    org = _org(row["org"], unit, actor)
    data = _row_data(row)
    existing = _existing(data, org)
    if existing is None:
        position_create(actor=actor, org=org, data=data)
        return RowResult.CREATED
    if existing.deleted_at is not None:
        raise _row_error(
            "code", _("This station code belongs to a deleted position."), error_codes.DUPLICATE_CODE
        )
    if not scope_for(actor, Cap.POSITIONS_MANAGE).contains(existing.org):
        raise _row_error(
            "code", _("This station belongs to a union you do not manage."), error_codes.IMPORT_OUT_OF_SCOPE
        )
    if existing.org_id != org.pk:
        raise _row_error(
            "org",
            _("This station belongs to another union; move it in the console."),
            error_codes.IMPORT_OTHER_UNION,
        )
    values = clean_position_data(data, partial=True)
    if all(getattr(existing, key) == value for key, value in values.items()):
        return RowResult.UNCHANGED
    position_update(actor=actor, position=existing, data=data)
    return RowResult.UPDATED


def positions_import_batch(*, actor: Any, unit: Org, rows: list[tuple[int, dict[str, str]]]) -> BatchResult:
    """The batch handler for core.imports.import_job_run_batched: each row in its own savepoint,
    so a bad row is reported and never undoes a good one."""
    result = BatchResult()
    for number, row in rows:
        try:
            with transaction.atomic():
                result.add(positions_import_row(actor=actor, unit=unit, row=row))
        except ApplicationError as exc:
            result.reject(number, exc)
    return result
