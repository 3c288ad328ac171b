"""Console pages of benefits: the campaign list, create/edit with rounds (and the generator),
publish / end, detail, the lottery page and draw, the dashboard, voucher search with revoke and
reversal, merchants with outlets and cashiers, the reconciliation and its xlsx. Every write goes
through the services, whose field errors show next to the fields."""

import datetime as dt
import hashlib
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from tests.benefits.support import campaign, cashier, claimer, merchant, outlet_of
from zhijia.accounts.phones import phone_index
from zhijia.benefits.codes import voucher_qr
from zhijia.benefits.enums import Allocation, CampaignStatus, EntryStatus, VoucherStatus
from zhijia.benefits.models import Campaign, Cashier, LotteryEntry, Merchant, Outlet, Redemption, Round
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.lottery import entry_register, lottery_rank
from zhijia.benefits.services.redeem import voucher_redeem
from zhijia.core.models import AuditEntry
from zhijia.orgs.models import Role, RoleGrant

pytestmark = pytest.mark.django_db

B = "/console/benefits/"


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def rounds_post(rows, prefix="r", initial=0):
    """The rounds formset as the page posts it: `initial` rows were rendered from the saved
    rounds (the edit page's management form says so), the rest were added in the browser."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def campaign_post(shop=None, **over):
    now = timezone.localtime().replace(second=0, microsecond=0)
    start = now + dt.timedelta(days=1)
    rows = [
        {
            "opens_at": local(start + dt.timedelta(days=i)),
            "closes_at": local(start + dt.timedelta(days=i, hours=8)),
            "stock": "50",
        }
        for i in range(2)
    ]
    data = {
        "title": "满50减40 消费券",
        "kind": "discount",
        "face_value": "40",
        "threshold": "50",
        "total": "100",
        "allocation": "first_come",
        "carry_over": "on",
        "valid_from": local(now),
        "valid_until": local(now + dt.timedelta(days=30)),
        "per_person": "1",
        "occupations": ["courier", "delivery_rider"],
        **rounds_post(rows),
    }
    if shop is not None:
        data["merchants"] = [str(shop.pk)]
    return data | over


@pytest.fixture
def futian(demo):
    return demo.org("福田区总")


@pytest.fixture
def clerk(staff_client):
    return staff_client("futian_staff")


# ---- list --------------------------------------------------------------------------------


def test_list_shows_the_units_campaigns_with_counts(demo, clerk, futian):
    camp = campaign(futian, total=10, title="福田 满减券")
    campaign(demo.org("宝安区总"), title="宝安 的券")  # another district: not listed
    shop = camp.merchants.get()
    till = outlet_of(shop)
    till_user = cashier(till)
    for _ in range(3):
        user, _person = claimer(futian)
        voucher = voucher_claim(user=user, campaign_id=camp.pk).voucher
    voucher_redeem(actor=till_user, outlet=till, code=voucher.code, bill="60")
    page = clerk.get(B).content.decode()
    assert "福田 满减券" in page and "宝安 的券" not in page
    assert "<strong>3</strong> / 10" in page  # claimed of total
    assert re.search(r'data-testid="campaign-redeemed">[^<]*<strong>1</strong>', page)
    assert clerk.get(B, {"status": "draft"}).content.decode().count('data-testid="campaign-row"') == 0


def test_list_query_count_does_not_grow(demo, clerk, futian, django_assert_max_num_queries):
    for _ in range(12):
        campaign(futian, total=2)
    with django_assert_max_num_queries(16):
        assert clerk.get(B).status_code == 200


def test_list_needs_a_benefits_capability(staff_client):
    assert staff_client("merchant_demo").get(B).status_code == 403  # a cashier only redeems
    assert staff_client("auditor").get(B).status_code == 403
    assert staff_client("province_admin").get(B).status_code == 200


# ---- create / edit -----------------------------------------------------------------------


def test_create_a_first_come_campaign_with_rounds(futian, clerk):
    shop = merchant(futian, name="福田 好又多超市")
    assert clerk.get(B + "new/").status_code == 200
    response = clerk.post(B + "new/", campaign_post(shop))
    assert response.status_code == 302, response.content.decode()[:3000]
    camp = Campaign.objects.get(title="满50减40 消费券")
    assert response["Location"] == f"{B}{camp.pk}/"
    assert (camp.status, camp.org, camp.total, camp.face_value) == (
        CampaignStatus.DRAFT,
        futian,
        100,
        Decimal("40.00"),
    )
    assert camp.occupations == ["courier", "delivery_rider"]
    assert list(camp.merchants.all()) == [shop]
    assert list(camp.rounds.values_list("number", "stock")) == [(1, 50), (2, 50)]
    assert AuditEntry.objects.filter(action="campaign.create", object_id=str(camp.pk)).exists()


def test_the_generator_fills_the_rounds_table_without_saving(clerk):
    start = (timezone.localtime() + dt.timedelta(days=1)).replace(hour=10, minute=0)
    generator = {"gen_start": local(start), "gen_days": "10", "gen_per_day": "1000", "gen_hours": "24"}
    data = campaign_post(title="") | rounds_post([]) | generator | {"generate": "1"}
    response = clerk.post(B + "new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert Campaign.objects.count() == 0
    assert page.count('data-testid="round-row"') == 10 + 1  # ten rows and the <template> row
    assert 'data-testid="round-sum">10000<' in page
    assert 'value="10000"' in page  # the total follows the rounds
    assert 'data-testid="error-title"' not in page  # nothing typed yet: no complaint


def test_service_errors_show_next_to_their_fields(futian, clerk):
    response = clerk.post(B + "new/", campaign_post(total="120"))  # rounds add up to 100
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-total"' in page
    assert Campaign.objects.count() == 0
    response = clerk.post(B + "new/", campaign_post(allocation="lottery", total="5"))  # no window
    assert 'data-testid="error-register_opens_at"' in response.content.decode()
    response = clerk.post(B + "new/", campaign_post(**{"r-0-closes_at": campaign_post()["r-0-opens_at"]}))
    assert 'data-testid="error-round-closes_at"' in response.content.decode()  # form-level check
    page = clerk.post(B + "new/", campaign_post() | rounds_post([])).content.decode()
    assert 'data-testid="rounds-error"' in page  # "add at least one round", above the table
    assert Campaign.objects.count() == 0


def test_create_a_lottery(futian, clerk):
    now = timezone.localtime()
    data = campaign_post(
        title="疗休养体验券",
        kind="experience",
        experience="recuperation",
        threshold="0",
        face_value="1980",
        total="3",
        allocation="lottery",
        register_opens_at=local(now),
        register_closes_at=local(now + dt.timedelta(days=3)),
        reserve_list="on",
        redeem_within_days="30",
    )
    response = clerk.post(B + "new/", data)  # the rounds table is ignored for a lottery
    assert response.status_code == 302, response.content.decode()[:3000]
    camp = Campaign.objects.get(title="疗休养体验券")
    assert (camp.allocation, camp.experience, camp.total, camp.rounds.count()) == (
        Allocation.LOTTERY,
        "recuperation",
        3,
        0,
    )


def test_edit_publish_and_end(futian, clerk):
    camp = campaign(futian, total=10, status=CampaignStatus.DRAFT)
    url = f"{B}{camp.pk}/"
    page = clerk.get(url + "edit/").content.decode()
    assert 'value="10"' in page and page.count('data-testid="round-row"') == 2
    round_ = camp.rounds.get()
    # The saved round, unchanged, posted back as the edit page's initial row (INITIAL_FORMS=1):
    # as an extra row it would equal its initial and be dropped as an empty form.
    data = campaign_post(camp.merchants.get(), title="改过的标题", total="10") | rounds_post(
        [{"opens_at": local(round_.opens_at), "closes_at": local(round_.closes_at), "stock": "10"}], initial=1
    )
    assert clerk.post(url + "edit/", data).status_code == 302
    camp.refresh_from_db()
    assert camp.title == "改过的标题"
    assert clerk.post(url + "publish/").status_code == 302
    camp.refresh_from_db()
    assert camp.status == CampaignStatus.PUBLISHED
    response = clerk.get(url + "edit/")  # published: no more editing
    assert response.status_code == 302
    assert clerk.post(url + "end/").status_code == 302
    camp.refresh_from_db()
    assert camp.status == CampaignStatus.ENDED
    response = clerk.post(url + "end/", follow=True)  # again: the service's refusal as a message
    assert "alert-danger" in response.content.decode() or "alert-error" in response.content.decode()


def test_detail_shows_state_and_rounds(futian, clerk):
    camp = campaign(futian, total=30, rounds=3)
    page = clerk.get(f"{B}{camp.pk}/").content.decode()
    assert 'data-testid="state-remaining">10<' in page
    assert page.count("<tr") >= 4  # header and three rounds
    assert 'data-testid="campaign-end"' in page and 'data-testid="campaign-publish"' not in page


def test_campaign_pages_outside_scope_are_404_and_without_the_capability_403(demo, staff_client):
    camp = campaign(demo.org("宝安区总"))
    assert staff_client("futian_staff").get(f"{B}{camp.pk}/").status_code == 404
    assert staff_client("futian_staff").post(f"{B}{camp.pk}/end/").status_code == 404
    viewer = staff_client("baoan_staff")
    RoleGrant.objects.filter(user__username="baoan_staff").update(role=Role.objects.get(code="viewer"))
    assert viewer.get(f"{B}{camp.pk}/").status_code == 403
    assert viewer.get(f"{B}{camp.pk}/dashboard/").status_code == 200  # view may read the figures
    camp.refresh_from_db()
    assert camp.status == CampaignStatus.RUNNING


# ---- lottery -----------------------------------------------------------------------------


def test_lottery_page_draw_and_verification(futian, clerk):
    camp = campaign(futian, total=2, allocation=Allocation.LOTTERY, reserve_list=True)
    names = ["欧阳晓东", "李娜", "王芳"]
    for name in names:
        user, _person = claimer(futian, name=name)
        entry_register(user=user, campaign=camp)
    url = f"{B}{camp.pk}/lottery/"
    page = clerk.get(url).content.decode()
    assert 'data-testid="lottery-registered">3<' in page
    assert camp.seed_hash in page and camp.seed not in page  # the seed stays secret
    assert 'data-testid="lottery-draw"' not in page  # registration still open
    assert not any(name in page for name in names)
    Campaign.objects.filter(pk=camp.pk).update(register_closes_at=timezone.now() - dt.timedelta(minutes=1))
    assert 'data-testid="lottery-draw"' in clerk.get(url).content.decode()
    assert clerk.post(url + "draw/").status_code == 302
    camp.refresh_from_db()
    page = clerk.get(url).content.decode()
    assert camp.drawn_at and f'data-testid="lottery-seed">{camp.seed}<' in page
    assert hashlib.sha256(camp.seed.encode()).hexdigest() == camp.seed_hash
    order = lottery_rank(camp.seed, [1, 2, 3])
    ranked = list(LotteryEntry.objects.filter(campaign=camp).order_by("rank").values_list("number", "status"))
    assert [n for n, _status in ranked] == order
    assert [s for _n, s in ranked] == [EntryStatus.WON, EntryStatus.WON, EntryStatus.RESERVE]
    assert "欧**东" in page and "李*" in page  # masked
    assert not any(name in page for name in names)
    assert 'data-testid="lottery-draw"' not in page


def test_lottery_page_of_a_first_come_campaign_is_404(futian, clerk):
    assert clerk.get(f"{B}{campaign(futian).pk}/lottery/").status_code == 404


# ---- dashboard ---------------------------------------------------------------------------


def test_dashboard_figures(futian, clerk):
    shop_a, shop_b = merchant(futian, name="甲商户"), merchant(futian, name="乙商户")
    camp = campaign(futian, total=10, merchants=[shop_a, shop_b])
    vouchers = [voucher_claim(user=claimer(futian)[0], campaign_id=camp.pk).voucher for _ in range(4)]
    till_a, till_b = outlet_of(shop_a), outlet_of(shop_b)
    voucher_redeem(actor=cashier(till_a), outlet=till_a, code=vouchers[0].code, bill="88.50")
    voucher_redeem(actor=cashier(till_b), outlet=till_b, code=voucher_qr(vouchers[1]), bill="120")
    page = clerk.get(f"{B}{camp.pk}/dashboard/").content.decode()
    assert 'data-testid="dash-issued">4<' in page
    assert 'data-testid="dash-claimed">2<' in page
    assert 'data-testid="dash-redeemed">2<' in page
    assert 'data-testid="dash-rate">50.0%<' in page
    assert 'data-testid="dash-face">¥80.00<' in page
    assert 'data-testid="dash-consumption">¥208.50<' in page
    assert "甲商户" in page and "乙商户" in page


# ---- vouchers ----------------------------------------------------------------------------


def test_find_a_voucher_and_revoke_it(futian, clerk):
    camp = campaign(futian, total=5)
    user, _person = claimer(futian, name="张三丰")
    voucher = voucher_claim(user=user, campaign_id=camp.pk).voucher
    page = clerk.get(B + "vouchers/", {"code": voucher_qr(voucher)}).content.decode()
    assert 'data-testid="voucher-found"' in page and "张*丰" in page and "张三丰" not in page
    url = f"{B}vouchers/{voucher.pk}/revoke/"
    response = clerk.post(url, {"reason": ""}, follow=True)
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.CLAIMED  # a reason is required
    response = clerk.post(url, {"reason": "误领"})
    assert response.status_code == 302 and response["Location"].endswith(f"?code={voucher.code}")
    voucher.refresh_from_db()
    assert (voucher.status, voucher.reason) == (VoucherStatus.REVOKED, "误领")
    assert "alert" in clerk.get(response["Location"]).content.decode()
    assert (
        'data-testid="voucher-none"' in clerk.get(B + "vouchers/", {"code": "ABCDEFGHJKLM"}).content.decode()
    )


def test_reverse_a_redemption(futian, clerk):
    camp = campaign(futian, total=5)
    till = outlet_of(camp.merchants.get())
    voucher = voucher_claim(user=claimer(futian)[0], campaign_id=camp.pk).voucher
    redemption = voucher_redeem(actor=cashier(till), outlet=till, code=voucher.code, bill="66")
    page = clerk.get(B + "vouchers/", {"code": voucher.code}).content.decode()
    assert 'data-testid="reverse-submit"' in page
    assert clerk.post(f"{B}redemptions/{redemption.pk}/reverse/", {"reason": "顾客退货"}).status_code == 302
    redemption.refresh_from_db()
    voucher.refresh_from_db()
    assert redemption.reversed_at and redemption.reverse_reason == "顾客退货"
    assert voucher.status == VoucherStatus.CLAIMED


def test_voucher_of_another_district_is_404(demo, clerk):
    camp = campaign(demo.org("宝安区总"))
    voucher = voucher_claim(user=claimer(demo.org("宝安区总"))[0], campaign_id=camp.pk).voucher
    assert 'data-testid="voucher-none"' in clerk.get(B + "vouchers/", {"code": voucher.code}).content.decode()
    assert clerk.post(f"{B}vouchers/{voucher.pk}/revoke/", {"reason": "x"}).status_code == 404
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.CLAIMED


# ---- merchants ---------------------------------------------------------------------------


def test_merchant_outlets_and_cashiers(demo, futian, clerk):
    response = clerk.post(B + "merchants/new/", {"name": "  中山 好味道餐厅 ", "uscc": "bad", "active": "on"})
    assert 'data-testid="error-uscc"' in response.content.decode()  # the service's field error
    response = clerk.post(
        B + "merchants/new/", {"name": "好味道餐厅", "contact_phone": "0760-88888888", "active": "on"}
    )
    shop = Merchant.objects.get(name="好味道餐厅")
    assert response["Location"] == f"{B}merchants/{shop.pk}/" and shop.org == futian
    assert clerk.post(f"{B}merchants/{shop.pk}/outlets/new/", {"name": "", "active": "on"}).status_code == 200
    clerk.post(
        f"{B}merchants/{shop.pk}/outlets/new/", {"name": "石岐店", "address": "孙文中路1号", "active": "on"}
    )
    outlet = Outlet.objects.get(merchant=shop)
    till_user = demo.user("fubao_staff")
    response = clerk.post(f"{B}outlets/{outlet.pk}/cashiers/", {"who": till_user.username})
    assert response.status_code == 302
    cashier_row = Cashier.objects.get(outlet=outlet, user=till_user)
    assert RoleGrant.objects.filter(user=till_user, org=futian, role__code="merchant_cashier").exists()
    page = clerk.get(f"{B}merchants/{shop.pk}/").content.decode()
    assert 'data-testid="cashier-row"' in page and till_user.username in page
    assert "0760-88888888" not in page  # contact phone masked
    response = clerk.post(f"{B}outlets/{outlet.pk}/cashiers/", {"who": "nobody-here"}, follow=True)
    assert "No active staff account" in response.content.decode()
    assert clerk.post(f"{B}cashiers/{cashier_row.pk}/remove/").status_code == 302
    assert not Cashier.objects.filter(pk=cashier_row.pk).exists()
    clerk.post(f"{B}outlets/{outlet.pk}/edit/", {"name": "石岐旗舰店", "address": "孙文中路1号"})
    outlet.refresh_from_db()
    assert (outlet.name, outlet.active) == ("石岐旗舰店", False)
    clerk.post(f"{B}merchants/{shop.pk}/edit/", {"name": "好味道", "active": "on"})
    shop.refresh_from_db()
    assert shop.name == "好味道"


def test_merchant_list_query_count_does_not_grow(futian, clerk, django_assert_max_num_queries):
    for _ in range(12):
        merchant(futian, outlets=2)
    with django_assert_max_num_queries(14):
        page = clerk.get(B + "merchants/").content.decode()
    assert page.count('data-testid="merchant-row"') == 12


def test_a_cashier_is_found_by_phone(demo, futian, clerk):
    shop = merchant(futian)
    outlet = outlet_of(shop)
    user = demo.user("fubao_staff")
    user.phone, user.phone_index = "13912345678", phone_index("13912345678")
    user.save(update_fields=["phone", "phone_index"])
    assert clerk.post(f"{B}outlets/{outlet.pk}/cashiers/", {"who": "139-1234-5678"}).status_code == 302
    assert Cashier.objects.filter(outlet=outlet, user=user).exists()


def test_merchants_of_another_district_are_404(demo, clerk):
    shop = merchant(demo.org("宝安区总"))
    outlet = outlet_of(shop)
    assert clerk.get(f"{B}merchants/{shop.pk}/").status_code == 404
    assert clerk.post(f"{B}outlets/{outlet.pk}/cashiers/", {"who": "futian_staff"}).status_code == 404
    assert not Cashier.objects.filter(outlet=outlet).exists()
    assert "矩阵" not in clerk.get(B + "merchants/").content.decode()


# ---- reconciliation ----------------------------------------------------------------------


def test_reconciliation_table_and_xlsx(futian, clerk):
    camp = campaign(futian, total=5)
    shop = camp.merchants.get()
    till = outlet_of(shop)
    till_user = cashier(till)
    user, _person = claimer(futian, name="欧阳娜娜")
    voucher = voucher_claim(user=user, campaign_id=camp.pk).voucher
    voucher_redeem(actor=till_user, outlet=till, code=voucher.code, bill="100")
    url = f"{B}merchants/{shop.pk}/reconciliation/"
    page = clerk.get(url).content.decode()
    assert page.count('data-testid="rec-row"') == 1
    assert 'data-testid="rec-face">¥40.00<' in page
    assert "欧阳娜娜" not in page and voucher.code not in page
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert clerk.get(url, {"day": yesterday}).content.decode().count('data-testid="rec-row"') == 0
    response = clerk.get(
        f"{B}merchants/{shop.pk}/reconciliation.xlsx", {"day": timezone.localdate().isoformat()}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "序号"
    assert values[1][2] == till.name and values[1][6] == "欧**娜"
    assert float(values[1][8]) == 100 and float(values[1][9]) == 60
    assert values[-1][0] == "合计"
    assert Redemption.objects.count() == 1


def test_viewer_reads_the_reconciliation_but_not_the_merchant(demo, staff_client):
    shop = merchant(demo.org("宝安区总"))
    RoleGrant.objects.filter(user__username="baoan_staff").update(role=Role.objects.get(code="viewer"))
    viewer = staff_client("baoan_staff")
    assert viewer.get(f"{B}merchants/{shop.pk}/reconciliation/").status_code == 200
    assert viewer.get(f"{B}merchants/{shop.pk}/reconciliation.xlsx").status_code == 200
    assert viewer.get(f"{B}merchants/{shop.pk}/").status_code == 403
    assert "merchant-row" in viewer.get(B + "merchants/").content.decode()


def test_round_rows_never_change_behind_a_refused_edit(futian, clerk):
    camp = campaign(futian, total=10, status=CampaignStatus.DRAFT)
    before = list(Round.objects.filter(campaign=camp).values_list("pk", "stock"))
    clerk.post(f"{B}{camp.pk}/edit/", campaign_post(total="7"))  # rounds add up to 100
    assert list(Round.objects.filter(campaign=camp).values_list("pk", "stock")) == before
