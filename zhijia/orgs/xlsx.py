"""The organisation tree as a spreadsheet: template, export and the per-row import handler.

Columns (re-importable both ways): 上级单位 (parent: its USCC or its exact full name), 单位全称,
简称, 层级 (the Chinese label from the drop-down, or the level code), 统一社会信用代码,
行政区划代码, 联系人. The job machinery (reading, savepoints, error report) is core.imports.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijia.core.audit import audit_log
from zhijia.core.errors import ValidationFailed
from zhijia.core.imports import Column, RowResult, workbook_bytes
from zhijia.core.validators.text import normalize

from . import error_codes
from .access import Scope, scope_for
from .capabilities import Cap
from .enums import OrgLevel
from .models import Org
from .selectors import org_list
from .services import clean_org_fields, org_create, org_update

# Fixed Chinese labels: the spreadsheet is read back whatever language the console uses.
LEVEL_LABELS = {
    OrgLevel.NATIONAL: "全国总工会",
    OrgLevel.PROVINCE: "省总工会",
    OrgLevel.CITY: "市总工会",
    OrgLevel.DISTRICT: "区/县总工会",
    OrgLevel.STREET: "街道/镇总工会",
    OrgLevel.FEDERATION: "园区/行业联合会",
    OrgLevel.GRASSROOTS: "基层工会",
}

COLUMNS = (
    Column(
        "parent",
        "上级单位",
        gettext_lazy("the unit above: its unified social credit code, or its exact full name"),
        required=True,
    ),
    Column("name", "单位全称", gettext_lazy("the union's full name, as registered"), required=True),
    Column("short_name", "简称", gettext_lazy("a short name, e.g. 福保街道")),
    Column(
        "level", "层级", gettext_lazy("the unit's level"), required=True, choices=tuple(LEVEL_LABELS.values())
    ),
    Column(
        "uscc", "统一社会信用代码", gettext_lazy("unified social credit code: 18 digits or capital letters")
    ),
    Column(
        "division_code", "行政区划代码", gettext_lazy("administrative division code: 6 digits, e.g. 440304")
    ),
    Column("contact_name", "联系人", gettext_lazy("the contact person's name")),
)


def parse_level(text: str) -> str:
    """The level code for a Chinese label, a code or the label in the active language; unknown
    text is returned as it is so that clean_org_fields reports it with the other fields."""
    wanted = text.strip().lower()
    for level in OrgLevel:
        if wanted in {level.value, LEVEL_LABELS[level].lower(), str(level.label).lower()}:
            return level.value
    return text


def template_xlsx() -> bytes:
    """An empty import template: Chinese headers, a hint row in the reader's language, a level
    drop-down."""
    return workbook_bytes(title=str(_("Organisations")), columns=COLUMNS, rows=[], hint_row=True)


@transaction.atomic
def org_export_xlsx(*, actor: Any, unit: Org) -> tuple[bytes, int]:
    """The subtree of `unit` that the actor may view, in the import columns, and its row count.
    The caller has checked orgs.view on `unit`. Writes `org.export` with the row count.
    No phone numbers are exported; the contact name is shown as the API shows it."""
    orgs = list(org_list(actor=actor, within=unit))
    rows = [
        (
            _parent_ref(o),
            o.name,
            o.short_name,
            LEVEL_LABELS[OrgLevel(o.level)],
            o.uscc,
            o.division_code,
            o.contact_name,
        )
        for o in orgs
    ]
    audit_log(actor=actor, action="org.export", obj=unit, data={"rows": len(rows)})
    return workbook_bytes(title=str(_("Organisations")), columns=COLUMNS, rows=rows), len(rows)


def _parent_ref(org: Org) -> str:
    if org.parent is None:
        return ""
    return org.parent.uscc or org.parent.name


def org_import_row(*, actor: Any, row: dict[str, str]) -> RowResult:
    """Create or update one unit from a spreadsheet row, inside the actor's orgs.manage scope.

    Idempotent: an existing unit is found by USCC, else by (parent, full name), and updated in
    place. A new unit needs a parent the actor manages (by USCC or exact full name; a unit made
    by an earlier row counts). An existing unit is never moved by an import: a different parent
    is reported. Raises ApplicationError (reported on the row) for anything invalid.
    """
    manage = scope_for(actor, Cap.ORGS_MANAGE)
    fields = clean_org_fields(
        name=row["name"],
        short_name=row["short_name"],
        level=parse_level(row["level"]),
        uscc=row["uscc"],
        division_code=row["division_code"],
        contact_name=row["contact_name"],
    )
    parent_ref = row["parent"].strip()
    existing = _find_existing(fields, parent_ref, manage)
    if existing is not None:
        if not manage.contains(existing):
            raise _row_error(
                "name", _("This unit is outside the units you manage."), error_codes.IMPORT_OUT_OF_SCOPE
            )
        _check_same_parent(existing, parent_ref)
        if all(getattr(existing, key) == value for key, value in fields.items()):
            return RowResult.UNCHANGED
        org_update(actor=actor, org=existing, **fields)
        return RowResult.UPDATED
    org_create(actor=actor, parent=_resolve_parent(parent_ref, manage), **fields)
    return RowResult.CREATED


def _ref_q(ref: str, prefix: str = "") -> Q:
    """Rows whose USCC (when `ref` looks like one) or exact full name is `ref`."""
    cond = Q(**{f"{prefix}name": ref})
    code = normalize(ref)
    if len(code) == 18:
        cond |= Q(**{f"{prefix}uscc": code})
    return cond


def _find_existing(fields: dict[str, Any], parent_ref: str, manage: Scope) -> Org | None:
    if fields["uscc"]:
        found = Org.objects.select_related("parent").filter(uscc=fields["uscc"]).first()
        if found is not None:
            return found
    if not parent_ref:
        return None
    matches = list(
        Org.objects.select_related("parent")
        .filter(manage.q(field=""), name=fields["name"])
        .filter(_ref_q(parent_ref, "parent__"))[:2]
    )
    if len(matches) > 1:
        raise _row_error(
            "parent", _("Several units match this parent; use its USCC."), error_codes.IMPORT_PARENT_AMBIGUOUS
        )
    return matches[0] if matches else None


def _check_same_parent(org: Org, parent_ref: str) -> None:
    if not parent_ref or org.parent is None:
        return
    if parent_ref == org.parent.name or (org.parent.uscc and normalize(parent_ref) == org.parent.uscc):
        return
    msg = _("This unit already exists under another parent; move it in the console instead.")
    raise _row_error("parent", msg, error_codes.IMPORT_PARENT_MISMATCH)


def _resolve_parent(parent_ref: str, manage: Scope) -> Org:
    if not parent_ref:
        raise _row_error("parent", _("This field is required."), "required")
    matches = list(Org.objects.filter(manage.q(field="")).filter(_ref_q(parent_ref))[:2])
    if not matches:
        msg = _("No unit with this USCC or full name among the units you manage.")
        raise _row_error("parent", msg, error_codes.IMPORT_PARENT_NOT_FOUND)
    if len(matches) > 1:
        raise _row_error(
            "parent", _("Several units match this parent; use its USCC."), error_codes.IMPORT_PARENT_AMBIGUOUS
        )
    return matches[0]


def _row_error(field: str, message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})
