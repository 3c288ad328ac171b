import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from tests.labour.support import cn_id, login, register, units
from zhijia.core.imports import import_job_run_batched
from zhijia.core.models import ImportJob
from zhijia.labour.models import RegistryPerson, StatusPeriod
from zhijia.labour.tasks import LABOUR_IMPORT_KIND
from zhijia.labour.xlsx import COLUMNS, labour_import_batch, ledger_export, template_xlsx

pytestmark = pytest.mark.django_db


def sheet(rows):
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    keys = [c.key for c in COLUMNS]
    for row in rows:
        ws.append([row.get(k, "") for k in keys])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(user, unit, content):
    job = ImportJob.objects.create(
        kind=LABOUR_IMPORT_KIND, org=unit, created_by=user, filename="x.xlsx", source=content
    )
    return import_job_run_batched(
        job.pk, columns=COLUMNS, handle_batch=labour_import_batch, audit_action="labour.import"
    )


GOOD = [
    {
        "village": "塘坊村",
        "group": "一组",
        "household_number": "001",
        "name": "张大山",
        "id_number": cn_id(21),
        "status": "转移外出就业",
        "status_since": "2025年3月1日",
        "destination": "广东东莞",
        "skill_code": "6-29",
        "skill_title": "砌筑工",
        "skill_level": "四级/中级工",
        "assistance": "脱贫户",
        "consent": "是",
    },
    {
        "village": "三坪村",
        "name": "李小花",
        "id_number": cn_id(22),
        "status": "未就业",
        "status_since": "2025-06-01",
        "wanted_occupation": "4-10",
        "wanted_range": "本镇",
        "training_needs": "育婴员",
    },
]
BAD = [
    {"name": "坏行", "id_number": "123"},
    {
        "name": "坏日期",
        "id_number": cn_id(23),
        "status": "退休",
        "status_since": "2025-02-30",
        "skill_code": "9-99",
    },
]


def test_template_has_the_headers():
    wb = load_workbook(io.BytesIO(template_xlsx()))
    assert [c.value for c in wb.active[1]][:5] == ["所属村", "组", "户号", "家庭住址", "姓名"]


def test_import_reports_bad_rows_and_reimport_is_idempotent(demo):
    u = units()
    clerk = login(u["广佛镇"])
    job = run(clerk, u["广佛镇"], sheet(GOOD + BAD))
    assert (job.status, job.created_count, job.error_count) == ("done", 2, 2)
    fields = {(e["row"], e["field"]) for e in job.errors}
    assert {(4, "id_number"), (5, "status"), (5, "status_since"), (5, "skills")} <= fields
    zhang = RegistryPerson.objects.get(person__name="张大山")
    assert zhang.org == u["塘坊村"] and zhang.status == "migrant" and zhang.skills.get().title == "砌筑工"
    assert zhang.assistance.get().kind == "poverty"
    again = run(clerk, u["广佛镇"], sheet(GOOD))
    assert (again.created_count, again.updated_count, again.error_count) == (0, 0, 0)
    assert RegistryPerson.objects.count() == 2 and StatusPeriod.objects.count() == 2
    changed = [dict(GOOD[0], status="在本地就业", status_since="2025-09-01"), GOOD[1]]
    third = run(clerk, u["广佛镇"], sheet(changed))
    assert third.updated_count == 1
    assert list(zhang.periods.values_list("status", flat=True)) == ["migrant", "local"]


def test_import_outside_scope_is_a_row_error(demo):
    u = units()
    surveyor = login(u["塘坊村"], role="village_surveyor")
    job = run(surveyor, u["塘坊村"], sheet([dict(GOOD[1], village="")]))
    assert job.created_count == 1
    job = run(surveyor, u["塘坊村"], sheet([GOOD[1]]))  # 三坪村 is not under 塘坊村
    assert job.error_count == 1 and job.errors[0]["field"] == "village"


