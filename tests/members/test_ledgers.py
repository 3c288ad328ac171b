"""Member ledgers: the template, the import (rules, scope, re-import) and its console pages."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from zhijia.core.models import AuditEntry, ImportJob, ImportStatus
from zhijia.members.enums import ETHNICITIES
from zhijia.members.ledgers.columns import COLUMNS, template_xlsx
from zhijia.members.models import Membership, MembershipEvent, Person
from zhijia.members.validation import id_index

from .ledgers_support import ledger, person_id, row, run_import, viewer_in_futian  # noqa: F401


def test_template_has_headers_hints_and_drop_downs_on_a_hidden_sheet():
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    sheet, lists = wb.worksheets
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    assert sheet["A1"].value == "姓名" and sheet["R1"].value == "所属工会"
    assert all(c.value for c in sheet[2])  # the English hint row
    assert lists.sheet_state == "hidden"
    formulas = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert set(formulas) == {"B3", "D3", "F3", "H3", "I3", "N3", "O3", "P3"}
    ethnic = formulas["F3"]  # 民族: a range on the hidden sheet, not an inline list
    column = ethnic.split("!")[1].split(":")[0].replace("$", "")[0]
    values = [lists[f"{column}{i}"].value for i in range(1, 60)]
    assert values[:58] == [name for _code, name in ETHNICITIES] and values[58] is None
    assert [lists[f"A{i}"].value for i in range(1, 3)] == ["居民身份证", "香港身份证"]


def test_import_keeps_good_rows_and_reports_each_bad_one(demo):
    clerk, futian = demo.user("futian_staff"), demo.org("福田区总")
    union = demo.org("河套科创工会")
    rows = [
        row(
            name="王小明",
            id_number=person_id(11),
            org=union.name,
            joined_on="2020-03-01",
            occupation="外卖配送员",
        ),
        row(name="李四", id_number=person_id(21)[:-1] + "0"),  # bad checksum (unless 0 is right)
        row(
            name="赵五", id_type="护照", id_number="E12345678", birth_date="1990-02-30", gender="男"
        ),  # bad date
        row(name="", id_number=person_id(31)),  # missing name
        row(name="钱六", id_number=person_id(41), phone="1380000"),  # bad phone
        row(name="孙七", id_number=person_id(51), ethnicity="99"),  # bad ethnicity code
        row(
            name="周八", id_number=person_id(61), org="宝安区西乡街道总工会"
        ),  # union outside the import scope
        row(
            name="吴九",
            id_number=person_id(71),
            ethnicity="08",
            migrant_worker="是",
            skill_level="四级/中级工",
        ),
    ]
    if person_id(21).endswith("0"):
        rows[1]["id_number"] = person_id(21)[:-1] + "1"
    job = run_import(clerk, futian, ledger(rows, hint=True))
    assert job.status == ImportStatus.DONE
    assert (job.total_rows, job.created_count, job.updated_count, job.error_count) == (8, 2, 0, 6)
    assert {(e["row"], e["field"]) for e in job.errors} == {
        (4, "id_number"),
        (5, "birth_date"),
        (6, "name"),
        (7, "phone"),
        (8, "ethnicity"),
        (9, "org"),
    }
    assert all(e["message"] for e in job.errors)
    first = Membership.objects.select_related("person", "org").get(person__name="王小明")
    assert first.org == union and str(first.joined_on) == "2020-03-01"
    assert first.person.occupation == "delivery_rider" and first.member_no.startswith("440304")
    other = Person.objects.get(name="吴九")
    assert (other.ethnicity, other.migrant_worker, other.skill_level) == ("08", True, "level4")
    assert other.memberships.get().org == futian  # empty 所属工会: the unit imported into
    assert MembershipEvent.objects.filter(kind="imported", actor=clerk).count() == 2
    entry = AuditEntry.objects.get(action="member.import")  # one entry per job, with counts
    assert entry.data["created"] == 2 and entry.data["errors"] == 6
    assert not AuditEntry.objects.filter(action="person.create").exists()


def test_reimport_updates_instead_of_duplicating_lower_and_upper_x(demo):
    clerk, futian = demo.user("futian_staff"), demo.org("福田区总")
    number = next(person_id(s) for s in range(1, 200) if person_id(s).endswith("X"))
    run_import(clerk, futian, ledger([row(name="郑十", id_number=number.lower(), job_title="焊工")]))
    again = run_import(clerk, futian, ledger([row(name="郑十", id_number=number, job_title="电工")]))
    assert (again.created_count, again.updated_count, again.error_count) == (0, 1, 0)
    person = Person.objects.get(id_index=id_index("cn_resident", number))
    assert person.job_title == "电工" and person.memberships.count() == 1
    same = run_import(clerk, futian, ledger([row(name="郑十", id_number=number, job_title="电工")]))
    assert (same.created_count, same.updated_count, same.processed_rows) == (0, 0, 1)


def test_duplicate_rows_in_one_file_make_one_member(demo):
    clerk, futian = demo.user("futian_staff"), demo.org("福田区总")
    number = person_id(13)
    job = run_import(clerk, futian, ledger([row(id_number=number), row(id_number=number, job_title="质检")]))
    assert (job.created_count, job.updated_count) == (1, 1)
    assert Membership.objects.filter(person__id_index=id_index("cn_resident", number)).count() == 1


def test_active_member_outside_scope_is_rejected_not_moved(demo):
    number = person_id(15, region="440306")
    run_import(
        demo.user("xixiang_staff"), demo.org("西乡街道"), ledger([row(name="冯十一", id_number=number)])
    )
    with translation.override("en"):  # the message is checked in English below
        job = run_import(
            demo.user("futian_staff"),
            demo.org("福田区总"),
            ledger([row(name="冯十一", id_number=number, employer="X")]),
        )
    assert (job.created_count, job.error_count) == (0, 1)
    assert job.errors[0]["field"] == "id_number" and "transfer" in job.errors[0]["message"]
    membership = Membership.objects.select_related("person").get(
        person__id_index=id_index("cn_resident", number)
    )
    assert membership.org == demo.org("西乡街道") and membership.person.employer == ""


def test_a_named_union_differing_from_the_current_one_is_reported(demo):
    clerk, futian = demo.user("futian_staff"), demo.org("福田区总")
    number = person_id(17)
    run_import(clerk, futian, ledger([row(id_number=number, org="深圳河套深港科创有限公司工会委员会")]))
    job = run_import(clerk, futian, ledger([row(id_number=number, org="深圳福保精密电子有限公司工会委员会")]))
    assert job.error_count == 1 and job.errors[0]["field"] == "org"


def test_console_import_runs_in_the_background_and_shows_errors(
    demo, staff_client, django_capture_on_commit_callbacks
):
    client = staff_client("futian_staff")
    assert client.get(reverse("staff:member_import")).status_code == 200
    data = ledger([row(name="陈一", id_number=person_id(19)), row(name="", id_number=person_id(23))])
    upload = io.BytesIO(data)
    upload.name = "ledger.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:member_import"),
            {"file": upload, "consent_basis": "paper_form", "notice_version": "2024-03"},
        )
    assert response.status_code == 302
    job = ImportJob.objects.get(kind="members")
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'data-status="done"' in page.content.decode()
    assert 'data-row="3"' in page.content.decode()
    report = client.get(reverse("staff:member_import_report", args=[job.pk]))
    assert report.status_code == 200
    cells = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert [c.value for c in cells[2]][:2] == [3, "姓名"]


@pytest.mark.usefixtures("viewer_in_futian")
def test_console_import_pages_are_scoped(demo, staff_client):
    job = run_import(demo.user("futian_staff"), demo.org("福田区总"), ledger([row(id_number=person_id(25))]))
    for name in ("member_import_status", "member_import_report"):
        url = reverse(f"staff:{name}", args=[job.pk])
        assert staff_client("xixiang_staff").get(url).status_code == 404  # outside: existence hidden
        assert staff_client("futian_viewer").get(url).status_code == 403  # inside, no members.import
        assert staff_client("shenzhen_admin").get(url).status_code == 200
    assert staff_client("futian_viewer").get(reverse("staff:member_import")).status_code == 403
    assert staff_client("futian_viewer").get(reverse("staff:member_template")).status_code == 200


def test_a_non_xlsx_upload_is_refused_on_the_form(demo, staff_client):
    upload = io.BytesIO(b"name,id\n")
    upload.name = "ledger.csv"
    response = staff_client("futian_staff").post(
        reverse("staff:member_import"),
        {"file": upload, "consent_basis": "paper_form", "notice_version": "v1"},
    )
    assert response.status_code == 200 and 'data-testid="error-file"' in response.content.decode()
    assert not ImportJob.objects.exists()
