"""Members racing on PostgreSQL (ARCHITECTURE rule 7): reviewers, applicants, transfers and
dissolves run in threads released together by a barrier; afterwards the database holds one
person per identity, one open application and one active membership per person, consecutive
member numbers, and no active membership in a dissolved union. Every refusal is a clean
ApplicationError (409), never an IntegrityError or a lock error leaking out."""

import threading
from collections import Counter as Tally

import pytest
from django.db import connection
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.accounts.services import worker_for_phone
from zhijia.core.errors import ApplicationError
from zhijia.core.models import Counter
from zhijia.demo.seed import seed
from zhijia.members.enums import ACTIVE_STATUSES, ApplicationStatus
from zhijia.members.models import JoinApplication, Membership, Person
from zhijia.members.services.joining import application_approve, join_apply
from zhijia.members.services.registry import member_register, member_withdraw
from zhijia.members.services.transfers import transfer_accept, transfer_request
from zhijia.members.validation import id_index
from zhijia.orgs.enums import OrgLevel, OrgStatus
from zhijia.orgs.models import Org
from zhijia.orgs.services import org_create, org_dissolve

from .joining_support import NOTICE, apply_to, cn_id, member_of, person, phone_of

pytestmark = [pytest.mark.postgres]
THREADS = 12


@pytest.fixture
def org(transactional_db):
    """The demo tree, committed so the threads see it: org("福保街道")."""
    seed(password="Demo-pass-2026")
    return lambda short: Org.objects.filter(short_name=short).first() or Org.objects.get(name=short)


def user(username: str) -> User:
    return User.objects.get(username=username)