def test_ledger_export_in_county_layout_is_masked(demo):
    u = units()
    viewer = login(u["平利县总"], role="viewer")
    register(
        u["塘坊村"], 31, status="migrant", status_since="2025-01-01", destination="西安", phone="13900139000"
    )
    content, count = ledger_export(
        actor=viewer, ledger="transfer", unit=u["平利县总"], on=dt.date(2025, 6, 1)
    )
    ws = load_workbook(io.BytesIO(content)).active
    assert count == 1 and "农村劳动力转移就业台账" in ws["A1"].value
    row = [c.value for c in ws[3]]
    assert row[2] == "塘坊村" and row[11] == "西安"
    text = repr([[c.value for c in r] for r in ws.iter_rows()])
    assert cn_id(31) not in text and "13900139000" not in text


def _state(entry):
    from zhijia.labour.services.registry import fingerprint

    entry = RegistryPerson.objects.get(pk=entry.pk)
    own, person, address, skills, certificates, flags, periods, consent = fingerprint(entry)
    return (own[1:] if own else own, person, address, skills, certificates, flags, periods, consent)


def test_batched_import_writes_what_the_form_writes(demo):
    """A sheet row imported in bulk leaves the record person_register (the form) would leave."""
    from zhijia.labour.enums import StatusSource
    from zhijia.labour.services.registry import person_register
    from zhijia.labour.xlsx import row_to_data

    u = units()
    clerk = login(u["广佛镇"])
    row = dict(GOOD[0], certificate="砌筑工证", address="塘坊村一组", wanted_wage="4500", village="")
    run(clerk, u["塘坊村"], sheet([row]))
    imported = RegistryPerson.objects.get(person__name="张大山")
    other = dict(row, name="张小山", id_number=cn_id(41))
    by_form, _r = person_register(
        actor=clerk, org=u["塘坊村"], data=row_to_data(other), source=StatusSource.IMPORT, audit=False
    )
    a, b = _state(imported), _state(by_form)
    assert a[0][1:] == b[0][1:] and a[2:] == b[2:]  # all but the household id and the person
    assert imported.household_id == by_form.household_id  # the same 户 (group, number)
    assert imported.status == "migrant" and imported.status_since == dt.date(2025, 3, 1)


def test_same_person_twice_in_one_sheet_and_a_known_person(demo):
    from zhijia.members.services.people import person_upsert

    u = units()
    clerk = login(u["广佛镇"])
    known, _c = person_upsert(
        actor=None, data={"name": "王知名", "id_type": "cn_resident", "id_number": cn_id(51)}
    )
    later = dict(GOOD[0], status="在本地就业", status_since="2025-09-01")
    rows = [GOOD[0], later, {"village": "三坪村", "name": "王知名", "id_number": cn_id(51), "consent": "是"}]
    job = run(clerk, u["广佛镇"], sheet(rows))
    assert (job.created_count, job.updated_count, job.error_count) == (2, 1, 0)
    zhang = RegistryPerson.objects.get(person__name="张大山")
    assert list(zhang.periods.values_list("status", flat=True)) == ["migrant", "local"]
    assert RegistryPerson.objects.get(person=known).org == u["三坪村"]
    again = run(clerk, u["广佛镇"], sheet(rows))
    assert (again.created_count, again.error_count) == (0, 0)
    assert RegistryPerson.objects.count() == 2 and StatusPeriod.objects.count() == 2


def test_import_withdraws_consent_and_reports_a_bad_row_between_good_ones(demo):
    from zhijia.labour.services.registry import consented

    u = units()
    clerk = login(u["广佛镇"])
    run(clerk, u["广佛镇"], sheet(GOOD))
    rows = [dict(GOOD[0], consent="否"), BAD[0], GOOD[1]]
    job = run(clerk, u["广佛镇"], sheet(rows))
    assert (job.created_count, job.updated_count, job.error_count) == (0, 1, 1)
    assert {e["row"] for e in job.errors} == {3}
    assert not consented(RegistryPerson.objects.get(person__name="张大山").person)
