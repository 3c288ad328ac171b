"""Permission-matrix entries for the console benefits pages (merged into tests/matrix/table.ROUTES).

Pages not tied to one object need the capability somewhere (benefits.view for the campaign and
merchant lists, benefits.manage for the rest); a campaign's pages are placed by its funding union,
a merchant's by its signing union (404 outside scope, 403 inside without the capability): manage for
campaigns, lotteries, merchants, outlets, cashiers, revoking and reversing; view for the
dashboard and the reconciliation (and its xlsx)."""

import datetime as dt
import hashlib
import secrets
from decimal import Decimal

from django.utils import timezone

from zhijia.benefits.enums import Allocation, CampaignStatus, VoucherKind, VoucherStatus
from zhijia.benefits.models import (
    Campaign,
    Cashier,
    LotteryEntry,
    Merchant,
    Outlet,
    Redemption,
    Round,
    Voucher,
)
from zhijia.orgs.capabilities import Cap

from .reference import has, scoped
from .table import Check

B = "/console/benefits/"
MANAGE, VIEW = Cap.BENEFITS_MANAGE, Cap.BENEFITS_VIEW


def _on(cap, target, method="get", **kw):
    return Check("rule", method, target=target, rule=lambda u, org, o: scoped(u, cap, org), **kw)


def _everywhere(cap):
    return Check("rule", rule=lambda u, org, o: has(u, cap))


ROUTES: dict = {
    B: [_everywhere(VIEW)],
    B + "new/": [_everywhere(MANAGE)],
    B + "<uuid:pk>/": [_on(MANAGE, "bc_campaign")],
    B + "<uuid:pk>/edit/": [
        _on(MANAGE, "bc_draft"),
        _on(MANAGE, "bc_draft", "post", body=lambda org, o: {"title": "矩阵"}),
    ],
    B + "<uuid:pk>/publish/": [_on(MANAGE, "bc_draft", "post")],
    B + "<uuid:pk>/end/": [_on(MANAGE, "bc_campaign", "post")],
    B + "<uuid:pk>/lottery/": [_on(MANAGE, "bc_lottery")],
    B + "<uuid:pk>/lottery/draw/": [_on(MANAGE, "bc_lottery", "post")],
    B + "<uuid:pk>/dashboard/": [_on(VIEW, "bc_campaign")],
    B + "vouchers/": [_everywhere(MANAGE)],
    B + "vouchers/<uuid:pk>/revoke/": [
        _on(MANAGE, "bc_voucher", "post", body=lambda org, o: {"reason": "矩阵"})
    ],
    B + "redemptions/<uuid:pk>/reverse/": [
        _on(MANAGE, "bc_redemption", "post", body=lambda org, o: {"reason": "矩阵"})
    ],
    B + "merchants/": [_everywhere(VIEW)],  # viewers reach the reconciliations from it
    B + "merchants/new/": [
        _everywhere(MANAGE),
        Check("rule", "post", rule=lambda u, org, o: has(u, MANAGE), body=lambda org, o: {"name": "矩阵"}),
    ],
    B + "merchants/<uuid:pk>/": [_on(MANAGE, "bc_merchant")],
    B + "merchants/<uuid:pk>/edit/": [
        _on(MANAGE, "bc_merchant"),
        _on(MANAGE, "bc_merchant", "post", body=lambda org, o: {"name": "矩阵商户"}),
    ],
    B + "merchants/<uuid:pk>/outlets/new/": [
        _on(MANAGE, "bc_merchant"),
        _on(MANAGE, "bc_merchant", "post", body=lambda org, o: {"name": "矩阵门店"}),
    ],
    B + "merchants/<uuid:pk>/reconciliation/": [_on(VIEW, "bc_merchant")],
    B + "merchants/<uuid:pk>/reconciliation.xlsx": [_on(VIEW, "bc_merchant")],
    B + "outlets/<uuid:pk>/edit/": [
        _on(MANAGE, "bc_outlet"),
        _on(MANAGE, "bc_outlet", "post", body=lambda org, o: {"name": "矩阵门店"}),
    ],
    B + "outlets/<uuid:pk>/cashiers/": [
        _on(MANAGE, "bc_outlet", "post", body=lambda org, o: {"who": o["user"].username})
    ],
    B + "cashiers/<uuid:pk>/remove/": [_on(MANAGE, "bc_cashier", "post")],
}


