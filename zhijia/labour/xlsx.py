"""The county's registry sheets (劳动力信息采集表) and the three ledgers in the county's layout.

Import: core.imports streams the rows in batches to `importer.labour_import_batch`, which
validates each row as the form does, reports each bad row with its columns and writes the good
rows of a batch together (see importer). Idempotent: a person is matched by the
blind index of the ID number, a status by its start day, so importing the same sheet again
changes nothing and counts every row as unchanged. Coded columns take fixed Chinese labels (or
the stored codes); dates take 2024-3-5, 2024/03/05, 2024年3月5日 or a spreadsheet date.

Export: a title row (县 + ledger + 截至 date), then the ledger's columns; ID numbers and phones
masked, birth date reduced to the age."""

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhijia.core.imports import Column, escape_formula, workbook_bytes
from zhijia.core.masking import mask_phone
from zhijia.core.validators.identity import mask_identity
from zhijia.members.ledgers.columns import EDUCATION_LABELS, GENDER_LABELS, SKILL_LABELS, parse_date_text
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from .enums import AssistanceKind, EmploymentStatus, Ledger, PlaceRange
from .importer import labour_import_batch
from .models import RegistryPerson

__all__ = ["COLUMNS", "labour_import_batch", "ledger_export", "row_to_data", "template_xlsx"]

STATUS_LABELS = {
    EmploymentStatus.LOCAL: "在本地就业",
    EmploymentStatus.MIGRANT: "转移外出就业",
    EmploymentStatus.FLEXIBLE: "灵活就业",
    EmploymentStatus.UNEMPLOYED: "未就业",
    EmploymentStatus.INCAPABLE: "丧失劳动能力",
}
ASSISTANCE_LABELS = {
    AssistanceKind.LIFTED_OUT_OF_POVERTY: "脱贫户",
    AssistanceKind.DIBAO: "低保",
    AssistanceKind.DISABILITY: "残疾",
    AssistanceKind.ZERO_EMPLOYMENT: "零就业家庭",
    AssistanceKind.HARDSHIP_WORKER: "困难职工",
}
RANGE_LABELS = {
    PlaceRange.VILLAGE: "本村及周边",
    PlaceRange.TOWN: "本镇",
    PlaceRange.COUNTY: "本县",
    PlaceRange.ANYWHERE: "外出均可",
}
LEDGER_TITLES = {
    Ledger.TRANSFER: "农村劳动力转移就业台账",
    Ledger.UNEMPLOYED: "未就业人员台账",
    Ledger.ASSISTANCE: "重点对象帮扶台账",
}
LABELS: dict[str, dict[str, str]] = {
    "gender": {str(k): v for k, v in GENDER_LABELS.items()},
    "education": {str(k): v for k, v in EDUCATION_LABELS.items()},
    "status": {str(k): v for k, v in STATUS_LABELS.items()},
    "skill_level": {str(k): v for k, v in SKILL_LABELS.items()},
    "wanted_range": {str(k): v for k, v in RANGE_LABELS.items()},
}

