"""Service lists and activity plans as spreadsheets.

Service list export: one row per item (category, item, description, who may use it, how to get
it, providing positions, contact). Plan export and import share the columns; an import row is
keyed on plan + month + title, so re-running a file updates the entries it made instead of
duplicating them. The job machinery (reading, savepoints, error report) is core.imports.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijia.core.audit import audit_log
from zhijia.core.errors import field_error
from zhijia.core.imports import Column, RowResult, workbook_bytes

from .enums import AccessMode, PlanEntryStatus
from .models import ActivityPlan, ServiceList, ServiceListVersion
from .plans import clean_entry, plan_entry_add, plan_entry_update
from .selectors import plan_with_entries, position_choices

# Fixed Chinese labels: the spreadsheet is read back whatever language the console uses.
ACCESS_LABELS = {
    AccessMode.WALK_IN: "到店即享",
    AccessMode.ACTIVITY: "报名活动",
    AccessMode.MENU: "菜单点单",
    AccessMode.ONLINE: "线上申请",
    AccessMode.PHONE: "电话咨询",
}
STATUS_LABELS = {
    PlanEntryStatus.PLANNED: "计划",
    PlanEntryStatus.HELD: "已开展",
    PlanEntryStatus.CANCELLED: "已取消",
}

LIST_COLUMNS = (
    Column("category", "服务类别"),
    Column("name", "服务项目"),
    Column("description", "服务内容"),
    Column("audience", "服务对象"),
    Column("access_modes", "获取方式"),
    Column("positions", "提供阵地"),
    Column("contact", "联系方式"),
)

PLAN_COLUMNS = (
    Column(
        "month",
        "月份",
        gettext_lazy("month, a number from 1 to 12"),
        required=True,
        choices=tuple(str(m) for m in range(1, 13)),
    ),
    Column("title", "活动名称", gettext_lazy("the activity's title"), required=True),
    Column("category", "活动类别", gettext_lazy("category, e.g. 文体活动")),
    Column("position", "活动阵地", gettext_lazy("where: a service position's exact name")),
    Column("audience", "服务对象", gettext_lazy("who it is for, e.g. 新就业形态劳动者")),
    Column("planned_times", "计划场次", gettext_lazy("planned sessions, a whole number; empty: 1")),
    Column(
        "planned_participants", "计划人数", gettext_lazy("planned participants, a whole number; empty: 0")
    ),
    Column("note", "备注", gettext_lazy("a note")),
)
EXPORT_PLAN_COLUMNS = (
    *PLAN_COLUMNS,
    Column("status", "状态"),
    Column("held_times", "已开展场次"),
    Column("participants", "参与人次"),
)


@transaction.atomic
def service_list_export_xlsx(*, actor: Any, service_list: ServiceList, version: ServiceListVersion) -> bytes:
    """The version (with content prefetched, see selectors.service_list_version) as xlsx.
    Writes `service_list.export`. No personal data: contacts are desks and hotlines."""
    rows = [
        (
            category.name,
            item.name,
            item.description,
            item.audience,
            "、".join(ACCESS_LABELS[AccessMode(m)] for m in item.access_modes if m in AccessMode.values),
            "、".join(p.name for p in item.positions.all()),
            item.contact,
        )
        for category in version.categories.all()
        for item in category.items.all()
    ]
    audit_log(
        actor=actor,
        action="service_list.export",
        obj=service_list,
        data={"version": version.number, "rows": len(rows)},
    )
    return workbook_bytes(title=service_list.title, columns=LIST_COLUMNS, rows=rows)


@transaction.atomic
def plan_export_xlsx(*, actor: Any, plan: ActivityPlan) -> bytes:
    """The plan's entries with their outcome, re-importable. Writes `activity_plan.export`."""
    entries = list(plan_with_entries(plan=plan).entries.all())
    rows = [
        (
            e.month,
            e.title,
            e.category,
            e.position.name if e.position else "",
            e.audience,
            e.planned_times,
            e.planned_participants,
            e.note,
            STATUS_LABELS[PlanEntryStatus(e.status)],
            e.held_times,
            e.participants,
        )
        for e in entries
    ]
    audit_log(actor=actor, action="activity_plan.export", obj=plan, data={"rows": len(rows)})
    return workbook_bytes(title=f"{plan.year} {plan.title}", columns=EXPORT_PLAN_COLUMNS, rows=rows)


def plan_template_xlsx() -> bytes:
    return workbook_bytes(title=str(_("Activity plans")), columns=PLAN_COLUMNS, rows=[], hint_row=True)


def _position_by_name(actor: Any, name: str) -> Any:
    if not name:
        return None
    matches = list(position_choices(actor=actor).filter(name=name)[:2])
    if len(matches) != 1:
        msg = (
            _("No position with this name among the units you manage.")
            if not matches
            else _("Several positions have this name.")
        )
        raise field_error("position", msg, "position_not_found")
    return matches[0]


def plan_import_row(*, actor: Any, plan: ActivityPlan, row: dict[str, str]) -> RowResult:
    """Create or update one entry of a draft plan from a spreadsheet row. Idempotent: the
    entry with the same month and title is updated in place (or left alone when equal).
    Raises ApplicationError (reported on the row) for anything invalid."""
    fields = {k: row.get(k, "") for k in ("title", "category", "month", "audience", "note")}
    fields |= {
        "planned_times": row.get("planned_times", ""),
        "planned_participants": row.get("planned_participants", ""),
        "position": _position_by_name(actor, row.get("position", "").strip()),
    }
    values = clean_entry(actor=actor, fields=fields)
    existing = plan.entries.filter(month=values["month"], title=values["title"]).first()
    if existing is None:
        plan_entry_add(actor=actor, plan=plan, **fields)
        return RowResult.CREATED
    if all(getattr(existing, k) == v for k, v in values.items()):
        return RowResult.UNCHANGED
    plan_entry_update(actor=actor, entry=existing, **fields)
    return RowResult.UPDATED
