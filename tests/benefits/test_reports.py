"""The funding union's dashboard, the merchant's daily reconciliation and the xlsx exports."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.benefits.support import campaign, cashier, claimer, merchant, outlet_of
from zhijia.benefits.models import Merchant, Voucher
from zhijia.benefits.selectors.reports import dashboard, reconciliation_rows, reconciliation_totals
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.redeem import redemption_reverse, voucher_redeem
from zhijia.benefits.services.vouchers import voucher_revoke
from zhijia.benefits.xlsx import reconciliation_xlsx, vouchers_xlsx
from zhijia.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo):
    org = demo.org("福田区总")
    staff = demo.user("futian_staff")
    shop = merchant(org, name='=HYPERLINK("http://x")超市')
    other = merchant(org, name="便利店")
    camp = campaign(org, total=10, merchants=[shop, other])
    tills = {m.pk: (outlet_of(m), cashier(outlet_of(m))) for m in (shop, other)}
    people = [claimer(org, name=f"张{i}三") for i in range(5)]
    vouchers = [voucher_claim(user=u, campaign_id=camp.pk).voucher for u, _p in people]
    o, c = tills[shop.pk]
    r1 = voucher_redeem(actor=c, outlet=o, code=vouchers[0].code, bill="100")
    r2 = voucher_redeem(actor=c, outlet=o, code=vouchers[1].code, bill="60")
    o2, c2 = tills[other.pk]
    voucher_redeem(actor=c2, outlet=o2, code=vouchers[2].code, bill="55.50")
    r4 = voucher_redeem(actor=c, outlet=o, code=vouchers[3].code, bill="70")
    redemption_reverse(actor=c, redemption=r4, reason="退货")
    voucher_revoke(actor=staff, voucher=vouchers[4], reason="误领")
    return {"org": org, "staff": staff, "camp": camp, "shop": shop, "other": other, "r": [r1, r2]}


def test_dashboard(world):
    d = dashboard(actor=world["staff"], campaign=world["camp"])
    assert d["total"] == 10
    assert (d["issued"], d["claimed"], d["redeemed"], d["expired"], d["revoked"]) == (4, 1, 3, 0, 1)
    assert d["redemption_rate"] == pytest.approx(3 / 4)
    assert d["face_value_used"] == Decimal("120.00")
    assert d["consumption"] == Decimal("215.50")
    (today,) = d["by_day"]
    assert today["day"] == timezone.localdate() and today["issued"] == 4 and today["redeemed"] == 3
    by_merchant = {row["merchant_id"]: row for row in d["by_merchant"]}
    assert by_merchant[world["shop"].pk]["redeemed"] == 2
    assert by_merchant[world["shop"].pk]["consumption"] == Decimal("160.00")
    assert by_merchant[world["other"].pk]["face_value"] == Decimal("40.00")


def test_dashboard_scope(world, demo):
    with pytest.raises(ApplicationError) as info:
        dashboard(actor=demo.user("baoan_staff"), campaign=world["camp"])
    assert info.value.status == 404


def test_dashboard_query_count(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        dashboard(actor=world["staff"], campaign=world["camp"])


def test_reconciliation_rows(world):
    rows = reconciliation_rows(actor=world["staff"], merchant=world["shop"], day=timezone.localdate())
    assert len(rows) == 3  # two live, one reversed
    assert [r["reversed"] for r in rows].count(True) == 1
    assert all("*" in r["holder"] and "*" in r["code"] for r in rows)
    first = rows[0]
    assert first["to_pay"] == first["bill"] - first["face_value"]
    totals = reconciliation_totals(rows)
    assert totals == {
        "count": 2,
        "face_value": Decimal("80.00"),
        "bill": Decimal("160.00"),
        "to_pay": Decimal("80.00"),
    }
    assert reconciliation_rows(actor=world["staff"], merchant=world["other"], day=timezone.localdate())[0][
        "bill"
    ] == Decimal("55.50")


def test_reconciliation_xlsx_escapes_formulas_and_masks(world):
    data = reconciliation_xlsx(actor=world["staff"], merchant=world["shop"], day=timezone.localdate())
    ws = load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "序号" and len(values) == 1 + 3 + 1
    assert values[-1][0] == "合计" and values[-1][8] == 160
    flat = [str(v) for row in values for v in row if v is not None]
    assert not any(v.startswith("=") for v in flat)
    assert not any("张0三" in v for v in flat)  # names masked


def test_reconciliation_needs_view_on_the_merchants_union(world, demo):
    with pytest.raises(ApplicationError) as info:
        reconciliation_xlsx(actor=demo.user("baoan_staff"), merchant=world["shop"], day=timezone.localdate())
    assert info.value.status == 404
    assert Merchant.objects.count() == 2


def test_vouchers_xlsx(world):
    data = vouchers_xlsx(actor=world["staff"], filters={"campaign": str(world["camp"].pk)})
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 1 + Voucher.objects.filter(campaign=world["camp"]).count()
    codes = set(Voucher.objects.values_list("code", flat=True))
    assert not any(cell in codes for row in rows for cell in row)  # codes are shortened
