"""The expert pool: saving experts and teams, logins (the expert role), qualifications,
unavailable dates; the staff list and its scope."""

import datetime as dt

import pytest

from tests.activities.support import worker_user
from zhijia.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.dispatch import error_codes
from zhijia.dispatch.enums import ExpertKind
from zhijia.dispatch.selectors.experts import expert_get, expert_list, expert_pool
from zhijia.dispatch.services import experts as svc
from zhijia.orgs.access import forget_grants, has_cap
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import RoleGrant

from .support import expert, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(demo):
    return world(demo)


def test_save_an_expert_and_a_team(w):
    e = svc.expert_save(
        actor=w.clerk,
        org=w.dispatcher,
        name="赵老师",
        kind=ExpertKind.PERSON,
        title="国家二级心理咨询师",
        phone="139 1234 5678",
        specialties="PSY，LAW, PSY",
        service_area_ids=[w.unit.pk],
        monthly_capacity="5",
    )
    assert (e.phone, e.specialties, e.monthly_capacity) == ("13912345678", ["PSY", "LAW"], 5)
    assert list(e.service_areas.all()) == [w.unit]
    team = svc.expert_save(
        actor=w.clerk, org=w.dispatcher, name="劳模工匠服务队", kind=ExpertKind.TEAM, member_ids=[e.pk]
    )
    assert list(team.members.all()) == [e]
    e = svc.expert_save(actor=w.clerk, org=w.dispatcher, expert=e, name="赵老师", active=False)
    assert not e.active and e.specialties == [] and list(e.service_areas.all()) == []
    assert AuditEntry.objects.filter(action__in=["expert.create", "expert.update"]).count() == 3


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"kind": "robot"}, "kind"),
        ({"phone": "12345"}, "phone"),
        ({"monthly_capacity": -1}, "monthly_capacity"),
        ({"service_area_ids": ["00000000-0000-0000-0000-000000000000"]}, "service_area_ids"),
        ({"service_area_ids": ["bad"]}, "service_area_ids"),
    ],
)
def test_expert_field_errors(w, kwargs, field):
    values = {"actor": w.clerk, "org": w.dispatcher, "name": "某专家"} | kwargs
    with pytest.raises(ValidationFailed) as exc:
        svc.expert_save(**values)
    assert field in exc.value.fields


def test_areas_and_members_stay_in_the_pool(w, demo):
    with pytest.raises(ValidationFailed) as exc:
        svc.expert_save(actor=w.clerk, org=w.dispatcher, name="x", service_area_ids=[demo.org("宝安区总").pk])
    assert "service_area_ids" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:  # only teams have members
        svc.expert_save(actor=w.clerk, org=w.dispatcher, name="x", member_ids=[w.expert.pk])
    assert "member_ids" in exc.value.fields
    foreign = expert(demo.org("宝安区总"))
    with pytest.raises(ValidationFailed):
        svc.expert_save(
            actor=w.clerk, org=w.dispatcher, name="队", kind=ExpertKind.TEAM, member_ids=[foreign.pk]
        )


def test_expert_services_check_the_capability(w, demo):
    with pytest.raises(NotFound):
        svc.expert_save(actor=w.outsider, org=w.dispatcher, name="x")
    with pytest.raises(PermissionDenied):
        svc.expert_save(actor=w.expert_user, org=w.dispatcher, name="x")
    with pytest.raises(NotFound):  # another pool's expert cannot be saved under this union
        svc.expert_save(actor=w.clerk, org=w.dispatcher, expert=expert(demo.org("福保街道")), name="x")


def test_linking_a_login_grants_the_expert_role(w):
    e = expert(w.dispatcher)
    user = worker_user()
    assert not has_cap(user, Cap.EXPERT_WORK)
    e = svc.expert_link_user(actor=w.clerk, expert=e, user=user)
    forget_grants(user)
    assert e.user == user and has_cap(user, Cap.EXPERT_WORK)
    assert RoleGrant.objects.filter(user=user, org=w.dispatcher, role__code="expert").count() == 1
    svc.expert_link_user(actor=w.clerk, expert=e, user=user)  # again: no second grant
    assert RoleGrant.objects.filter(user=user).count() == 1
    with pytest.raises(Conflict) as exc:
        svc.expert_link_user(actor=w.clerk, expert=expert(w.dispatcher), user=user)
    assert exc.value.code == error_codes.EXPERT_USER_TAKEN
    assert svc.expert_link_user(actor=w.clerk, expert=e, user=None).user is None


def test_qualifications_and_unavailable_dates(w):
    q = svc.qualification_save(actor=w.clerk, expert=w.expert, name="社工证", expires_on="2030-01-31")
    assert q.expires_on == dt.date(2030, 1, 31)
    q = svc.qualification_save(actor=w.clerk, expert=w.expert, qualification=q, name="社工证", expires_on="")
    assert q.expires_on is None
    with pytest.raises(NotFound):
        svc.qualification_save(actor=w.clerk, expert=w.expert2, qualification=q, name="社工证")
    svc.qualification_delete(actor=w.clerk, qualification=q)
    assert not w.expert.qualifications.filter(name="社工证").exists()
    with pytest.raises(ValidationFailed) as exc:
        svc.unavailability_add(actor=w.clerk, expert=w.expert, starts_on="2030-02-02", ends_on="2030-02-01")
    assert "ends_on" in exc.value.fields
    u = svc.unavailability_add(actor=w.clerk, expert=w.expert, starts_on="2030-02-01", ends_on="2030-02-03")
    assert (u.starts_on, u.ends_on) == (dt.date(2030, 2, 1), dt.date(2030, 2, 3))
    svc.unavailability_delete(actor=w.clerk, unavailability=u)
    assert not w.expert.unavailable.exists()
    assert AuditEntry.objects.filter(action__startswith="expert.", object_id=str(w.expert.pk)).count() == 5


def test_expert_list_is_scoped(w, demo):
    city = expert(demo.org("深圳市总"), name="市级专家")
    baoan = expert(demo.org("宝安区总"), name="宝安专家")
    below = expert(demo.org("福保街道"), name="街道专家")
    seen = {e.name for e in expert_list(actor=w.clerk)}
    # the clerk manages 福田 and below, and dispatches from the pools of 福田's ancestors
    assert {"李心理", "王咨询", "市级专家", "街道专家"} <= seen and "宝安专家" not in seen
    assert [e.name for e in expert_list(actor=w.clerk, org=demo.org("福保街道"))] == ["街道专家"]
    assert list(expert_list(actor=w.expert_user)) == []
    assert {e.name for e in expert_list(actor=w.outsider)} == {"宝安专家", "市级专家"}
    assert expert_get(actor=w.clerk, id=city.pk) == city
    with pytest.raises(NotFound):
        expert_get(actor=w.clerk, id=baoan.pk)
    pool = {e.name for e in expert_pool(dispatcher=w.dispatcher)}
    assert pool == {"李心理", "王咨询", "市级专家"} and below.name not in pool
