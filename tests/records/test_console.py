"""The service ledger in the console: scope, filters, totals, masked persons, xlsx export."""

import io
import uuid
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from tests.matrix.world import member_of
from zhijia.core.models import AuditEntry
from zhijia.records.services import record_add


@pytest.fixture
def ledger(demo):
    """Two visits and an activity in 福田 (one visit by a known member), one visit in 宝安."""
    futian, baoan = demo.org("福田区总"), demo.org("宝安区总")
    member = member_of(demo.org("福保街道"), 91, "王大锤")
    now = timezone.now()
    record_add(
        org=futian,
        source="visit",
        source_id=uuid.uuid4(),
        occurred_at=now,
        title="驿站服务",
        visitor_group="delivery_rider",
        services=["water"],
    )
    record_add(
        org=futian,
        source="visit",
        source_id=uuid.uuid4(),
        occurred_at=now - timedelta(days=1),
        title="驿站服务",
        person=member.person,
        visitor_group="other",
        services=["rest"],
    )
    record_add(
        org=futian, source="activity", source_id=uuid.uuid4(), occurred_at=now, title="职工讲座", count=3
    )
    record_add(org=baoan, source="visit", source_id=uuid.uuid4(), occurred_at=now, title="宝安驿站服务")
    return member


def test_ledger_totals_and_rows_in_my_subtree(staff_client, ledger):
    response = staff_client("futian_staff").get("/console/records/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="record-total">5<' in body  # 1 + 1 + 3; 宝安 is not counted
    assert "宝安驿站服务" not in body and "职工讲座" in body
    assert body.count('data-testid="record-row"') == 3


def test_ledger_masks_the_person(staff_client, ledger):
    body = staff_client("futian_staff").get("/console/records/").content.decode()
    assert "王大锤" not in body and "王*" in body


def test_ledger_filters_by_source_and_date(staff_client, ledger):
    client = staff_client("futian_staff")
    body = client.get("/console/records/", {"source": "activity"}).content.decode()
    assert 'data-testid="record-total">3<' in body and "驿站服务" not in body.split("record-table")[-1]
    today = timezone.localdate().isoformat()
    body = client.get(
        "/console/records/", {"date_from": "2000-01-01", "date_to": "2000-01-02"}
    ).content.decode()
    assert 'data-testid="record-total">0<' in body and 'data-testid="record-empty"' in body
    assert client.get("/console/records/", {"date_from": "junk", "date_to": today}).status_code == 200


def test_ledger_needs_records_view(staff_client, ledger):
    assert staff_client("auditor").get("/console/records/").status_code == 403


def test_ledger_export_is_masked_scoped_and_audited(staff_client, ledger):
    response = staff_client("futian_staff").get("/console/records/export.xlsx")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4  # header + 3 rows of 福田
    flat = " ".join(str(v) for row in rows for v in row)
    assert "王大锤" not in flat and "宝安驿站服务" not in flat
    assert AuditEntry.objects.filter(action="record.export").exists()