COLUMNS = (
    Column(
        "village",
        "所属村",
        gettext_lazy("village union: full or short name; empty: the unit you import into"),
    ),
    Column("group", "组", gettext_lazy("village group, e.g. 三组")),
    Column(
        "household_number", "户号", gettext_lazy("household number: the same for everyone in one household")
    ),
    Column("address", "家庭住址", gettext_lazy("home address")),
    Column("name", "姓名", gettext_lazy("full name, as on the identity card"), required=True),
    Column(
        "id_number",
        "身份证号码",
        gettext_lazy("居民身份证 number: 18 characters, typed as text"),
        required=True,
    ),
    Column("gender", "性别", gettext_lazy("gender"), choices=tuple(GENDER_LABELS.values())),
    Column("phone", "联系电话", gettext_lazy("mobile phone, 11 digits")),
    Column("education", "文化程度", gettext_lazy("education"), choices=tuple(EDUCATION_LABELS.values())),
    Column("status", "就业状态", gettext_lazy("employment status"), choices=tuple(STATUS_LABELS.values())),
    Column("status_since", "状态起始日期", gettext_lazy("since when, YYYY-MM-DD")),
    Column("destination", "外出地点", gettext_lazy("where they went to work (for 转移外出就业)")),
    Column("employer", "就业单位", gettext_lazy("employer")),
    Column(
        "skill_code",
        "技能工种代码",
        gettext_lazy(
            "occupation code of the 职业分类大典 (middle class), e.g. 6-29; several separated by commas"
        ),
    ),
    Column("skill_title", "技能工种名称", gettext_lazy("trade, e.g. 砌筑工")),
    Column("skill_level", "技能等级", gettext_lazy("skill level"), choices=tuple(SKILL_LABELS.values())),
    Column("certificate", "职业资格证书", gettext_lazy("vocational certificate held")),
    Column("wanted_occupation", "意向工种代码", gettext_lazy("occupation code wanted, e.g. 4-10")),
    Column("wanted_job", "意向岗位", gettext_lazy("job wanted")),
    Column(
        "wanted_range",
        "意向就业地点",
        gettext_lazy("where they want to work"),
        choices=tuple(RANGE_LABELS.values()),
    ),
    Column("wanted_wage", "期望月薪（元）", gettext_lazy("expected monthly wage in yuan, e.g. 5000")),
    Column("available_from", "可到岗日期", gettext_lazy("can start work on, YYYY-MM-DD")),
    Column("training_needs", "培训需求", gettext_lazy("training wanted")),
    Column(
        "assistance",
        "帮扶标识",
        gettext_lazy("assistance flags, separated by commas: 脱贫户, 低保, 残疾, 零就业家庭, 困难职工"),
    ),
    Column(
        "consent", "同意岗位推荐", gettext_lazy("agrees to be recommended for jobs"), choices=("是", "否")
    ),
    Column("surveyed_on", "调查日期", gettext_lazy("date of the survey, YYYY-MM-DD")),
)


def _code(key: str, text: str) -> str:
    wanted = text.strip()
    for code, label in LABELS[key].items():
        if wanted in (code, label):
            return code
    return wanted  # reported by the validator


def row_to_data(row: dict[str, str]) -> dict[str, Any]:
    """A sheet row as person_register input."""
    data: dict[str, Any] = {
        k: row.get(k, "")
        for k in (
            "name",
            "id_number",
            "phone",
            "group",
            "household_number",
            "address",
            "destination",
            "employer",
            "wanted_job",
            "wanted_occupation",
            "wanted_wage",
            "training_needs",
        )
    }
    for key in LABELS:
        data[key] = _code(key, row.get(key, ""))
    for key in ("status_since", "available_from", "surveyed_on"):
        data[key] = parse_date_text(row.get(key, ""))
    codes = [c.strip() for c in row.get("skill_code", "").replace("，", ",").split(",") if c.strip()]
    if codes:
        data["skills"] = [
            {
                "occupation": c,
                "title": row.get("skill_title", "") if i == 0 else "",
                "level": data["skill_level"],
            }
            for i, c in enumerate(codes)
        ]
    if row.get("certificate", "").strip():
        data["certificates"] = [{"name": row["certificate"].strip(), "level": data["skill_level"]}]
    labels = {v: k for k, v in ASSISTANCE_LABELS.items()}
    flags = [
        f.strip()
        for f in row.get("assistance", "").replace("，", ",").replace("、", ",").split(",")
        if f.strip()
    ]
    data["assistance"] = [labels.get(f, f) for f in flags]
    if row.get("consent", "").strip():
        data["job_matching_consent"] = row["consent"].strip() in {"是", "1", "yes", "true", "Y", "y"}
    if not data["status"]:
        data.pop("status")
    return data


def template_xlsx() -> bytes:
    return workbook_bytes(title="劳动力信息采集表", columns=COLUMNS, rows=[], hint_row=True)


# --- the ledgers in the county's layout ---------------------------------------------------------

