"""Import and export of the tree as xlsx: rows in scope, bad rows reported, idempotent re-import."""

import pytest

from zhijia.core.errors import ValidationFailed
from zhijia.core.models import AuditEntry, ImportJob, ImportStatus
from zhijia.demo.tree import demo_uscc
from zhijia.orgs.models import Org
from zhijia.orgs.services import org_update
from zhijia.orgs.tasks import org_import
from zhijia.orgs.xlsx import COLUMNS, LEVEL_LABELS, org_export_xlsx, org_import_row, template_xlsx

from .xlsx_helpers import load, org_sheet


@pytest.fixture
def futian_admin(demo, make_user):
    return make_user("futian_admin", role="admin", org=demo.org("福田区总"))


def run(actor, unit, data: bytes) -> ImportJob:
    job = ImportJob.objects.create(kind="orgs", org=unit, created_by=actor, filename="t.xlsx", source=data)
    org_import(str(job.pk))  # eager in tests: the Celery task body runs here
    job.refresh_from_db()
    return job


def test_template_has_chinese_headers_hints_and_a_level_drop_down():
    sheet = load(template_xlsx())
    assert [c.value for c in sheet[1]] == [
        "上级单位",
        "单位全称",
        "简称",
        "层级",
        "统一社会信用代码",
        "行政区划代码",
        "联系人",
    ]
    assert all(c.value for c in sheet[2])
    (validation,) = sheet.data_validations.dataValidation
    assert "基层工会" in validation.formula1 and "D3" in str(validation.sqref)


def test_import_keeps_good_rows_and_reports_the_bad_one(demo, futian_admin):
    street = demo.org("福保街道")
    data = org_sheet(
        [
            (street.uscc, "新一工会", "新一", "基层工会", demo_uscc("新一工会", "440304"), "440304", "李四"),
            # grassroots under grassroots: bad level
            ("新一工会", "新一下属工会", "", "grassroots", "", "", ""),
            (street.name, "新二工会", "", "基层工会", "91350100M000100Y44", "", ""),  # bad check character
            ("福保街道", "新三工会", "", "基层工会", "", "", ""),  # short name is not a full name
            ("深圳市宝安区总工会", "越权工会", "", "基层工会", "", "", ""),  # parent outside scope
            (street.name, "新四工会", "", "园区/行业联合会", "", "440304", ""),
            ("新四工会", "新四下属工会", "", "基层工会", "", "", ""),  # parent created by an earlier row
        ],
        hint=True,
    )
    job = run(futian_admin, demo.org("福田区总"), data)
    assert job.status == ImportStatus.DONE
    assert (job.total_rows, job.created_count, job.error_count) == (7, 3, 4)
    errors = {(e["row"], e["field"]) for e in job.errors}
    assert errors == {(4, "level"), (5, "uscc"), (6, "parent"), (7, "parent")}
    assert all(e["message"] for e in job.errors)
    assert Org.objects.get(name="新一工会").parent == street
    assert Org.objects.get(name="新四下属工会").parent.name == "新四工会"
    assert not Org.objects.filter(name__in=["新一下属工会", "新二工会", "新三工会", "越权工会"]).exists()
    entry = AuditEntry.objects.get(action="org.import")
    assert entry.data["created"] == 3 and entry.data["errors"] == 4


def test_reimport_is_idempotent(demo, futian_admin):
    street = demo.org("福保街道")
    rows = [
        (street.uscc, "甲工会", "甲", "基层工会", demo_uscc("甲工会", "440304"), "", ""),
        (street.name, "乙工会", "乙", "基层工会", "", "", ""),
    ]
    run(futian_admin, demo.org("福田区总"), org_sheet(rows))
    count = Org.objects.count()
    again = run(futian_admin, demo.org("福田区总"), org_sheet(rows))
    assert Org.objects.count() == count
    assert (again.created_count, again.updated_count, again.error_count) == (0, 0, 0)
    rows[1] = (street.name, "乙工会", "乙二", "基层工会", "", "", "王五")
    third = run(futian_admin, demo.org("福田区总"), org_sheet(rows))
    assert (third.created_count, third.updated_count) == (0, 1)
    assert Org.objects.get(name="乙工会").short_name == "乙二"


def test_an_existing_unit_is_not_moved_by_import(demo, futian_admin):
    org = demo.org("河套科创工会")
    row = {
        "parent": "深圳市福田区总工会",
        "name": org.name,
        "short_name": "",
        "level": "基层工会",
        "uscc": org.uscc,
        "division_code": "",
        "contact_name": "",
    }
    with pytest.raises(ValidationFailed) as exc:
        org_import_row(actor=futian_admin, row=row)
    assert exc.value.code == "import_parent_mismatch"
    assert Org.objects.get(pk=org.pk).parent == demo.org("福保街道")


def test_a_unit_outside_scope_found_by_uscc_is_refused(demo, futian_admin):
    baoan = demo.org("西乡街道")
    row = {
        "parent": "",
        "name": "改名",
        "short_name": "",
        "level": "街道/镇总工会",
        "uscc": baoan.uscc,
        "division_code": "",
        "contact_name": "",
    }
    with pytest.raises(ValidationFailed) as exc:
        org_import_row(actor=futian_admin, row=row)
    assert exc.value.code == "import_out_of_scope"
    assert Org.objects.get(pk=baoan.pk).name == "宝安区西乡街道总工会"


def test_export_is_scoped_audited_escaped_and_reimports_unchanged(demo, futian_admin):
    futian = demo.org("福田区总")
    org_update(actor=None, org=demo.org("河套联合工会"), short_name='=HYPERLINK("http://evil")')
    content, count = org_export_xlsx(actor=futian_admin, unit=futian)
    sheet = load(content)
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert count == len(rows) == 5
    assert rows[0][:2] == [demo.org("深圳市总").uscc, futian.name]
    assert {r[1] for r in rows} >= {"福田区福保街道总工会", "河套深港职工服务中心联合工会"}
    assert not any("宝安" in (r[1] or "") for r in rows)
    assert all(r[3] in LEVEL_LABELS.values() for r in rows)
    escaped = next(r for r in rows if r[1] == "河套深港职工服务中心联合工会")
    assert escaped[2] == '\'=HYPERLINK("http://evil")'
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)
    assert AuditEntry.objects.get(action="org.export").data["rows"] == 5

    total = Org.objects.count()
    job = run(futian_admin, futian, content)
    assert (job.created_count, job.updated_count, job.error_count) == (0, 0, 0)
    assert Org.objects.count() == total
    assert Org.objects.get(name="河套深港职工服务中心联合工会").short_name == '=HYPERLINK("http://evil")'


def test_import_job_rechecks_the_creators_scope(demo, make_user):
    """A read-only user (orgs.view only) gets every row refused, even though the job exists."""
    clerk = make_user("futian_viewer", role="viewer", org=demo.org("福田区总"))
    street = demo.org("福保街道")
    job = run(clerk, demo.org("福田区总"), org_sheet([(street.uscc, "无权工会", "", "基层工会", "", "", "")]))
    assert (job.created_count, job.error_count) == (0, 1)
    assert not Org.objects.filter(name="无权工会").exists()


def test_columns_match_the_service_fields():
    assert [c.key for c in COLUMNS] == [
        "parent",
        "name",
        "short_name",
        "level",
        "uscc",
        "division_code",
        "contact_name",
    ]
