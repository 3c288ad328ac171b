"""The rollups equal a brute-force count of the ledger at every level and period (partial months
too, in the total, the children and the slices): 人次 adds up the tree, 人数 is exact (never the
sum of the children's), reversals cancel, folding in batches or all at once gives the same cells,
a moved subtree keeps its history where it happened."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.activities.support import member
from tests.stats.support import add, brute, brute_by
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_reverse
from zhijia.stats.figures import breakdown, total
from zhijia.stats.fold import fold_all, fold_pending
from zhijia.stats.models import StatCell

UNITS = ("广东省总", "深圳市总", "福田区总", "福保街道", "河套科创工会", "福保精密工会", "宝安区总")
START = date(2026, 1, 25)
YEARS = ((date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 12, 30), date(2027, 2, 2)))


def _units(demo):
    return [demo.org(name) for name in UNITS]


rows_strategy = st.lists(
    st.tuples(
        st.integers(0, len(UNITS) - 1),  # credited unit
        st.integers(-1, 5),  # person (-1: anonymous)
        st.integers(0, 70),  # day after START
        st.sampled_from([RecordSource.VISIT, RecordSource.ACTIVITY, RecordSource.HARDSHIP]),
        st.booleans(),  # reversed later
    ),
    max_size=30,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy, batch=st.integers(1, 40), window=st.tuples(st.integers(0, 80), st.integers(0, 80)))
def test_rollups_equal_brute_force(demo, rows, batch, window):
    with transaction.atomic():
        units = _units(demo)
        people = [member(units[3]) for _ in range(6)]
        written = []
        for unit, person, day, source, undo in rows:
            who = people[person] if person >= 0 else None
            sid = add(units[unit], START + timedelta(days=day), person=who, source=source)
            written.append((source, sid, undo))
        fold_pending(limit=batch)  # some rows folded before the reversals arrive
        for source, sid, undo in written:
            if undo:
                record_reverse(source=source, source_id=sid)
        fold_all(limit=batch)
        first = START + timedelta(days=min(window))
        last = START + timedelta(days=max(window))
        for org in [*units, demo.org("全总")]:
            figures = total(org, first, last)
            assert (figures["service_visits"], figures["people_served"]) == brute(org.path, first, last)
            items = breakdown(org, first, last, "child", exact=True)
            assert sum(i["service_visits"] for i in items) == figures["service_visits"]
            months = breakdown(org, first, last, "month", exact=True)
            assert sum(i["service_visits"] for i in months) == figures["service_visits"]
            # slices keep month cells only below l3: a partial month reads its edge days raw
            for by, column in (("source", "source"), ("worker_type", "worker_type")):
                got = {
                    i["key"]: (i["service_visits"], i["people_served"])
                    for i in breakdown(org, first, last, by, exact=True)
                }
                got = {k: v for k, v in got.items() if v != (0, 0)}
                assert got == brute_by(org.path, first, last, column)
            for first, last in YEARS:  # year cells, alone and between edge days and months
                figures = total(org, first, last)
                assert (figures["service_visits"], figures["people_served"]) == brute(org.path, first, last)
        transaction.set_rollback(True)


def test_people_are_exact_not_summed(demo):
    """One worker served in two enterprise unions counts once for the street, once in each."""
    street, a, b = demo.org("福保街道"), demo.org("河套科创工会"), demo.org("福保精密工会")
    worker = member(a)
    day = date(2026, 3, 2)
    add(a, day, person=worker)
    add(b, day, person=worker)
    add(a, day + timedelta(days=40), person=worker)
    fold_all()
    span = (day, day + timedelta(days=60))
    figures = total(street, *span)
    assert (figures["service_visits"], figures["people_served"]) == (3, 1)
    items = {i["key"]: i for i in breakdown(street, *span, "child", exact=True)}
    assert items[str(a.pk)]["people_served"] == 1 and items[str(b.pk)]["people_served"] == 1
    assert items[str(a.pk)]["service_visits"] == 2 and items["self"]["service_visits"] == 0


def test_a_moved_subtree_keeps_its_history_where_it_happened(demo):
    from zhijia.orgs.services import org_move

    fubao, futian, baoan = demo.org("福保街道"), demo.org("福田区总"), demo.org("宝安区总")
    day = date(2026, 4, 1)
    add(fubao, day)
    add(fubao, day)
    fold_all()
    org_move(actor=demo.user("province_admin"), org=fubao, new_parent=baoan)
    fubao.refresh_from_db()
    add(fubao, day + timedelta(days=1))
    fold_all()
    span = (day, day + timedelta(days=5))
    assert total(futian, *span)["service_visits"] == 2  # history stays with 福田
    assert total(baoan, *span)["service_visits"] == 1  # 宝安 counts what happened under it
    assert total(fubao, *span)["service_visits"] == 3  # the unit itself keeps all of its own
    for parent in (futian, baoan):
        items = breakdown(parent, *span, "child", exact=True)
        assert sum(i["service_visits"] for i in items) == total(parent, *span)["service_visits"]
    moved_line = next(i for i in breakdown(futian, *span, "child", exact=True) if i["key"] == str(fubao.pk))
    assert moved_line["service_visits"] == 2


def test_folding_twice_counts_once_and_reversal_cancels(demo):
    fubao = demo.org("福保街道")
    worker = member(fubao)
    day = date(2026, 5, 6)
    sid = add(fubao, day, person=worker, source=RecordSource.VOUCHER, amount=50, driven=180)
    fold_all()
    fold_all()
    assert total(fubao, day, day)["service_visits"] == 1
    cells = StatCell.objects.filter(org_id=fubao.pk, dim="source", value="voucher", period="m")
    assert [(c.visits, c.amount, c.driven) for c in cells] == [(1, 50, 180)]
    record_reverse(source=RecordSource.VOUCHER, source_id=sid)
    assert record_reverse(source=RecordSource.VOUCHER, source_id=sid) is False  # once only
    fold_all()
    figures = total(fubao, day, day)
    assert (figures["service_visits"], figures["people_served"]) == (0, 0)
    cells = StatCell.objects.filter(org_id=fubao.pk, dim="source", value="voucher", period="m")
    assert [(c.visits, c.amount, c.driven) for c in cells] == [(0, 0, 0)]
    assert breakdown(fubao, day, day, "source", exact=True)[0]["people_served"] == 0


@pytest.mark.parametrize("by", ["source", "service", "worker_type", "sex", "age_band"])
def test_slices_add_up_to_the_total(demo, by):
    fubao = demo.org("福保街道")
    day = date(2026, 6, 1)
    for i in range(4):
        add(fubao, day, person=member(fubao), source=[RecordSource.VISIT, RecordSource.ACTIVITY][i % 2])
    add(fubao, day)
    fold_all()
    items = breakdown(fubao, day, day, by, exact=True)
    assert sum(i["service_visits"] for i in items) == 5
    assert all(i["label"] for i in items)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    counts=st.lists(st.integers(0, 7), min_size=3, max_size=3),
    viewer=st.sampled_from(["province_admin", "futian_staff", "fubao_staff", "enterprise_staff"]),
)
def test_suppression_never_shows_a_small_sensitive_count_outside_the_owning_unit(demo, counts, viewer):
    from zhijia.core.errors import NotFound, PermissionDenied
    from zhijia.orgs.access import grants_of
    from zhijia.stats.selectors import stats_breakdown

    units = [demo.org(n) for n in ("福保街道", "河套科创工会", "福田区总")]
    user = demo.user(viewer)
    with transaction.atomic():
        for unit, n in zip(units, counts, strict=True):
            for _ in range(n):
                add(
                    unit,
                    date(2026, 2, 3),
                    person=member(unit),
                    source=RecordSource.HARDSHIP,
                    service_code="hardship:送温暖",
                )
        fold_all()
        own = {g.org_id for g in grants_of(user)}
        for unit in units:
            for by in ("source", "service"):
                try:
                    items = stats_breakdown(
                        actor=user, org_id=unit.pk, first="2026-02-01", last="2026-02-28", by=by
                    )["items"]
                except (NotFound, PermissionDenied):  # outside the viewer's scope: nothing shown at all
                    continue
                for item in items:
                    if str(item["key"]).startswith("hardship") and unit.pk not in own:
                        assert item["service_visits"] == "<5" or item["service_visits"] >= 5
                        assert item["people_served"] == "<5" or item["people_served"] >= 5
        transaction.set_rollback(True)


def _cells():
    from pyroaring import BitMap

    return {
        (c.org_id, c.period, c.start, c.dim, c.value): (
            c.visits,
            c.amount,
            c.driven,
            set(BitMap.deserialize(bytes(c.people))) if c.people else set(),
        )
        for c in StatCell.objects.all()
    }


def test_the_migration_derives_the_year_cells_the_fold_writes(demo):
    """Cells folded before year cells existed get them from their months (stats 0004), equal to
    what the fold now writes: sums, and the union of the months' people after a reversal."""
    from importlib import import_module

    from django.apps import apps

    units, person = _units(demo), member(demo.org("福保街道"))
    sids = [add(units[i % 5], START + timedelta(days=20 * i), person=person) for i in range(5)]
    record_reverse(source="visit", source_id=sids[1])
    fold_all()
    folded = _cells()
    StatCell.objects.filter(period="y").delete()
    import_module("zhijia.stats.migrations.0004_year_cells").derive_years(apps, None)
    assert _cells() == folded
    year = folded[(units[0].pk, "y", date(2026, 1, 1), "", "")]
    assert year[0] == 4 and len(year[3]) == 1


