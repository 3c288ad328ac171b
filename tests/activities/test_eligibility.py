"""Eligibility: one check for every channel (activities.eligibility)."""

import pytest

from zhijia.activities.eligibility import age_on, eligibility_check
from zhijia.activities.services.enrolment import enrolment_cancel, enrolment_create
from zhijia.core.errors import PermissionDenied, Unprocessable
from zhijia.members.enums import MemberStatus, Relation

from .support import activity, child, member


@pytest.fixture
def futian(demo):
    return demo.org("福田区总")


def refused(act, person, kid=None, error=PermissionDenied):
    with pytest.raises(error) as exc:
        eligibility_check(activity=act, person=person, child=kid)
    assert exc.value.code == "not_eligible"
    return exc.value.fields


def test_members_only(futian):
    act = activity(futian, members_only=True)
    assert "members_only" in refused(act, member(futian, status=MemberStatus.WITHDRAWN))
    eligibility_check(activity=act, person=member(futian))
    eligibility_check(
        activity=activity(futian, members_only=False), person=member(futian, status=MemberStatus.WITHDRAWN)
    )


def test_eligible_org_subtree(futian, demo):
    act = activity(futian, eligible_org=demo.org("福田区总"))
    eligibility_check(activity=act, person=member(demo.org("福保街道")))  # in the subtree
    assert "eligible_org" in refused(act, member(demo.org("宝安区总")))


def test_occupations(futian):
    act = activity(futian, occupations=["delivery_rider", "courier"])
    eligibility_check(activity=act, person=member(futian, occupation="courier"))
    assert "occupations" in refused(act, member(futian, occupation=""))


def test_children_rules(futian):
    camp = activity(futian, for_children=True, child_age_min=6, child_age_max=12)
    parent = member(futian)
    refused(camp, parent, None, Unprocessable)  # child required
    refused(camp, parent, child(member(futian)), Unprocessable)  # someone else's child
    refused(camp, parent, child(parent, relation=Relation.SPOUSE), Unprocessable)
    eligibility_check(activity=camp, person=parent, child=child(parent, age=6, at=camp.starts_at))
    eligibility_check(activity=camp, person=parent, child=child(parent, age=12, at=camp.starts_at))
    assert "child_age" in refused(camp, parent, child(parent, age=5, at=camp.starts_at))
    assert "child_age" in refused(camp, parent, child(parent, age=13, at=camp.starts_at))
    refused(activity(futian), parent, child(parent), Unprocessable)  # a child on an adults' activity


def test_age_on():
    import datetime as dt

    assert age_on(dt.date(2019, 3, 1), dt.date(2027, 2, 28)) == 7
    assert age_on(dt.date(2019, 3, 1), dt.date(2027, 3, 1)) == 8


def test_limit_group_across_two_camps(futian, demo):
    staff = demo.user("futian_staff")
    rules = {"for_children": True, "limit_group": "2027寒假托管", "limit_count": 1}
    camp_a, camp_b = activity(futian, **rules), activity(futian, **rules)
    parent = member(futian)
    kid, sibling = child(parent), child(parent)
    first = enrolment_create(actor=staff, activity=camp_a, person=parent, child=kid)
    with pytest.raises(PermissionDenied) as exc:
        enrolment_create(actor=staff, activity=camp_b, person=parent, child=kid)
    assert exc.value.code == "not_eligible" and "limit_group" in exc.value.fields
    enrolment_create(actor=staff, activity=camp_b, person=parent, child=sibling)  # per child
    enrolment_cancel(actor=staff, enrolment=first)
    enrolment_create(
        actor=staff, activity=camp_b, person=parent, child=kid
    )  # a cancelled one no longer counts
    other_group = activity(futian, for_children=True, limit_group="暑假", limit_count=1)
    enrolment_create(actor=staff, activity=other_group, person=parent, child=kid)
