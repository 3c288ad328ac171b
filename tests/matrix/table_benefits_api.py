"""Permission-matrix entries for the benefits API (merged into tests/matrix/table.ROUTES).

Campaigns, their polled state and the draw list are public. Claiming needs a login (anonymous:
401) and a real-name member the campaign is for: the matrix worker (a member of 福保街道) gets a
voucher of a campaign funded by a union above 福保, everyone else 403 not_eligible. A lottery
entry on a first-come campaign is 409 for any caller. The till endpoints are for a cashier of
the outlet (a Cashier row AND benefits.redeem on the merchant's union): 404 for anyone else. In
the matrix, merchant_demo (merchant_cashier of 中山市总) is a cashier at every unit's outlet, but
only 广东省总's outlet belongs to a 中山 merchant. Reversing is for the outlet's cashier or
benefits.manage on the funding union (404 outside scope, 403 inside without it)."""

import datetime as dt

from django.utils import timezone

from zhijia.benefits import codes
from zhijia.benefits.enums import VoucherStatus
from zhijia.benefits.models import Cashier, LotteryEntry, Redemption, Round, Voucher
from zhijia.members.models import Membership
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from .reference import scoped
from .table import Check

V = "/api/v1/voucher-campaigns"
C = V + "/<campaign_id>"
TILL_UNIT = "广东省总"  # the unit whose outlet belongs to a merchant of 中山市总


def claim_rule(u, org, o) -> int | None:
    """A member of a union in `org`'s subtree may claim (walking parent links); anyone else,
    staff included (no membership), is refused 403 not_eligible."""
    if u.kind != "worker":
        return 403
    membership = Membership.objects.filter(person__user=u).first()
    unit = membership.org if membership else None
    while unit is not None:
        if unit.pk == org.pk:
            return None
        unit = Org.objects.filter(pk=unit.parent_id).first()
    return 403


def till_rule(u, org, o) -> int | None:
    """A cashier of the unit's outlet: a Cashier row and benefits.redeem on its merchant's union."""
    outlet = o["till_outlet"]
    row = Cashier.objects.filter(user=u, outlet=outlet).exists()
    return None if row and scoped(u, Cap.BENEFITS_REDEEM, outlet.merchant.org) is None else 404


def reverse_rule(u, org, o) -> int | None:
    """The outlet's cashier, else benefits.manage on the funding union (the unit's org)."""
    return None if till_rule(u, org, o) is None else scoped(u, Cap.BENEFITS_MANAGE, org)


def _till(method="get", **kw):
    return Check("rule", method, api=True, rule=till_rule, **kw)


ROUTES: dict = {
    V: [Check("public")],
    C: [Check("public")],
    C + "/state": [Check("public")],
    C + "/draw": [Check("public")],
    C + "/claims": [Check("rule", "post", api=True, rule=claim_rule)],
    C + "/entries": [Check("own", "post", api=True)],
    "/api/v1/me/vouchers": [Check("own", api=True)],
    # The matrix sends API GETs without a query string: without code and outlet_id every caller
    # gets 400, so this entry checks the login only (tests/benefits/test_api_redemptions.py
    # checks who may look up a code at which outlet).
    "/api/v1/redemptions/check": [Check("own", api=True)],
    "/api/v1/redemptions": [
        _till("post", body=lambda org, o: {"code": "x", "outlet_id": str(o["till_outlet"].pk), "bill": "60"}),
    ],
    "/api/v1/redemptions/<redemption_id>/reverse": [
        Check("rule", "post", api=True, rule=reverse_rule, body=lambda org, o: {"reason": "矩阵"}),
    ],
}


def build(unit: dict, demo) -> None:
    """Once per unit (the H5 table shares them): a running first-come campaign of the unit
    (`bw_campaign`) usable at one outlet (`till_outlet`, of a 中山 merchant for TILL_UNIT, else
    of the unit's), merchant_demo a cashier there, a voucher of the unit's member
    (`bw_voucher`) and its redemption at the outlet a minute ago (`bw_redemption`)."""
    if "bw_campaign" in unit:
        return
    from tests.benefits.support import campaign, merchant, outlet_of

    org = unit["org"]
    shop = merchant(
        demo.org("中山市总") if org.short_name == TILL_UNIT else org, name=f"矩阵商户{org.short_name}"
    )
    camp = campaign(org, total=5, merchants=[shop], title=f"矩阵消费券 {org.short_name}")
    outlet = outlet_of(shop)
    Cashier.objects.create(user=demo.user("merchant_demo"), outlet=outlet)
    person = unit["membership"].person
    now = timezone.now()
    voucher = Voucher.objects.create(
        campaign=camp,
        round=camp.rounds.first(),
        person=person,
        claim_key=f"{person.pk}:1",
        code=codes.new_code(),
        status=VoucherStatus.REDEEMED,
        face_value=camp.face_value,
        threshold=camp.threshold,
        claimed_at=now - dt.timedelta(minutes=5),
        valid_from=camp.valid_from,
        expires_at=camp.valid_until,
        redeemed_at=now - dt.timedelta(minutes=1),
    )
    Round.objects.filter(pk=voucher.round_id).update(claimed=1)
    redemption = Redemption.objects.create(
        voucher=voucher,
        outlet=outlet,
        bill=camp.threshold + 10,
        face_value=camp.face_value,
        at=now - dt.timedelta(minutes=1),
    )
    unit.update(bw_campaign=camp, bw_voucher=voucher, bw_redemption=redemption, till_outlet=outlet)


def extend(unit: dict, demo) -> None:
    """The unit's benefits objects (see build) and the API's URL values."""
    build(unit, demo)
    unit["url_values"]["campaign_id"] = unit["bw_campaign"].pk
    unit["url_values"]["redemption_id"] = unit["bw_redemption"].pk


def snapshot() -> list:
    """Rows a denied request must not change."""
    return [
        list(Voucher.objects.order_by("pk").values_list("pk", "status", "redeemed_at")),
        list(Redemption.objects.order_by("pk").values_list("pk", "reversed_at")),
        list(Round.objects.order_by("pk").values_list("pk", "claimed")),
        LotteryEntry.objects.count(),
    ]
