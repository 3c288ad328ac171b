import datetime as dt

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.labour.support import cn_id, login, register, units
from zhijia.core.errors import Conflict, NotFound, PermissionDenied, Unprocessable, ValidationFailed
from zhijia.core.imports import RowResult
from zhijia.labour.enums import EmploymentStatus, Ledger
from zhijia.labour.models import RegistryPerson, StatusPeriod
from zhijia.labour.occupations import is_medium, occupations
from zhijia.labour.permissions import access_entry
from zhijia.labour.selectors.ledgers import brute_force_ledger, ledger_changes, ledger_on
from zhijia.labour.selectors.people import people_list
from zhijia.labour.services.registry import person_register, person_update
from zhijia.labour.services.status import status_on, status_set

pytestmark = pytest.mark.django_db
D = dt.date


def test_code_list_has_the_major_and_medium_categories():
    codes = occupations()
    assert [c for c in codes if "-" not in c] == [str(n) for n in range(1, 9)]
    assert is_medium("4-10") and not is_medium("4") and not is_medium("9-99")


def test_register_links_one_person_and_encrypts_the_id(demo):
    u = units()
    clerk = login(u["平利县总"])
    entry = register(
        u["塘坊村"],
        1,
        actor=clerk,
        phone="13800138000",
        group="三组",
        household_number="012",
        status="migrant",
        status_since="2026-03-01",
        destination="广东东莞",
        skills=[{"occupation": "6-29", "title": "砌筑工", "level": "level4"}],
        assistance=["poverty"],
        job_matching_consent=True,
    )
    assert entry.person.id_number == cn_id(1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM members_person WHERE id = %s", [entry.person_id.hex])
        raw = cursor.fetchone()[0]
    assert cn_id(1) not in str(raw)  # encrypted at rest
    again, result = person_register(
        actor=clerk, org=u["塘坊村"], data={"name": "测试1", "id_number": cn_id(1)}
    )
    assert again.pk == entry.pk and result == RowResult.UNCHANGED
    assert RegistryPerson.objects.count() == 1
    assert entry.household.number == "012" and entry.skills.get().occupation == "6-29"
    assert StatusPeriod.objects.get(entry=entry).status == "migrant"


def test_bad_fields_are_named(demo):
    u = units()
    with pytest.raises(ValidationFailed) as exc:
        register(
            u["塘坊村"],
            2,
            status="retired",
            wanted_occupation="9-99",
            available_from="2026-02-30",
            wanted_wage=10**20,
            skills="x",
        )
    assert {"status", "wanted_occupation", "available_from", "wanted_wage", "skills"} <= set(exc.value.fields)


def test_idempotency_key_replay_and_mismatch(demo):
    u = units()
    surveyor = login(u["塘坊村"], role="village_surveyor")
    data = {"name": "王五", "id_number": cn_id(3)}
    first, r1 = person_register(actor=surveyor, org=u["塘坊村"], data=data, idempotency_key="k1")
    second, r2 = person_register(actor=surveyor, org=u["塘坊村"], data=data, idempotency_key="k1")
    assert first.pk == second.pk and (r1, r2) == (RowResult.CREATED, RowResult.UNCHANGED)
    with pytest.raises(Unprocessable):
        person_register(
            actor=surveyor,
            org=u["塘坊村"],
            data={"name": "李四", "id_number": cn_id(4)},
            idempotency_key="k1",
        )


def test_village_surveyor_sees_and_writes_only_their_village(demo):
    u = units()
    surveyor = login(u["塘坊村"], role="village_surveyor")
    mine = register(u["塘坊村"], 5)
    other = register(u["三坪村"], 6)
    assert list(people_list(actor=surveyor)) == [mine]
    assert access_entry(actor=surveyor, id=mine.pk, write=True) == mine
    with pytest.raises(NotFound):
        access_entry(actor=surveyor, id=other.pk)
    with pytest.raises(NotFound):
        person_register(actor=surveyor, org=u["三坪村"], data={"name": "x", "id_number": cn_id(7)})
    with pytest.raises(Conflict):  # registered elsewhere: not moved by someone who cannot write there
        person_register(actor=surveyor, org=u["塘坊村"], data={"name": "测试6", "id_number": cn_id(6)})
    viewer = login(u["塘坊村"], role="viewer")
    with pytest.raises(PermissionDenied):
        person_update(actor=viewer, entry=mine, data={"note": "x"})


def test_patch_changes_status_with_history(demo):
    u = units()
    entry = register(u["塘坊村"], 8, status="unemployed", status_since="2025-01-01")
    person_update(
        actor=None, entry=entry, data={"status": "local", "status_since": "2025-06-01", "employer": "茶厂"}
    )
    assert status_on(entry, D(2025, 3, 1)) == "unemployed"
    assert status_on(entry, D(2025, 7, 1)) == "local"
    assert status_on(entry, D(2024, 12, 31)) == ""
    entry.refresh_from_db()
    assert entry.status == "local" and entry.status_since == D(2025, 6, 1)


STATUSES = st.sampled_from(EmploymentStatus.values)
DAYS = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 6, 30))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.lists(st.tuples(DAYS, STATUSES), min_size=1, max_size=8),
    probes=st.lists(DAYS, min_size=1, max_size=6),
)
def test_exactly_one_status_on_any_date(demo, changes, probes):
    u = units()
    entry = register(u["塘坊村"], 9)
    for on, status in changes:
        status_set(actor=None, entry=entry, status=status, on=on)
    first = min(on for on, _s in changes)
    expected = {}
    for on, status in changes:  # the last write for a day wins
        expected[on] = status
    for probe in probes:
        covering = StatusPeriod.objects.filter(entry=entry, starts_on__lte=probe).exclude(ends_on__lte=probe)
        assert covering.count() == (1 if probe >= first else 0)
        if probe >= first:
            latest = max(d for d in expected if d <= probe)
            assert covering.get().status == expected[latest]
    StatusPeriod.objects.filter(entry=entry).delete()
    RegistryPerson.objects.filter(pk=entry.pk).delete()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(
        st.tuples(
            st.lists(st.tuples(DAYS, STATUSES), max_size=4),
            st.lists(st.tuples(DAYS, st.integers(0, 400)), max_size=2),
        ),
        min_size=1,
        max_size=6,
    ),
    on=DAYS,
)
def test_ledgers_on_a_date_equal_the_brute_force_filter(demo, people, on):
    from zhijia.labour.models import Assistance

    u = units()
    admin = demo.user("province_admin")
    root = login(u["平利县总"], role="viewer")
    entries = []
    for i, (changes, flags) in enumerate(people):
        entry = register(u["塘坊村" if i % 2 else "三坪村"], 100 + i)
        for d, status in changes:
            status_set(actor=None, entry=entry, status=status, on=d)
        for d, length in flags:
            Assistance.objects.create(
                entry=entry,
                kind="dibao",
                starts_on=d,
                ends_on=d + dt.timedelta(days=length) if length else None,
            )
        entries.append(entry)
    for ledger in Ledger.values:
        got = set(ledger_on(actor=root, ledger=ledger, on=on).values_list("pk", flat=True))
        assert got == brute_force_ledger(ledger, on)
    assert admin is not None
    for e in entries:
        e.periods.all().delete()
        e.assistance.all().delete()
        e.delete()


def test_ledger_entries_and_exits_with_reasons(demo):
    u = units()
    viewer = login(u["平利县总"], role="viewer")
    entry = register(u["塘坊村"], 11, status="unemployed", status_since="2025-01-01")
    status_set(actor=None, entry=entry, status="migrant", on=D(2025, 4, 1), destination="西安")
    status_set(actor=None, entry=entry, status="local", on=D(2025, 5, 1))  # stays in transfer
    status_set(actor=None, entry=entry, status="unemployed", on=D(2025, 9, 1))
    changes = ledger_changes(actor=viewer, ledger="transfer", start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert [(c.on, c.entered) for c in changes] == [(D(2025, 4, 1), True), (D(2025, 9, 1), False)]
    unemployed = ledger_changes(actor=viewer, ledger="unemployed", start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert [(c.on, c.entered) for c in unemployed] == [
        (D(2025, 1, 1), True),
        (D(2025, 4, 1), False),
        (D(2025, 9, 1), True),
    ]
    assert list(ledger_on(actor=viewer, ledger="transfer", on=D(2025, 6, 1))) == [entry]