def extend(unit: dict, demo) -> None:
    """A merchant of the unit with one outlet and a cashier (the unit's staff member), a running
    first-come campaign with one open round, a draft, a lottery whose registration has closed,
    and two vouchers of the unit's member: one claimed, one redeemed at the outlet."""
    now = timezone.now()
    org = unit["org"]
    merchant = Merchant.objects.create(org=org, name=f"矩阵商户 {org.short_name}")
    outlet = Outlet.objects.create(merchant=merchant, name="矩阵门店")
    common = {
        "org": org,
        "kind": VoucherKind.DISCOUNT,
        "face_value": Decimal("40"),
        "threshold": Decimal("50"),
        "valid_from": now - dt.timedelta(days=1),
        "valid_until": now + dt.timedelta(days=30),
    }
    campaign = Campaign.objects.create(
        title="矩阵消费券", total=10, status=CampaignStatus.RUNNING, published_at=now, **common
    )
    campaign.merchants.set([merchant])
    round_ = Round.objects.create(
        campaign=campaign,
        number=1,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=1),
        stock=10,
        claimed=2,
    )
    draft = Campaign.objects.create(title="矩阵草稿", total=5, status=CampaignStatus.DRAFT, **common)
    Round.objects.create(
        campaign=draft,
        number=1,
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=2),
        stock=5,
    )
    seed = "ab" * 32
    lottery = Campaign.objects.create(
        title="矩阵抽签",
        total=1,
        allocation=Allocation.LOTTERY,
        status=CampaignStatus.PUBLISHED,
        published_at=now,
        register_opens_at=now - dt.timedelta(days=2),
        register_closes_at=now - dt.timedelta(hours=1),
        seed=seed,
        seed_hash=hashlib.sha256(seed.encode()).hexdigest(),
        **common,
    )
    person = unit["membership"].person
    vouchers = [
        Voucher.objects.create(
            campaign=campaign,
            round=round_,
            person=person,
            claim_key=f"{person.pk}:{n}",
            code=f"MX{secrets.token_hex(5).upper()}{n}",
            face_value=Decimal("40"),
            threshold=Decimal("50"),
            claimed_at=now,
            valid_from=campaign.valid_from,
            expires_at=campaign.valid_until,
            status=VoucherStatus.REDEEMED if n == 2 else VoucherStatus.CLAIMED,
            redeemed_at=now if n == 2 else None,
        )
        for n in (1, 2)
    ]
    unit["bc_merchant"] = merchant
    unit["bc_outlet"] = outlet
    unit["bc_cashier"] = Cashier.objects.create(user=unit["user"], outlet=outlet)
    unit["bc_campaign"] = campaign
    unit["bc_draft"] = draft
    unit["bc_lottery"] = lottery
    unit["bc_voucher"] = vouchers[0]
    unit["bc_redemption"] = Redemption.objects.create(
        voucher=vouchers[1], outlet=outlet, bill=Decimal("88"), face_value=Decimal("40"), at=now
    )
    LotteryEntry.objects.create(campaign=lottery, person=person, number=1)
    lottery.entries_count = 1
    lottery.save(update_fields=["entries_count"])


def snapshot() -> list:
    """Rows a denied request must not change."""
    return [
        list(
            Campaign.objects.order_by("pk").values_list(
                "pk", "status", "title", "seed", "drawn_at", "ended_at", "updated_at"
            )
        ),
        list(Round.objects.order_by("pk").values_list("pk", "stock", "claimed", "opens_at")),
        list(Voucher.objects.order_by("pk").values_list("pk", "status", "closed_at")),
        list(Redemption.objects.order_by("pk").values_list("pk", "reversed_at")),
        list(Merchant.objects.order_by("pk").values_list("pk", "name", "active", "updated_at")),
        list(Outlet.objects.order_by("pk").values_list("pk", "name", "active", "updated_at")),
        list(Cashier.objects.order_by("pk").values_list("pk", "user_id", "outlet_id")),
        list(LotteryEntry.objects.order_by("pk").values_list("pk", "status", "rank")),
    ]
