"""The service ledger: idempotent writes, scope by records.view, filters and totals."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from zhijia.core.errors import ValidationFailed
from zhijia.records.models import ServiceRecord, Unfolded
from zhijia.records.selectors import record_list, record_totals
from zhijia.records.services import record_add

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _add(org, when, source="visit", group="courier", count=1, position_id=None, sid=None):
    return record_add(
        org=org,
        source=source,
        source_id=sid or uuid.uuid4(),
        occurred_at=when,
        title="t",
        visitor_group=group,
        count=count,
        position_id=position_id,
    )


def test_record_add_is_idempotent(demo):
    sid = uuid.uuid4()
    when = datetime(2026, 5, 1, 9, tzinfo=SHANGHAI)
    a = record_add(org=demo.org("福田区总"), source="visit", source_id=sid, occurred_at=when, title="a")
    b = record_add(org=demo.org("福田区总"), source="visit", source_id=sid, occurred_at=when, title="b")
    assert a is True and b is False
    assert [r.title for r in ServiceRecord.objects.filter(source_id=sid)] == ["a"]
    with pytest.raises(ValueError):
        record_add(org=demo.org("福田区总"), source="magic", source_id=sid, occurred_at=when, title="x")


def test_a_ledger_row_and_its_queue_row_cost_one_statement_on_postgresql(demo, django_assert_num_queries):
    """The row and its place in the fold's queue: one statement on PostgreSQL (a CTE), two INSERTs
    on SQLite; a repeat of the same triple queues nothing."""
    org = demo.org("福田区总")
    when = datetime(2026, 5, 1, 9, tzinfo=SHANGHAI)
    _add(org, when)  # the unit's level columns are cached from now on
    sid = uuid.uuid4()
    statements = 1 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(statements) as ctx:
        assert _add(org, when, sid=sid)
    assert "records_unfolded" in ctx.captured_queries[-1]["sql"]
    assert all("INSERT" in q["sql"] for q in ctx.captured_queries)
    with django_assert_num_queries(1):
        assert not _add(org, when, sid=sid)
    assert Unfolded.objects.filter(record_id=ServiceRecord.objects.get(source_id=sid).pk).exists()
    assert (
        ServiceRecord.objects.filter(source_id=sid).count()
        == Unfolded.objects.filter(
            record_id__in=ServiceRecord.objects.filter(source_id=sid).values("pk")
        ).count()
    )


def test_scope_filters_and_totals(demo):
    futian, fubao, baoan = demo.org("福田区总"), demo.org("福保街道"), demo.org("宝安区总")
    pos = uuid.uuid4()
    # 00:30 on 2 May in Shanghai is still 1 May in UTC: days are Shanghai days
    _add(futian, datetime(2026, 5, 2, 0, 30, tzinfo=SHANGHAI), position_id=pos)
    _add(fubao, datetime(2026, 5, 1, 10, tzinfo=SHANGHAI), group="sanitation", count=3)
    _add(fubao, datetime(2026, 5, 1, 11, tzinfo=SHANGHAI), source="activity", group="")
    _add(baoan, datetime(2026, 5, 1, 12, tzinfo=SHANGHAI))
    me = demo.user("futian_staff")
    assert record_list(actor=me, filters={}).count() == 3
    assert record_list(actor=demo.user("province_admin"), filters={}).count() == 4
    assert record_list(actor=me, filters={"org": str(fubao.pk)}).count() == 2
    assert record_list(actor=me, filters={"org": str(baoan.pk)}).count() == 0  # outside scope: empty
    assert record_list(actor=me, filters={"source": "activity"}).count() == 1
    assert record_list(actor=me, filters={"position_id": str(pos)}).count() == 1
    assert record_list(actor=me, filters={"date_from": "2026-05-02"}).count() == 1
    assert record_list(actor=me, filters={"date_to": date(2026, 5, 1)}).count() == 2
    totals = record_totals(actor=me, filters={})
    assert totals["total"] == 5
    assert totals["people"] == 0  # all anonymous here; see test_people_are_counted_once
    assert totals["by_source"] == {"visit": 4, "activity": 1}
    assert totals["by_day"] == [(date(2026, 5, 1), 4), (date(2026, 5, 2), 1)]
    assert totals["by_group"] == {"sanitation": 3, "courier": 1, "": 1}
    with pytest.raises(ValidationFailed) as err:
        record_list(actor=me, filters={"date_from": "May Day"})
    assert "date_from" in err.value.fields
    assert record_list(actor=demo.user("auditor"), filters={}).count() == 0  # no records.view


def test_people_are_counted_once(demo):
    """服务人数: one person served twice counts once; 服务人次 counts both."""
    from tests.activities.support import member

    futian = demo.org("福田区总")
    person = member(futian)
    when = datetime(2026, 5, 1, 9, tzinfo=SHANGHAI)
    for _ in range(2):
        record_add(
            org=futian, source="visit", source_id=uuid.uuid4(), occurred_at=when, title="x", person=person
        )
    totals = record_totals(actor=demo.user("futian_staff"), filters={})
    assert (totals["total"], totals["people"]) == (2, 1)
