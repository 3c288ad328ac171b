"""Merchants, outlets and cashiers: validation, scope, the cashier role granted on the way."""

import pytest

from tests.activities.support import worker_user
from zhijia.accounts.models import User
from zhijia.benefits.models import Cashier
from zhijia.benefits.permissions import is_cashier
from zhijia.benefits.services.merchants import cashier_add, cashier_remove, merchant_save, outlet_save
from zhijia.core.errors import ApplicationError
from zhijia.core.models import AuditEntry
from zhijia.orgs.models import RoleGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(demo):
    return demo.org("福田区总")


@pytest.fixture
def staff(demo):
    return demo.user("futian_staff")


def error(call):
    with pytest.raises(ApplicationError) as info:
        call()
    return info.value


def test_merchant_and_outlet(org, staff):
    shop = merchant_save(actor=staff, org=org, name=" 华润万家 ", contact_phone="0755-1234567")
    assert shop.name == "华润万家" and shop.org == org
    shop = merchant_save(actor=staff, org=org, merchant=shop, active=False)
    assert shop.active is False
    till = outlet_save(actor=staff, merchant=shop, name="福田店", address="福华路1号")
    till = outlet_save(actor=staff, merchant=shop, outlet=till, name="福田一店")
    assert till.name == "福田一店"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"merchant.create", "merchant.update", "outlet.create", "outlet.update"} <= actions


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"name": ""}, "name"), ({"name": "x", "uscc": "123"}, "uscc"), ({"name": "x", "colour": 1}, "colour")],
)
def test_merchant_validation(org, staff, fields, field):
    assert field in error(lambda: merchant_save(actor=staff, org=org, **fields)).fields


def test_merchant_scope(org, demo):
    assert error(lambda: merchant_save(actor=demo.user("baoan_staff"), org=org, name="x")).status == 404


def test_cashier_add_grants_the_role_and_remove(org, staff):
    shop = merchant_save(actor=staff, org=org, name="便利店")
    till = outlet_save(actor=staff, merchant=shop, name="一号店")
    user = User.objects.create(username="new-cashier")
    row = cashier_add(actor=staff, outlet=till, user=user)
    assert RoleGrant.objects.filter(user=user, org=org, role__code="merchant_cashier").exists()
    assert is_cashier(User.objects.get(pk=user.pk), till)
    assert error(lambda: cashier_add(actor=staff, outlet=till, user=user)).status == 409
    second = outlet_save(actor=staff, merchant=shop, name="二号店")
    cashier_add(actor=staff, outlet=second, user=user)  # the grant is there: not granted again
    assert RoleGrant.objects.filter(user=user, role__code="merchant_cashier").count() == 1
    cashier_remove(actor=staff, cashier=row)
    assert not Cashier.objects.filter(pk=row.pk).exists()
    assert not is_cashier(User.objects.get(pk=user.pk), till)
    assert AuditEntry.objects.filter(action="cashier.remove").exists()


def test_inactive_account_cannot_be_a_cashier(org, staff):
    shop = merchant_save(actor=staff, org=org, name="便利店")
    till = outlet_save(actor=staff, merchant=shop, name="一号店")
    user = worker_user()
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()
    assert "user" in error(lambda: cashier_add(actor=staff, outlet=till, user=user)).fields
