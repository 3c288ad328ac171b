"""The 会员登记表 (member ledger) spreadsheet: columns, fixed Chinese labels, template, rows.

Coded fields are written with fixed Chinese labels (like orgs.xlsx LEVEL_LABELS) so a sheet
reads back whatever language the console uses; on import a label, the stored code or the label
in the active language are all accepted. Unknown text is passed on unchanged so that
members.validation.clean_person reports it with the row's other errors.
"""

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from zhijia.core.imports import Column, escape_formula, hint_text

from ..enums import ETHNICITIES, Education, Gender, IdType, Occupation, PoliticalStatus, SkillLevel

TEMPLATE_ROWS = 100_000  # rows of the template that carry the drop-downs
LISTS_SHEET = "lists"

ID_TYPE_LABELS = {
    IdType.CN_RESIDENT: "居民身份证",
    IdType.HK_ID: "香港身份证",
    IdType.HK_MACAU_PERMIT: "港澳居民来往内地通行证",
    IdType.TW_PERMIT: "台湾居民来往大陆通行证",
    IdType.RESIDENCE_PERMIT: "港澳台居民居住证",
    IdType.FOREIGN_PERMANENT: "外国人永久居留身份证",
    IdType.PASSPORT: "护照",
}
GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
EDUCATION_LABELS = {
    Education.POSTGRADUATE: "研究生",
    Education.BACHELOR: "大学本科",
    Education.COLLEGE: "大学专科",
    Education.VOCATIONAL: "中专/中技",
    Education.HIGH_SCHOOL: "高中",
    Education.JUNIOR_OR_BELOW: "初中及以下",
}
POLITICAL_LABELS = {
    PoliticalStatus.CPC_MEMBER: "中共党员",
    PoliticalStatus.CPC_PROBATIONARY: "中共预备党员",
    PoliticalStatus.LEAGUE_MEMBER: "共青团员",
    PoliticalStatus.DEMOCRATIC_PARTY: "民主党派",
    PoliticalStatus.MASSES: "群众",
}
OCCUPATION_LABELS = {
    Occupation.EMPLOYEE: "企业职工",
    Occupation.SANITATION: "环卫工人",
    Occupation.DELIVERY_RIDER: "外卖配送员",
    Occupation.COURIER: "快递员",
    Occupation.RIDE_HAILING: "网约车司机",
    Occupation.TRUCK_DRIVER: "货车司机",
    Occupation.STREAMER: "网络主播",
    Occupation.DOMESTIC: "家政服务员",
    Occupation.FLEXIBLE_OTHER: "其他灵活就业",
    Occupation.OTHER: "其他",
}
SKILL_LABELS = {
    SkillLevel.NONE: "无",
    SkillLevel.LEVEL5: "五级/初级工",
    SkillLevel.LEVEL4: "四级/中级工",
    SkillLevel.LEVEL3: "三级/高级工",
    SkillLevel.LEVEL2: "二级/技师",
    SkillLevel.LEVEL1: "一级/高级技师",
}
ETHNICITY_LABELS = dict(ETHNICITIES)
YES, NO = "是", "否"

# Column key -> {code: fixed label}; the keys are clean_person's field names.
LABELS: dict[str, dict[str, str]] = {
    "id_type": {str(k): v for k, v in ID_TYPE_LABELS.items()},
    "gender": {str(k): v for k, v in GENDER_LABELS.items()},
    "ethnicity": ETHNICITY_LABELS,
    "education": {str(k): v for k, v in EDUCATION_LABELS.items()},
    "political_status": {str(k): v for k, v in POLITICAL_LABELS.items()},
    "occupation": {str(k): v for k, v in OCCUPATION_LABELS.items()},
    "skill_level": {str(k): v for k, v in SKILL_LABELS.items()},
}
_ENUMS: dict[str, Any] = {
    "id_type": IdType,
    "gender": Gender,
    "education": Education,
    "political_status": PoliticalStatus,
    "occupation": Occupation,
    "skill_level": SkillLevel,
}


def _choices(key: str) -> tuple[str, ...]:
    return tuple(LABELS[key].values())


