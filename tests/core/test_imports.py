"""The shared xlsx import helper: reading, formula escaping, the job runner, the error report."""

import io

import openpyxl
import pytest

from zhijia.core.errors import ValidationFailed
from zhijia.core.imports import (
    Column,
    ImportFileError,
    RowResult,
    cell_text,
    error_report,
    escape_formula,
    import_job_run,
    import_job_start,
    read_rows,
    workbook_bytes,
)
from zhijia.core.models import AuditEntry, ImportJob, ImportStatus

COLUMNS = (
    Column("name", "名称", "name (required)", required=True),
    Column("code", "代码", "a code"),
)


def xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("value", ["=1+2", "+86", "-3", "@SUM(A1)", "\tx", '=HYPERLINK("http://x")'])
def test_formula_cells_are_escaped_and_read_back_unchanged(value):
    data = workbook_bytes(title="t", columns=COLUMNS, rows=[(value, "ok")])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "'" + value
    assert sheet["A2"].data_type == "s"  # a string, never a formula
    assert read_rows(data, COLUMNS) == [(2, {"name": value, "code": "ok"})]


def test_plain_values_are_not_escaped():
    assert escape_formula("福田区") == "福田区"
    assert escape_formula(5) == 5


def test_cell_text_normalises_calamine_values():
    assert cell_text(440304.0) == "440304"
    assert cell_text(1.5) == "1.5"
    assert cell_text(None) == ""
    assert cell_text("  x ") == "x"
    assert cell_text("'=A1") == "=A1"
    assert cell_text("'plain") == "'plain"


def test_read_rows_matches_headers_in_any_order_and_skips_hint_and_blank_rows():
    data = xlsx(
        [
            ["代码", "名称", "other"],
            ["a code", "name (required)", ""],
            [440304, "甲", "x"],
            [],
            ["", "乙", ""],
        ]
    )
    assert read_rows(data, COLUMNS) == [
        (3, {"name": "甲", "code": "440304"}),
        (5, {"name": "乙", "code": ""}),
    ]


def test_read_rows_accepts_keys_as_headers():
    assert read_rows(xlsx([["NAME", "Code"], ["甲", "1"]]), COLUMNS) == [(2, {"name": "甲", "code": "1"})]


def test_missing_required_column_is_a_file_error():
    with pytest.raises(ImportFileError, match="名称"):
        read_rows(xlsx([["代码"], ["1"]]), COLUMNS)


def test_unreadable_file_is_a_file_error():
    with pytest.raises(ImportFileError):
        read_rows(b"PK\x03\x04 not really a zip", COLUMNS)


def test_template_has_a_drop_down_for_columns_with_choices():
    columns = (*COLUMNS, Column("kind", "类别", "kind", choices=("甲类", "乙类")))
    sheet = openpyxl.load_workbook(
        io.BytesIO(workbook_bytes(title="t", columns=columns, rows=[], hint_row=True))
    ).active
    assert [c.value for c in sheet[1]] == ["名称", "代码", "类别"]
    assert [c.value for c in sheet[2]] == [
        "Required · name (required)",
        "Optional · a code",
        "Optional · kind · one of: 甲类 / 乙类",
    ]
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].formula1 == '"甲类,乙类"'
    assert "C3" in str(validations[0].sqref)


@pytest.fixture
def job_owner(demo):
    return demo.user("shenzhen_admin"), demo.org("深圳市总")


class FakeTask:
    def __init__(self):
        self.calls = []

    def delay(self, job_id):
        self.calls.append(job_id)


def test_job_start_enqueues_on_commit_only(job_owner, django_capture_on_commit_callbacks):
    user, org = job_owner
    task = FakeTask()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = import_job_start(
            actor=user, kind="test", org=org, filename="a.xlsx", source=xlsx([["名称"]]), task=task
        )
        assert task.calls == []
    assert len(callbacks) >= 1
    assert task.calls == [str(job.pk)]
    assert job.status == ImportStatus.PENDING


def test_job_start_refuses_a_non_xlsx_upload(job_owner):
    user, org = job_owner
    with pytest.raises(ValidationFailed) as exc:
        import_job_start(actor=user, kind="test", org=org, filename="a.csv", source=b"a,b\n", task=FakeTask())
    assert "file" in exc.value.fields
    assert not ImportJob.objects.filter(kind="test").exists()


def test_job_run_keeps_good_rows_reports_bad_ones_and_audits(job_owner):
    user, org = job_owner
    seen = []

    def handle(*, actor, row):
        assert actor == user
        if row["code"] == "bad":
            raise ValidationFailed("nope", fields={"code": ["代码不对"]})
        seen.append(row["name"])
        return RowResult.CREATED if row["name"] != "丙" else RowResult.UNCHANGED

    source = xlsx([["名称", "代码"], ["甲", "1"], ["乙", "bad"], ["丙", "3"]])
    job = ImportJob.objects.create(kind="test", org=org, created_by=user, filename="a.xlsx", source=source)
    job = import_job_run(job.pk, columns=COLUMNS, handle_row=handle, audit_action="test.import")
    assert job.status == ImportStatus.DONE
    assert (job.total_rows, job.processed_rows, job.created_count, job.error_count) == (3, 3, 1, 1)
    assert job.errors == [{"row": 3, "field": "code", "message": "代码不对"}]
    assert seen == ["甲", "丙"]
    entry = AuditEntry.objects.get(action="test.import")
    assert entry.data["created"] == 1 and entry.data["errors"] == 1 and entry.data["unchanged"] == 1
    # A finished job is left alone by a retry.
    assert import_job_run(job.pk, columns=COLUMNS, handle_row=handle, audit_action="test.import").pk == job.pk
    assert seen == ["甲", "丙"]


def test_job_run_fails_cleanly_on_an_unreadable_file(job_owner):
    user, org = job_owner
    job = ImportJob.objects.create(
        kind="test", org=org, created_by=user, filename="a.xlsx", source=b"PK\x03\x04"
    )
    job = import_job_run(
        job.pk, columns=COLUMNS, handle_row=lambda **kw: RowResult.CREATED, audit_action="test.import"
    )
    assert job.status == ImportStatus.FAILED
    assert job.message
    assert AuditEntry.objects.get(action="test.import").outcome == "failure"


def test_error_report_lists_rows_with_column_headers_and_escapes_formulas(job_owner):
    user, org = job_owner
    job = ImportJob(
        kind="test",
        org=org,
        created_by=user,
        filename="a.xlsx",
        errors=[{"row": 7, "field": "code", "message": "=bad"}, {"row": 9, "field": "", "message": "x"}],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(error_report(job, COLUMNS))).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert rows == [[7, "代码", "'=bad"], [9, None, "x"]]
