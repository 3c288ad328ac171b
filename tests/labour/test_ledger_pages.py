"""The dated ledgers' count and pages (selectors.ledgers) against a brute-force filter and sort:
every person's whole history read in Python (brute_force_ledger), the scope decided by the
villages' own paths, the order computed through the joins (JOINED_ORDER). Hypothesis draws the
ledger, the date, the reader, the unit, the page window and the walk's chunk sizes and limits,
so that chunks end everywhere (inside a household, on a NULL household, at a group's or a
village's end) and both the walk and its fallback (listed and sorted) are taken. The same tests
run on PostgreSQL when DATABASE_URL points at it (NULL households then sort last)."""

import datetime as dt
import random
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hypothesis_profiles import examples
from tests.labour.support import login, register, units
from tests.labour.test_sorting import varied_registry
from zhijia.labour.models import Assistance, RegistryPerson
from zhijia.labour.selectors import ledgers
from zhijia.labour.selectors.ledgers import brute_force_ledger, ledger_count, ledger_on, ledger_pages
from zhijia.labour.services.status import status_set
from zhijia.labour.sorting import JOINED_ORDER
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Role
from zhijia.orgs.services import role_grant

pytestmark = pytest.mark.django_db

D = dt.date
DATES = [D(2024, 12, 31), D(2025, 3, 1), D(2025, 6, 15), D(2025, 9, 1), D(2026, 1, 4), D(2026, 1, 5)]
UNITS = [None, "平利县总", "广佛镇", "塘坊村", "三坪村"]


def histories(u) -> None:
    """The varied registry (three units, NULL and look-alike households, ties), a few people of
    the town itself, earlier and back-dated status changes, and assistance flags."""
    varied_registry(u)
    for n in range(5):
        register(u["广佛镇"], 200 + n, group="1组", status="migrant", status_since="2025-06-01")
    rng = random.Random(7)
    for entry in RegistryPerson.objects.order_by("pk"):
        for on in rng.sample(DATES[:4], rng.randrange(3)):  # before 2026-01-05: back-dated changes
            status_set(actor=None, entry=entry, status=rng.choice(["migrant", "unemployed", "local"]), on=on)
        if rng.random() < 0.3:
            start = rng.choice(DATES)
            Assistance.objects.create(entry=entry, kind="dibao", starts_on=start)
            if rng.random() < 0.5:  # a second flag: one person, counted once
                Assistance.objects.create(
                    entry=entry, kind="poverty", starts_on=start, ends_on=start + dt.timedelta(days=90)
                )


def readers(u) -> list:
    """The county's clerk; a village's clerk; a clerk of the town itself (no subtree) and of one
    village (two runs of the order: the town's own rows, then the village's)."""
    both = login(u["塘坊村"])
    clerk = Role.objects.get(code="clerk")
    role_grant(actor=None, user=both, org=u["广佛镇"], role=clerk, include_subtree=False)
    return [login(u["平利县总"]), login(u["三坪村"]), both]


def reference(actor, ledger: str, on: dt.date, unit) -> list:
    scope = scope_for(actor, Cap.LABOUR_VIEW)
    ids = brute_force_ledger(ledger, on)
    seen = [
        pk
        for pk, path in RegistryPerson.objects.filter(pk__in=ids).values_list("pk", "org__path")
        if (path in scope.exact_paths or any(path.startswith(p) for p in scope.subtree_paths))
        and (unit is None or path.startswith(unit.path))
    ]
    return list(RegistryPerson.objects.filter(pk__in=seen).order_by(*JOINED_ORDER))


def test_pages_and_counts_equal_the_brute_force_filter_and_sort(demo):
    u = units()
    histories(u)
    people = readers(u)

    @settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        ledger=st.sampled_from(["transfer", "unemployed", "assistance"]),
        on=st.sampled_from([*DATES, D(2026, 11, 17)]) | st.dates(D(2024, 12, 1), D(2026, 12, 31)),
        reader=st.integers(0, len(people) - 1),
        unit=st.sampled_from(UNITS),
        start=st.integers(0, 70),
        length=st.integers(1, 30),
        chunk=st.integers(1, 5),
        more=st.integers(0, 6),
        walk_at_most=st.sampled_from([0, 5, 10**6]),
        sort_at_most=st.sampled_from([0, 2000]),
    )
    def check(ledger, on, reader, unit, start, length, chunk, more, walk_at_most, sort_at_most):
        args = {"actor": people[reader], "ledger": ledger, "on": on, "unit": u[unit] if unit else None}
        expected = reference(**args)
        size = ledger_count(**args)
        assert size == len(expected)
        assert list(ledger_on(**args)) == expected
        limits = {"CHUNK": chunk, "CHUNK_MAX": chunk + more, "WALK_AT_MOST": walk_at_most}
        with mock.patch.multiple(ledgers, SORT_AT_MOST=sort_at_most, **limits):
            pages = ledger_pages(**args, size=size)
            assert pages[start : start + length] == expected[start : start + length]
            assert pages[0:length] == expected[:length]

    check()


def test_the_walk_finds_every_page_in_small_chunks(demo):
    """Scripted: the walk taken (never the fallback), chunks of one to three rows, every window
    of every ledger of the county on three dates equals the reference."""
    u = units()
    histories(u)
    clerk = login(u["平利县总"])
    walked = []
    real = ledgers.LedgerPages.walk

    def spy(self, want):
        found = real(self, want)
        walked.append(found is not None)
        return found

    for chunk in (1, 3):
        limits = {"CHUNK": chunk, "CHUNK_MAX": chunk, "WALK_AT_MOST": 10**6, "SORT_AT_MOST": 0}
        with mock.patch.multiple(ledgers, **limits), mock.patch.object(ledgers.LedgerPages, "walk", spy):
            for ledger in ("transfer", "unemployed", "assistance"):
                for on in (D(2025, 6, 15), D(2026, 1, 5), D(2026, 11, 17)):
                    args = {"actor": clerk, "ledger": ledger, "on": on, "unit": None}
                    expected = reference(**args)
                    pages = ledger_pages(**args, size=ledger_count(**args))
                    for start in range(0, len(expected) + 2, 4):
                        assert pages[start : start + 5] == expected[start : start + 5], (ledger, on, start)
    assert walked and all(walked)


def test_a_page_of_the_walk_is_a_few_queries(demo, django_assert_max_num_queries):
    """The first page of a dense ledger: the scope, one chunk of keys (a few index ranges), one
    check against the periods, the page's records."""
    u = units()
    histories(u)
    clerk = login(u["平利县总"])
    args = {"actor": clerk, "ledger": "transfer", "on": D(2026, 11, 17), "unit": u["平利县总"]}
    size = ledger_count(**args)
    expected = reference(**args)
    assert size > 20
    with mock.patch.multiple(ledgers, SORT_AT_MOST=0), django_assert_max_num_queries(6):
        assert ledger_pages(**args, size=size)[0:10] == expected[:10]