COLUMNS = (
    Column("name", "姓名", gettext_lazy("full name, as on the identity document"), required=True),
    Column(
        "id_type",
        "证件类型",
        gettext_lazy("type of identity document; empty: 居民身份证"),
        choices=_choices("id_type"),
    ),
    Column(
        "id_number",
        "证件号码",
        gettext_lazy("identity document number, typed as text (居民身份证: 18 characters)"),
        required=True,
    ),
    Column("gender", "性别", gettext_lazy("gender"), choices=_choices("gender")),
    Column("birth_date", "出生日期", gettext_lazy("date of birth, YYYY-MM-DD")),
    Column("ethnicity", "民族", gettext_lazy("ethnic group"), choices=_choices("ethnicity")),
    Column("phone", "手机号码", gettext_lazy("mobile phone, 11 digits")),
    Column("education", "学历", gettext_lazy("education"), choices=_choices("education")),
    Column(
        "political_status", "政治面貌", gettext_lazy("political status"), choices=_choices("political_status")
    ),
    Column("hukou_place", "户籍地", gettext_lazy("place of household registration")),
    Column("residence", "现居住地", gettext_lazy("where the member lives now")),
    Column("employer", "工作单位", gettext_lazy("employer")),
    Column("job_title", "岗位", gettext_lazy("job or post")),
    Column("occupation", "职业", gettext_lazy("occupation"), choices=_choices("occupation")),
    Column("migrant_worker", "是否农民工", gettext_lazy("migrant worker or not"), choices=(YES, NO)),
    Column(
        "skill_level", "技能等级", gettext_lazy("vocational skill level"), choices=_choices("skill_level")
    ),
    Column("joined_on", "入会日期", gettext_lazy("date of joining the union, YYYY-MM-DD; empty: today")),
    Column(
        "org",
        "所属工会",
        gettext_lazy(
            "union: its unified social credit code or exact full name; empty: the unit you import into"
        ),
    ),
)
# Exports add the membership's number and status after the template's columns (an import
# ignores columns it does not know, so an export re-imports).
EXPORT_COLUMNS = (
    *COLUMNS,
    Column("member_no", "会员编号", gettext_lazy("member number")),
    Column("status", "会籍状态", gettext_lazy("membership status")),
)
STATUS_LABELS = {"member": "会员", "retained": "保留会籍"}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_choice(key: str, text: str) -> str:
    """The stored code for a fixed label, a code, or the label in the active language."""
    wanted = text.strip()
    if not wanted:
        return ""
    labels = LABELS[key]
    if wanted in labels:
        return wanted
    if key == "ethnicity" and wanted.isdigit() and len(wanted) == 1:
        return "0" + wanted  # 01 typed as a number
    for code, label in labels.items():
        if wanted == label or (key == "ethnicity" and wanted + "族" == label):
            return code
    enum = _ENUMS.get(key)
    if enum is not None:
        for member in enum:
            if wanted.lower() == str(member.label).lower():
                return str(member.value)
    return text


def parse_date_text(text: str) -> str:
    """ISO text for 2024-3-5, 2024/03/05, 2024.3.5, 2024年3月5日, 20240305 or a calamine date;
    anything else is returned as it is (and reported by the validator)."""
    text = text.strip()
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        return text[:10]
    if len(text) == 8 and text.isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_RE.match(text)
    if match:
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return text


def row_to_data(row: dict[str, str]) -> dict[str, Any]:
    """A sheet row as clean_person input (codes, ISO dates); `joined_on` and `org` are left to
    the importer. Every person field is present, so an import also clears emptied cells."""
    data: dict[str, Any] = {key: row.get(key, "") for key in ("name", "id_number", "phone")}
    for key in LABELS:
        data[key] = parse_choice(key, row.get(key, ""))
    data["id_type"] = data["id_type"] or IdType.CN_RESIDENT.value
    data["birth_date"] = parse_date_text(row.get("birth_date", ""))
    for key in ("hukou_place", "residence", "employer", "job_title"):
        data[key] = row.get(key, "")
    migrant = row.get("migrant_worker", "").strip()
    data["migrant_worker"] = "1" if migrant in {YES, "1", "true", "TRUE", "yes", "Y", "y"} else ""
    return data


def person_cells(person: Any, *, id_number: str, phone: str, birth: str) -> list[Any]:
    """The template's person columns for one person (ID, phone and birth date as given: the
    caller decides whether they are masked)."""
    return [
        person.name,
        ID_TYPE_LABELS.get(person.id_type, person.id_type),
        id_number,
        GENDER_LABELS.get(person.gender, ""),
        birth,
        ETHNICITY_LABELS.get(person.ethnicity, ""),
        phone,
        EDUCATION_LABELS.get(person.education, ""),
        POLITICAL_LABELS.get(person.political_status, ""),
        person.hukou_place,
        person.residence,
        person.employer,
        person.job_title,
        OCCUPATION_LABELS.get(person.occupation, ""),
        YES if person.migrant_worker else NO,
        SKILL_LABELS.get(person.skill_level, ""),
    ]


def template_xlsx() -> bytes:
    """An empty 会员登记表: Chinese headers, a hint row in the reader's language (core.imports
    hint_text: required or not, what each column wants, its allowed values), drop-downs on coded columns
    (lists on a hidden sheet, referenced by range), the number column formatted as text."""
    wb = Workbook()
    ws = wb.active
    ws.title = "会员登记表"
    ws.append([c.header for c in COLUMNS])
    ws.append([hint_text(c) for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for cell in ws[2]:
        cell.font = Font(italic=True, color="808080")
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_column = 0
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(12, 2 * len(column.header) + 6)
        if column.key in ("id_number", "phone"):
            ws.column_dimensions[letter].number_format = "@"  # 18 digits must not become a float
        if not column.choices:
            continue
        list_column += 1
        list_letter = get_column_letter(list_column)
        for row, choice in enumerate(column.choices, start=1):
            lists.cell(row=row, column=list_column, value=choice)
        ref = f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$1:${list_letter}${len(column.choices)}"
        dv = DataValidation(type="list", formula1=ref, allow_blank=True)
        dv.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "B3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ledger_xlsx(rows: Iterable[Sequence[Any]], *, columns: Sequence[Column] = EXPORT_COLUMNS) -> bytes:
    """An export in write-only mode (constant memory, fast): header row, then the rows with
    every formula-like string escaped (core.imports.escape_formula)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("会员登记表")
    ws.append([c.header for c in columns])
    for row in rows:
        ws.append([escape_formula(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""
