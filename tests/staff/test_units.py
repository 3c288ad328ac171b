"""The console's unit: where it opens (the user's own unit, not a wider narrow grant) and the one
helper `unit_with` for "my current unit with capability X"."""

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.urls import reverse

from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.orgs.capabilities import Cap
from zhijia.staff.units import SESSION_KEY, current_unit, unit_with

pytestmark = pytest.mark.django_db


def request_for(user, unit=None):
    request = RequestFactory().get("/console/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = user
    if unit is not None:
        request.session[SESSION_KEY] = str(unit.pk)
    return request


def test_a_street_clerk_opens_in_the_street_not_the_district(demo, staff_client):
    clerk = demo.user("fubao_staff")
    assert current_unit(request_for(clerk)) == demo.org("福保街道")
    page = staff_client("fubao_staff").get(reverse("staff:member_import")).content.decode()
    assert "福田区福保街道总工会" in page
    # the switcher still moves them to the district they also hold
    assert current_unit(request_for(clerk, demo.org("福田区总"))) == demo.org("福田区总")


def test_unit_with_is_404_without_a_grant_and_403_without_the_capability(demo):
    clerk = demo.user("fubao_staff")
    assert unit_with(request_for(clerk), Cap.MEMBERS_IMPORT) == demo.org("福保街道")
    with pytest.raises(PermissionDenied):
        unit_with(request_for(clerk), Cap.USERS_MANAGE)
    with pytest.raises(NotFound):
        unit_with(request_for(clerk), Cap.MEMBERS_VIEW, org_id=demo.org("宝安区总").pk)
    with pytest.raises(NotFound):
        unit_with(request_for(_nobody()), Cap.MEMBERS_VIEW)


def _nobody():
    from zhijia.accounts.models import User

    return User.objects.create(username="nobody-units")