def test_a_rebuild_gives_the_cells_the_fold_gives(demo):
    """stats_rebuild (set-based on PostgreSQL) writes exactly the cells of the incremental fold,
    with reversals, membership rows, stations and a deep unit; the rows end up folded. Inside a
    transaction (this test's) PostgreSQL computes the months on the caller's connection."""
    _rebuild_equals_fold(demo, batch=7)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_on_parallel_connections_gives_the_cells_the_fold_gives(demo, monkeypatch):
    """Run on its own (committed data), PostgreSQL computes the months on WORKERS connections
    sharing the rebuild's snapshot: the same cells, over the demo's year of ledger as well —
    streamed in chunks of 7 cells through a queue of one (so workers wait on the writer)."""
    from zhijia.stats import rebuild
    from zhijia.stats.fold import BATCH

    assert rebuild.WORKERS > 1
    monkeypatch.setattr(rebuild, "CHUNK", 7)
    monkeypatch.setattr(rebuild, "QUEUED_CHUNKS", 1)
    _rebuild_equals_fold(demo, batch=BATCH)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_failing_month_fails_the_parallel_rebuild_and_keeps_the_cells(demo, monkeypatch):
    """A worker's error reaches the rebuild (no hang on the queue) and rolls it back."""
    from psycopg import errors

    from zhijia.stats import rebuild

    add(demo.org("福田区总"), START)
    fold_all()
    cells = StatCell.objects.count()
    monkeypatch.setattr(rebuild, "CELLS_SQL", "SELECT 1/0 WHERE %(lo)s < %(hi)s")
    with pytest.raises(errors.DivisionByZero):
        rebuild.cells_rebuild()
    assert StatCell.objects.count() == cells > 0