def race(calls: list[tuple]) -> list[tuple[str, bool, object]]:
    """Run each (function, kwargs) in its own thread, all released together by a barrier:
    [(function name, succeeded, result or exception)]."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int, function, kwargs: dict) -> None:
        try:
            barrier.wait()
            results[i] = (function.__name__, True, function(**kwargs))
        except BaseException as exc:  # judged by the caller
            results[i] = (function.__name__, False, exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert None not in results, "a thread did not finish"
    return results


def refusals(results, *, allowed: set[str] | None) -> Tally:
    """The refusal codes (any code when `allowed` is None); fails on any exception that is not a
    clean ApplicationError (IntegrityError, lock timeout, deadlock…)."""
    errors = [value for _, ok, value in results if not ok]
    leaked = [repr(e) for e in errors if not isinstance(e, ApplicationError)]
    assert leaked == [], leaked
    codes = Tally(e.code for e in errors)
    assert allowed is None or set(codes) <= allowed, codes
    return codes


def wins(results) -> list[str]:
    return sorted(name for name, ok, _ in results if ok)


def active(**filters) -> int:
    return Membership.objects.filter(status__in=ACTIVE_STATUSES, **filters).count()


def test_reviewers_approving_one_application_make_one_membership(org):
    app = apply_to(org("福保街道"), 1, routed=True)
    reviewers = [user(u) for u in ("fubao_staff", "futian_staff", "shenzhen_admin", "province_admin")]
    calls = [
        (
            application_approve,
            {"actor": reviewers[i % 4], "application": JoinApplication.objects.get(pk=app.pk)},
        )
        for i in range(THREADS)
    ]
    results = race(calls)
    codes = refusals(results, allowed={"invalid_transition", "already_member"})
    assert len(wins(results)) == 1 and sum(codes.values()) == THREADS - 1
    assert active(person=app.person) == Membership.objects.filter(person=app.person).count() == 1
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED
    assert app.membership == Membership.objects.get(person=app.person)


@pytest.mark.parametrize("accounts", ["one worker", "many workers"])
def test_one_identity_applying_at_once_gives_one_person_and_one_application(org, accounts):
    phones = [phone_of(1 if accounts == "one worker" else n) for n in range(THREADS)]
    street = org("福保街道").pk
    calls = [
        (join_apply, {"actor": worker_for_phone(phone=p), "data": person(7), "work_org_id": street,
                      "consent_version": NOTICE})
        for p in phones
    ]  # fmt: skip
    results = race(calls)
    refusals(results, allowed={"application_open", "identity_in_use"})
    won = [value for _, ok, value in results if ok]
    assert len(won) == 1
    people = Person.objects.filter(id_index=id_index("cn_resident", cn_id(7)))
    assert people.count() == Person.objects.count() == 1
    assert JoinApplication.objects.filter(status=ApplicationStatus.SUBMITTED).count() == 1
    assert people.get().user_id == won[0].person.user_id  # linked to the account that won


def test_member_numbers_under_contention_are_distinct_and_consecutive(org):
    # Four unions of division 440304 share one counter: its row is their only common lock.
    unions = [org("福保街道"), org("河套科创工会"), org("福保精密工会"), org("河套联合工会")]
    apps = [apply_to(unions[n % 4], n, routed=unions[n % 4].level == OrgLevel.STREET) for n in range(THREADS)]
    year = timezone.localdate().year
    key, prefix = f"member_no:440304:{year}", f"440304{year}"
    before = Counter.objects.filter(key=key).values_list("value", flat=True).first() or 0
    reviewer = user("futian_staff")
    results = race([(application_approve, {"actor": reviewer, "application": a}) for a in apps])
    refusals(results, allowed=set())
    numbers = list(Membership.objects.values_list("member_no", flat=True))
    assert len(numbers) == len(set(numbers)) == THREADS
    assert all(n.startswith(prefix) for n in numbers)
    assert sorted(int(n[len(prefix) :]) for n in numbers) == list(range(before + 1, before + THREADS + 1))
    assert Counter.objects.get(key=key).value == before + THREADS


def test_transfer_accept_racing_a_second_request_and_a_withdrawal(org):
    owner = worker_for_phone(phone=phone_of(3))
    membership = member_of(org("河套科创工会"), 3, actor=owner)
    first = transfer_request(actor=owner, membership=membership, to_org=org("臣田园区"))
    receiver, staff, other = user("xixiang_staff"), user("enterprise_staff"), org("福保街道")
    calls = []
    for i in range(THREADS):
        fresh = Membership.objects.get(pk=membership.pk)
        calls.append(
            [
                (transfer_accept, {"actor": receiver, "transfer": first}),
                (transfer_request, {"actor": owner, "membership": fresh, "to_org": other}),
                (member_withdraw, {"actor": staff, "membership": fresh}),
            ][i % 3]
        )
    results = race(calls)
    refusals(results, allowed={"invalid_transition", "not_active_member", "transfer_open"})
    won = wins(results)
    # Either the accept or the withdrawal goes first; the other and every second request fail.
    assert won in (["transfer_accept"], ["member_withdraw"]), won
    accepted = won == ["transfer_accept"]
    assert active(person_id=membership.person_id) == (1 if accepted else 0)
    assert Membership.objects.filter(person_id=membership.person_id).count() == (2 if accepted else 1)


def test_registering_into_a_union_being_dissolved_leaves_no_member_there(org):
    staff = user("futian_staff")
    for round_ in range(3):
        union = org_create(
            actor=None, parent=org("福田区总"), name=f"并发街道{round_}", short_name=f"并发{round_}",
            level=OrgLevel.STREET, division_code="440304",
        )  # fmt: skip
        calls = [(org_dissolve, {"actor": staff, "org": Org.objects.get(pk=union.pk)}) for _ in range(2)]
        calls += [
            (member_register, {"actor": staff, "org": union, "data": person(100 * round_ + n)})
            for n in range(THREADS - 2)
        ]
        results = race(calls)
        refusals(results, allowed={"not_a_union_to_join", "has_active_members", "already_dissolved"})
        won = Tally(wins(results))
        union.refresh_from_db()
        members = active(org=union)
        assert members == won["member_register"]
        assert won["org_dissolve"] == (1 if union.status == OrgStatus.DISSOLVED else 0)
        assert union.status == OrgStatus.ACTIVE or members == 0, (
            f"round {round_}: {members} in a dissolved union"
        )


# --- Races that once broke (fixed: a clean 409 and a union lock before every new membership) ---


def test_one_worker_applying_with_different_identities_at_once(org):
    worker, street = worker_for_phone(phone=phone_of(1)), org("福保街道").pk
    calls = [
        (
            join_apply,
            {"actor": worker, "data": person(20 + n), "work_org_id": street, "consent_version": NOTICE},
        )
        for n in range(THREADS)
    ]
    results = race(calls)
    refusals(results, allowed={"person_mismatch", "identity_in_use", "application_open"})
    assert len(wins(results)) == 1
    assert Person.objects.filter(user=worker).count() == Person.objects.count() == 1


def test_no_approval_or_transfer_into_a_union_dissolved_meanwhile(org):
    union, owner, staff = org("河套联合工会"), worker_for_phone(phone=phone_of(3)), user("fubao_staff")
    app = apply_to(union, 1)
    membership = member_of(org("河套科创工会"), 3, actor=owner)
    transfer = transfer_request(actor=owner, membership=membership, to_org=union)
    org_dissolve(actor=None, org=union)  # allowed: a pending application or transfer is no guard
    results = race(
        [
            (application_approve, {"actor": staff, "application": app}),
            (transfer_accept, {"actor": staff, "transfer": transfer}),
        ]
    )
    refusals(results, allowed=None)
    assert active(org=union) == 0