EXPORT_HEADERS = {
    Ledger.TRANSFER: [
        "序号",
        "乡镇",
        "村",
        "组",
        "户号",
        "姓名",
        "性别",
        "年龄",
        "身份证号码",
        "文化程度",
        "就业状态",
        "就业地点",
        "就业单位",
        "起始日期",
        "技能",
        "联系电话",
    ],
    Ledger.UNEMPLOYED: [
        "序号",
        "乡镇",
        "村",
        "组",
        "户号",
        "姓名",
        "性别",
        "年龄",
        "身份证号码",
        "文化程度",
        "未就业起始日期",
        "意向岗位",
        "意向就业地点",
        "期望月薪（元）",
        "培训需求",
        "联系电话",
    ],
    Ledger.ASSISTANCE: [
        "序号",
        "乡镇",
        "村",
        "组",
        "户号",
        "姓名",
        "性别",
        "年龄",
        "身份证号码",
        "帮扶标识",
        "就业状态",
        "技能",
        "培训需求",
        "联系电话",
    ],
}


def _age(birth: dt.date | None, on: dt.date) -> Any:
    if birth is None:
        return ""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def ledger_rows(
    ledger: str, entries: Iterable[RegistryPerson], on: dt.date, periods: dict, flags: dict
) -> Iterable[list]:
    for n, e in enumerate(entries, start=1):
        p = e.person
        town = e.org.parent.short_name if e.org.parent_id and e.org.parent else ""
        base = [
            n,
            town,
            e.org.short_name or e.org.name,
            e.group,
            e.household.number if e.household else "",
            p.name,
            LABELS["gender"].get(p.gender, ""),
            _age(p.birth_date, on),
            mask_identity(p.id_type, p.id_number),
        ]
        skills = "、".join(f"{s.occupation} {s.title}".strip() for s in e.skills.all())
        period = periods.get(e.pk)
        status = STATUS_LABELS.get(period.status, "") if period else ""
        phone = mask_phone(p.phone)
        if ledger == Ledger.TRANSFER:
            place = (period.destination if period else "") or (e.org.short_name or e.org.name)
            yield [
                *base,
                LABELS["education"].get(p.education, ""),
                status,
                place,
                period.employer if period else "",
                period.starts_on.isoformat() if period else "",
                skills,
                phone,
            ]
        elif ledger == Ledger.UNEMPLOYED:
            yield [
                *base,
                LABELS["education"].get(p.education, ""),
                period.starts_on.isoformat() if period else "",
                e.wanted_job,
                LABELS["wanted_range"].get(e.wanted_range, ""),
                e.wanted_wage or "",
                e.training_needs,
                phone,
            ]
        else:
            kinds = "、".join(ASSISTANCE_LABELS.get(k, k) for k in flags.get(e.pk, []))
            yield [*base, kinds, status, skills, e.training_needs, phone]


def ledger_xlsx(*, ledger: str, unit: Org, on: dt.date, rows: Iterable[list]) -> bytes:
    headers = EXPORT_HEADERS[Ledger(ledger)]
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = LEDGER_TITLES[Ledger(ledger)][:31]
    ws.append([f"{unit.name} {LEDGER_TITLES[Ledger(ledger)]}（截至 {on.isoformat()}）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([escape_formula(v) for v in row])
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(8, 2 * len(h) + 4)
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ledger_export(*, actor: Any, ledger: str, unit: Org, on: dt.date) -> tuple[bytes, int]:
    """The ledger of `unit`'s subtree on `on` as the county's sheet, and its row count. The
    caller checks labour.view on `unit` and audits."""
    from .models import Assistance
    from .selectors.ledgers import in_effect, ledger_on, ledger_period_status

    entries = (
        ledger_on(actor=actor, ledger=ledger, on=on, unit=unit)
        .select_related("org__parent")
        .prefetch_related("skills")
    )
    periods = ledger_period_status(entries, on)
    flags: dict[Any, list[str]] = {}
    if ledger == Ledger.ASSISTANCE:
        for e, k in Assistance.objects.filter(in_effect(on), entry__in=entries.values("pk")).values_list(
            "entry_id", "kind"
        ):
            flags.setdefault(e, []).append(k)
    listed = list(entries)
    return ledger_xlsx(
        ledger=ledger, unit=unit, on=on, rows=ledger_rows(ledger, listed, on, periods, flags)
    ), len(listed)


def import_scope_ok(actor: Any, unit: Org) -> bool:
    return any(scope_for(actor, c).contains(unit) for c in (Cap.LABOUR_MANAGE, Cap.LABOUR_SURVEY))
