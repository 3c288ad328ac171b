"""Shared factories of the benefits tests (no tests here). Other helpers import them; the names
and signatures are stable.

Everything is created directly through the ORM (no services, nothing audited), fast enough for
hundreds of claimers in the concurrency tests.

    from tests.benefits.support import campaign, merchant, outlet_of, cashier, claimer

    org = demo.org("中山市总")
    camp = campaign(org, total=10)                    # running first-come, one round open now
    camp = campaign(org, total=30, rounds=3)          # round 1 open now, rounds 2, 3 a day apart
    camp = campaign(org, total=5, allocation="lottery")  # registration open now, seed committed
    shop = camp.merchants.get()                       # a default merchant with one outlet
    till = outlet_of(shop)
    cashier_user = cashier(till)                      # merchant_cashier role + Cashier row
    user, person = claimer(org, occupation="courier")  # active real-name member + worker account
"""

import datetime as dt
import hashlib
import itertools
import secrets
from decimal import Decimal

from django.utils import timezone

from tests.activities.support import worker
from zhijia.accounts.models import User, UserKind
from zhijia.benefits.enums import Allocation, CampaignStatus, VoucherKind
from zhijia.benefits.models import Campaign, Cashier, Merchant, Outlet, Round
from zhijia.members.models import Person
from zhijia.orgs.models import Role, RoleGrant

_seq = itertools.count(1)


def merchant(org, *, name: str = "", outlets: int = 1, **fields) -> Merchant:
    """A merchant signed by `org` with `outlets` outlets (default one: see outlet_of)."""
    n = next(_seq)
    shop = Merchant.objects.create(org=org, name=name or f"测试商户{n}", **fields)
    for i in range(outlets):
        Outlet.objects.create(merchant=shop, name=f"{shop.name}门店{i + 1}", address="测试路1号")
    return shop


def outlet_of(shop: Merchant) -> Outlet:
    """The merchant's first outlet."""
    return shop.outlets.order_by("created_at", "name").first()


def cashier(outlet: Outlet, *, user: User | None = None) -> User:
    """A staff account with the role merchant_cashier on the merchant's union (its subtree) and a
    Cashier row for `outlet` (pass `user` to make an existing account a cashier here too)."""
    if user is None:
        n = next(_seq)
        user = User.objects.create(username=f"cashier-{n}-{secrets.token_hex(4)}", kind=UserKind.STAFF)
    org = outlet.merchant.org
    role = Role.objects.get(code="merchant_cashier")
    RoleGrant.objects.get_or_create(user=user, org=org, role=role, defaults={"include_subtree": True})
    Cashier.objects.get_or_create(user=user, outlet=outlet)
    if hasattr(user, "_zhijia_grants"):
        del user._zhijia_grants
    return user


def claimer(org, occupation: str | None = None, **kwargs) -> tuple[User, Person]:
    """An active real-name member of `org` (membership joined 2020-01-01) with a worker account:
    (user, person). Extra kwargs go to tests.activities.support.member (name, status, …)."""
    return worker(org, occupation=occupation or "", **kwargs)


def campaign(
    org,
    *,
    total: int = 10,
    rounds: int = 1,
    allocation: str = Allocation.FIRST_COME,
    status: str = CampaignStatus.RUNNING,
    merchants: list[Merchant] | None = None,
    outlets: list[Outlet] | None = None,
    round_hours: float = 2,
    **fields,
) -> Campaign:
    """A voucher campaign funded by `org` (满50减40 discount, valid from yesterday for 30 days).

    first_come: `rounds` rounds; round 1 opened an hour ago and closes after `round_hours`,
    each later round opens a day after the previous one; `total` is split evenly (the last round
    takes the remainder). lottery: no rounds, registration open now (an hour ago .. in an hour),
    seed committed (seed_hash = sha256(seed)), not drawn; `total` = winners.
    `merchants` default: one new merchant of `org` with one outlet. Any Campaign field can be
    overridden (per_person, per_day, eligible_org, occupations, joined_before, carry_over,
    valid_days, face_value, threshold, kind …)."""
    now = timezone.now()
    values: dict = {
        "org": org,
        "title": f"测试消费券 {next(_seq)}",
        "kind": VoucherKind.DISCOUNT,
        "face_value": Decimal("40.00"),
        "threshold": Decimal("50.00"),
        "total": total,
        "allocation": allocation,
        "valid_from": now - dt.timedelta(days=1),
        "valid_until": now + dt.timedelta(days=30),
        "status": status,
        "published_at": None if status == CampaignStatus.DRAFT else now - dt.timedelta(days=1),
    }
    if allocation == Allocation.LOTTERY:
        seed = secrets.token_hex(32)
        values.update(
            register_opens_at=now - dt.timedelta(hours=1),
            register_closes_at=now + dt.timedelta(hours=1),
            seed=seed if status != CampaignStatus.DRAFT else "",
            seed_hash=hashlib.sha256(seed.encode()).hexdigest() if status != CampaignStatus.DRAFT else "",
        )
    values.update(fields)
    camp = Campaign.objects.create(**values)
    if allocation == Allocation.FIRST_COME and rounds:
        base, rest = divmod(total, rounds)
        start = now - dt.timedelta(hours=1)
        for i in range(rounds):
            opens = start + dt.timedelta(days=i)
            Round.objects.create(
                campaign=camp,
                number=i + 1,
                opens_at=opens,
                closes_at=opens + dt.timedelta(hours=round_hours),
                stock=base + (rest if i == rounds - 1 else 0),
            )
    camp.merchants.set(merchants if merchants is not None else [merchant(org)])
    if outlets:
        camp.outlets.set(outlets)
    return camp
