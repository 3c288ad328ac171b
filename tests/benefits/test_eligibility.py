"""benefits.eligibility.check — the one place claims, lottery entries and draws ask who may hold
a voucher — and that the claim and the lottery registration both go through it."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.benefits.support import campaign, claimer
from zhijia.benefits.eligibility import check, member_of
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.lottery import entry_register
from zhijia.core.errors import PermissionDenied
from zhijia.members.enums import MemberStatus
from zhijia.members.models import Membership, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(demo):
    return {
        "futian": demo.org("福田区总"),
        "fubao": demo.org("福保街道"),
        "baoan": demo.org("宝安区总"),
    }


def rule(camp, person, **kwargs):
    with pytest.raises(PermissionDenied) as info:
        check(camp, person, **kwargs)
    assert info.value.code == "not_eligible"
    (field,) = info.value.fields
    return field


def test_active_member_of_the_subtree_is_eligible(orgs):
    camp = campaign(orgs["futian"])
    _u, person = claimer(orgs["fubao"])  # a street union below the funding district
    check(camp, person)
    _u, retained = claimer(orgs["futian"], status=MemberStatus.RETAINED)
    check(camp, retained)


def test_outside_the_subtree(orgs):
    camp = campaign(orgs["futian"])
    _u, person = claimer(orgs["baoan"])
    assert rule(camp, person) == "eligible_org"


def test_eligible_org_narrows_the_subtree(orgs):
    camp = campaign(orgs["futian"], eligible_org=orgs["fubao"])
    _u, inside = claimer(orgs["fubao"])
    _u, above = claimer(orgs["futian"])
    check(camp, inside)
    assert rule(camp, above) == "eligible_org"


@pytest.mark.parametrize(
    "status", [MemberStatus.APPLYING, MemberStatus.WITHDRAWN, MemberStatus.TRANSFERRED_OUT]
)
def test_inactive_membership(orgs, status):
    camp = campaign(orgs["futian"])
    _u, person = claimer(orgs["futian"], status=status)
    assert rule(camp, person) == "membership"


def test_membership_that_ended(orgs):
    camp = campaign(orgs["futian"])
    _u, person = claimer(orgs["futian"])
    Membership.objects.filter(person=person).update(ended_on=timezone.localdate() - dt.timedelta(days=1))
    assert rule(camp, person) == "membership"


def test_no_person(orgs):
    camp = campaign(orgs["futian"])
    assert rule(camp, None) == "membership"


def test_real_name_required(orgs):
    camp = campaign(orgs["futian"])
    _u, person = claimer(orgs["futian"])
    Person.objects.filter(pk=person.pk).update(id_index=None)
    person.refresh_from_db()
    assert rule(camp, person) == "real_name"


def test_anonymised_person_is_refused(orgs):
    camp = campaign(orgs["futian"])
    user, person = claimer(orgs["futian"])
    Person.objects.filter(pk=person.pk).update(anonymised_at=timezone.now())
    person.refresh_from_db()
    assert rule(camp, person) == "real_name"
    assert member_of(user) is None  # and the claim path does not even find them


def test_occupations(orgs):
    camp = campaign(orgs["futian"], occupations=["courier", "delivery_rider"])
    _u, courier = claimer(orgs["futian"], occupation="courier")
    _u, clerk = claimer(orgs["futian"], occupation="employee")
    _u, unknown = claimer(orgs["futian"])
    check(camp, courier)
    assert rule(camp, clerk) == "occupations"
    assert rule(camp, unknown) == "occupations"


def test_joined_before(orgs):
    camp = campaign(orgs["futian"], joined_before=dt.date(2021, 1, 1))
    _u, early = claimer(orgs["futian"])  # joined 2020-01-01
    _u, late = claimer(orgs["futian"])
    Membership.objects.filter(person=late).update(joined_on=dt.date(2021, 1, 1))
    _u, unknown = claimer(orgs["futian"])
    Membership.objects.filter(person=unknown).update(joined_on=None)
    check(camp, early)
    assert rule(camp, late) == "joined_before"
    assert rule(camp, unknown) == "joined_before"


def test_member_of_fetches_what_check_needs_in_one_query(orgs, django_assert_num_queries):
    camp = campaign(orgs["futian"], occupations=["courier"], joined_before=dt.date(2021, 1, 1))
    camp = type(camp).objects.select_related("org", "eligible_org").get(pk=camp.pk)
    user, _p = claimer(orgs["fubao"], occupation="courier")
    with django_assert_num_queries(1):
        membership = member_of(user)
        check(camp, membership.person, membership=membership)


def test_claim_and_lottery_use_the_same_check(orgs):
    first_come = campaign(orgs["futian"], occupations=["sanitation"])
    lottery = campaign(orgs["futian"], allocation="lottery", occupations=["sanitation"])
    user, _p = claimer(orgs["futian"], occupation="courier")
    for call in (
        lambda: voucher_claim(user=user, campaign_id=first_come.pk),
        lambda: entry_register(user=user, campaign=lottery),
    ):
        with pytest.raises(PermissionDenied) as info:
            call()
        assert info.value.code == "not_eligible" and "occupations" in info.value.fields
