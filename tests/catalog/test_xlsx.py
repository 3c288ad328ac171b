"""Plan import (bad rows reported, good rows kept, a re-run duplicates nothing) and exports."""

import io

import openpyxl
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zhijia.catalog.models import PlanEntry
from zhijia.catalog.plans import plan_create
from zhijia.catalog.selectors import service_list_version
from zhijia.catalog.tasks import plan_import_start
from zhijia.catalog.xlsx import plan_export_xlsx, service_list_export_xlsx
from zhijia.core.models import ImportJob

from .conftest import make_plan


def _file(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["月份", "活动名称", "活动类别", "活动阵地", "服务对象", "计划场次", "计划人数", "备注"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ROWS = [
    [1, "新春游园", "文体", "", "职工", 2, 100, ""],
    [13, "十三月活动", "", "", "", 1, 0, ""],  # bad month
    ["3月", "法律讲座", "权益", "", "职工", "", 40, ""],
    [4, "", "", "", "", 1, 0, ""],  # no title
    [5, "驿站开放日", "", "不存在的驿站", "", 1, 0, ""],  # unknown position
]


def _run(capture, **kwargs):
    with capture(execute=True):
        job = plan_import_start(**kwargs)
    job.refresh_from_db()
    return job


def test_import_keeps_good_rows_reports_bad_ones_and_is_idempotent(
    demo, futian, django_capture_on_commit_callbacks
):
    plan = plan_create(actor=futian, org=demo.org("福保街道"), year=2026, title="导入计划")
    job = _run(
        django_capture_on_commit_callbacks, actor=futian, plan=plan, filename="p.xlsx", source=_file(ROWS)
    )
    assert (job.status, job.created_count, job.error_count) == ("done", 2, 3)
    assert {e["row"] for e in job.errors} == {3, 5, 6}
    assert {e["field"] for e in job.errors} == {"month", "title", "position"}
    entries = {(e.month, e.title): e for e in plan.entries.all()}
    assert set(entries) == {(1, "新春游园"), (3, "法律讲座")}
    assert entries[(3, "法律讲座")].planned_times == 1  # default
    again = _run(
        django_capture_on_commit_callbacks, actor=futian, plan=plan, filename="p.xlsx", source=_file(ROWS)
    )
    assert (again.created_count, again.updated_count, again.error_count) == (0, 0, 3)
    assert PlanEntry.objects.filter(plan=plan).count() == 2
    changed = _file([[1, "新春游园", "文体", "", "职工", 3, 150, "扩大规模"]])
    third = _run(
        django_capture_on_commit_callbacks, actor=futian, plan=plan, filename="p.xlsx", source=changed
    )
    assert third.updated_count == 1
    assert plan.entries.get(month=1).planned_times == 3


def test_import_console_flow_and_scoping(staff_client, demo, futian, django_capture_on_commit_callbacks):
    plan = plan_create(actor=futian, org=demo.org("福保街道"), year=2026, title="控制台导入")
    client = staff_client("futian_staff")
    upload = io.BytesIO(_file(ROWS))
    upload.name = "plan.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:plan_import", args=[plan.pk]), {"file": upload})
    job = ImportJob.objects.get(kind="catalog.plan")
    assert response.status_code == 302 and response["Location"] == reverse(
        "staff:plan_import_status", args=[job.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="import-error-row"') == 3
    report = client.get(reverse("staff:plan_import_report", args=[job.pk]))
    assert report.content.startswith(b"PK")
    assert staff_client("baoan_staff").get(response["Location"]).status_code == 404


def test_exports(demo, futian, fubao_list):
    version = service_list_version(service_list=fubao_list)
    content = service_list_export_xlsx(actor=futian, service_list=fubao_list, version=version)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0][:2] == ["服务类别", "服务项目"] and [r[1] for r in rows[1:]] == ["职工书屋", "咖啡坊"]
    assert rows[1][4] == "到店即享"
    plan, _ = make_plan(demo.org("福保街道"), futian)
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(plan_export_xlsx(actor=futian, plan=plan)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert [r[1] for r in rows[1:]] == ["新春游园", "法律讲座", "插花沙龙"]
    assert [r[8] for r in rows[1:]] == ["已开展", "计划", "已取消"]