def _rebuild_equals_fold(demo, batch):
    from django.core.management import call_command

    from zhijia.records.models import ServiceRecord, Unfolded

    units = [*_units(demo), demo.org("全总")]
    people = [member(units[3]) for _ in range(3)]
    sids = []
    for i in range(24):
        unit = units[i % len(units)]
        source = [RecordSource.VISIT, RecordSource.ACTIVITY, RecordSource.VOUCHER][i % 3]
        sids.append(
            (
                source,
                add(
                    unit,
                    START + timedelta(days=i * 3),
                    person=people[i % 4 - 1] if i % 4 else None,
                    source=source,
                    amount=i,
                    driven=2 * i,
                ),
            )
        )
    record_reverse(source=sids[5][0], source_id=sids[5][1])
    record_reverse(source=sids[8][0], source_id=sids[8][1])
    ServiceRecord.objects.filter(pk=ServiceRecord.objects.order_by("id")[0].pk).update(source="member_join")
    station = __import__("uuid").uuid4()
    ServiceRecord.objects.filter(pk__in=ServiceRecord.objects.order_by("-id").values("pk")[:3]).update(
        position_id=station
    )
    fold_all(limit=batch)
    folded = _cells()
    assert {key[1] for key in folded} == {"d", "m", "y"}
    out = __import__("io").StringIO()
    call_command("stats_rebuild", stdout=out)
    assert _cells() == folded
    months = {line.split()[0] for line in out.getvalue().splitlines() if " written (" in line}
    assert months >= {f"{START:%Y-%m}", f"{START + timedelta(days=69):%Y-%m}", "years"}  # each reported
    assert not Unfolded.objects.exists()
