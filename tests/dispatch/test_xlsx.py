"""Menus and experts as spreadsheets: export → import round trips, row errors that keep the good
rows, idempotent re-runs, formulas escaped, phones masked."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from zhijia.core.errors import Conflict, ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.dispatch import error_codes, xlsx
from zhijia.dispatch.enums import ExpertKind, MenuStatus
from zhijia.dispatch.models import Expert, MenuItem
from zhijia.dispatch.services import menus as menu_svc

from .support import expert, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(demo):
    return world(demo)


def sheet(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read(data):
    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


MENU_HEAD = ["编码", "类别", "服务项目", "服务内容", "形式", "时长(分钟)", "最少人数", "最多人数"]
MENU_HEAD += ["费用标准(元)", "所需资质", "可点单工会", "排序", "暂停"]


def test_menu_export_reimports_unchanged(w):
    data = xlsx.menu_export(w.menu)
    rows = read(data)
    assert rows[0] == MENU_HEAD
    assert rows[1][:3] == ["PSY", "心理服务", "职工心理健康讲座"] and rows[1][9] == "心理咨询师"
    draft = menu_svc.menu_draft(actor=w.clerk, menu=w.menu)
    result = xlsx.menu_import(actor=w.clerk, menu=draft, data=data)
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 2, [])


def test_menu_import_reports_bad_rows_and_keeps_good_ones(w):
    draft = menu_svc.menu_create(actor=w.clerk, org=w.dispatcher, title="新菜单")
    data = sheet(
        [
            MENU_HEAD,
            ["A1", "讲座", "安全生产讲座", "", "讲座", 90, 10, 200, 300, "", "", 1, "否"],
            ["A2", "", "缺类别", "", "讲座", 90, 10, 200, 300, "", "", 2, "否"],
            ["A3", "培训", "技能培训", "", "跳舞", 90, 50, 10, -1, "", "不存在的工会", 3, "否"],
            [
                "A4",
                "义诊",
                "职工义诊",
                "-减压10%",
                "义诊咨询",
                "",
                "",
                "",
                "",
                "",
                w.unit.name,
                "",
                "是",
            ],
        ]
    )
    result = xlsx.menu_import(actor=w.clerk, menu=draft, data=data)
    assert (result.created, result.error_rows) == (2, 2)
    errors = {(e["row"], e["field"]) for e in result.errors}
    assert (3, "category") in errors and (4, "format") in errors and (4, "orderable_org") in errors
    a4 = MenuItem.objects.get(menu=draft, code="A4")
    assert a4.paused and a4.orderable_org == w.unit and a4.description == "-减压10%"
    assert (a4.duration_minutes, a4.audience_min, a4.audience_max, a4.cost) == (120, 1, 100, 0)
    again = xlsx.menu_import(actor=w.clerk, menu=draft, data=data)  # a re-run: idempotent
    assert (again.created, again.updated, again.unchanged, again.error_rows) == (0, 0, 2, 2)
    assert MenuItem.objects.filter(menu=draft).count() == 2
    exported = read(xlsx.menu_export(draft))
    a4_row = next(r for r in exported if r[0] == "A4")
    assert a4_row[3] == "'-减压10%"  # formulas escaped on the way out
    changed = sheet(
        [MENU_HEAD, ["A1", "讲座", "安全生产讲座（新）", "", "讲座", 90, 10, 200, 350, "", "", 1, "是"]]
    )
    result = xlsx.menu_import(actor=w.clerk, menu=draft, data=changed)
    a1 = MenuItem.objects.get(menu=draft, code="A1")
    assert result.updated == 1 and (a1.title, a1.cost, a1.paused) == ("安全生产讲座（新）", 350, True)
    assert AuditEntry.objects.filter(action="menu.import", object_id=str(draft.pk)).count() == 3


def test_menu_import_refuses_published_menus_and_bad_files(w):
    with pytest.raises(Conflict) as exc:
        xlsx.menu_import(actor=w.clerk, menu=w.menu, data=xlsx.menu_export(w.menu))
    assert exc.value.code == error_codes.MENU_IMMUTABLE
    draft = menu_svc.menu_create(actor=w.clerk, org=w.dispatcher, title="x")
    with pytest.raises(ValidationFailed) as exc:
        xlsx.menu_import(actor=w.clerk, menu=draft, data=b"not a workbook")
    assert "file" in exc.value.fields
    with pytest.raises(ValidationFailed):
        xlsx.menu_import(actor=w.clerk, menu=draft, data=sheet([["别的列"], ["x"]]))
    assert read(xlsx.menu_template())[0] == MENU_HEAD
    assert draft.status == MenuStatus.DRAFT


EXPERT_HEAD = ["姓名", "类型", "头衔", "手机", "专长", "资质", "服务范围", "每月上限", "状态", "简介"]


def test_expert_import_and_reimport(w):
    data = sheet(
        [
            EXPERT_HEAD,
            [
                "张律师",
                "专家",
                "执业律师",
                "13800138000",
                "LAW",
                "律师执业证:2030-06-30",
                w.unit.name,
                6,
                "在库",
                "",
            ],
            ["讲师团", "团队", "", "", "PSY,LAW", "", "", "", "", "十人讲师团"],
            ["坏资质", "专家", "", "", "", "心理咨询师:明年", "", "", "", ""],
            ["坏手机", "专家", "", "12345", "", "", "", "", "", ""],
        ]
    )
    result = xlsx.expert_import(actor=w.clerk, org=w.dispatcher, data=data)
    assert (result.created, result.error_rows) == (2, 2)
    assert {e["field"] for e in result.errors} == {"qualifications", "phone"}
    lawyer = Expert.objects.get(name="张律师")
    assert (lawyer.phone, lawyer.specialties, lawyer.monthly_capacity) == ("13800138000", ["LAW"], 6)
    assert [(q.name, q.expires_on) for q in lawyer.qualifications.all()] == [
        ("律师执业证", dt.date(2030, 6, 30))
    ]
    assert list(lawyer.service_areas.all()) == [w.unit]
    assert Expert.objects.get(name="讲师团").kind == ExpertKind.TEAM
    again = xlsx.expert_import(actor=w.clerk, org=w.dispatcher, data=data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Expert.objects.filter(name="张律师").count() == 1


def test_expert_export_masks_phones_and_reimports_unchanged(w):
    exported = xlsx.expert_export(actor=w.clerk, org=w.dispatcher)
    rows = read(exported)
    assert rows[0] == EXPERT_HEAD
    by_name = {r[0]: r for r in rows[1:]}
    phone = by_name["李心理"][3]
    assert "*" in phone and phone != w.expert.phone
    assert by_name["李心理"][5].startswith("心理咨询师:")
    result = xlsx.expert_import(actor=w.clerk, org=w.dispatcher, data=exported)
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 2, [])
    w.expert.refresh_from_db()
    assert w.expert.phone.startswith("139")  # the masked phone left the stored one alone
    assert AuditEntry.objects.filter(action="expert.export").count() == 1


def test_same_names_need_the_phone(w):
    expert(w.dispatcher, name="同名", phone="13900000001")
    expert(w.dispatcher, name="同名", phone="13900000002")
    result = xlsx.expert_import(
        actor=w.clerk,
        org=w.dispatcher,
        data=sheet([EXPERT_HEAD, ["同名", "", "", "", "", "", "", "", "", ""]]),
    )
    assert result.error_rows == 1 and result.errors[0]["field"] == "phone"
    ok = sheet([EXPERT_HEAD, ["同名", "", "新头衔", "13900000002", "", "", "", "", "", ""]])
    assert xlsx.expert_import(actor=w.clerk, org=w.dispatcher, data=ok).updated == 1
    assert Expert.objects.get(name="同名", title="新头衔").phone == "13900000002"
