"""The access helpers: 404 for missing, malformed or out-of-scope ids, 403 inside the scope
without the capability; orders placed by dispatcher or ordering union depending on the cap."""

import pytest

from tests.activities.support import worker
from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.dispatch import permissions as perm
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.services import needs as need_svc
from zhijia.orgs.capabilities import Cap

from .support import expert, order, world

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def w(demo):
    return world(demo)


def test_menu_and_item(w):
    assert perm.access_menu(actor=w.clerk, id=w.menu.pk) == w.menu
    assert perm.access_item(actor=w.clerk, id=str(w.psy.pk)) == w.psy
    for bad in ("nope", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound):
            perm.access_menu(actor=w.clerk, id=bad)
    with pytest.raises(NotFound):
        perm.access_menu(actor=w.outsider, id=w.menu.pk)
    with pytest.raises(NotFound):  # the unit is below the menu's union: outside its grants
        perm.access_item(actor=w.unit_staff, id=w.psy.pk)
    with pytest.raises(PermissionDenied):
        perm.access_menu(actor=w.expert_user, id=w.menu.pk)


def test_expert_survey_need(w, demo):
    assert perm.access_expert(actor=w.clerk, id=w.expert.pk) == w.expert
    with pytest.raises(NotFound):
        perm.access_expert(actor=w.outsider, id=w.expert.pk)
    with pytest.raises(PermissionDenied):
        perm.access_expert(actor=w.expert_user, id=w.expert.pk)
    assert perm.access_expert(actor=w.clerk, id=w.expert.pk, cap=Cap.DISPATCH_ASSIGN) == w.expert
    survey = need_svc.survey_create(actor=w.clerk, org=w.dispatcher, title="调研")
    user, _p = worker(w.unit)
    need = need_svc.need_submit(actor=user, survey=survey, text="x")
    assert perm.access_survey(actor=w.clerk, id=survey.pk) == survey
    assert perm.access_need(actor=w.clerk, id=need.pk) == need
    with pytest.raises(NotFound):
        perm.access_need(actor=w.outsider, id=need.pk)
    with pytest.raises(NotFound):
        perm.access_survey(actor=w.unit_staff, id=survey.pk)


def test_access_order_by_capability(w):
    o = order(w.psy, org=w.unit, status=S.DISPATCHED, expert=w.expert)
    assert perm.access_order(actor=w.clerk, id=o.pk, cap=Cap.DISPATCH_ASSIGN) == o
    assert perm.access_order(actor=w.unit_staff, id=o.pk, cap=Cap.DISPATCH_ORDER) == o
    with pytest.raises(NotFound):  # dispatch.assign is placed on the dispatcher
        perm.access_order(actor=w.unit_staff, id=o.pk, cap=Cap.DISPATCH_ASSIGN)
    with pytest.raises(PermissionDenied):
        perm.access_order(actor=w.clerk, id=o.pk, cap=Cap.DISPATCH_BUDGET)
    assert perm.access_order(actor=w.budget_admin, id=o.pk, cap=Cap.DISPATCH_BUDGET) == o
    with pytest.raises(NotFound):
        perm.access_order(actor=w.outsider, id=o.pk, cap=Cap.DISPATCH_ORDER)
    with pytest.raises(PermissionDenied):
        perm.access_order(actor=w.expert_user, id=o.pk, cap=Cap.DISPATCH_ORDER)


def test_expert_order_is_the_current_assignment_only(w, demo):
    o = order(w.psy, org=w.unit, status=S.DISPATCHED, expert=w.expert)
    assert perm.expert_order(user=w.expert_user, id=o.pk) == o
    for user, pk in ((w.expert2_user, o.pk), (w.clerk, o.pk), (w.expert_user, "bad"), (None, o.pk)):
        with pytest.raises(NotFound):
            perm.expert_order(user=user, id=pk)
    unlinked = expert(w.dispatcher)
    o.expert = unlinked
    o.save()
    with pytest.raises(NotFound):
        perm.expert_order(user=w.expert_user, id=o.pk)
