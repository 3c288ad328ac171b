"""Campaign lifecycle: create and edit drafts (with their release rounds), publish, end early;
the periodic tick lives in services.expiry (re-exported here as campaigns_tick).

草稿 draft → 已发布 published (visible; a lottery's seed hash is published) → 进行中 running
(the first round or the registration opened; set by the tick, claims already work when
published) → 已结束 ended (after the last round / the draw / valid_until, or early by staff).
Every service needs benefits.manage on the funding union (404 outside the actor's scope, 403
inside without it), runs in one transaction and is audited."""

import datetime as dt
import hashlib
import itertools
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import field_error
from zhijia.members.enums import Occupation
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from .. import cache
from ..enums import Allocation, CampaignStatus, Experience, VoucherKind
from ..models import Campaign, Merchant, Outlet, Round
from ._common import invalid, user_or_none
from .expiry import campaigns_tick  # noqa: F401  (re-exported: the contract names it here)

FIELDS = (
    "title",
    "description",
    "kind",
    "experience",
    "face_value",
    "threshold",
    "total",
    "allocation",
    "carry_over",
    "valid_from",
    "valid_until",
    "valid_days",
    "eligible_org",
    "occupations",
    "joined_before",
    "per_person",
    "per_day",
    "register_opens_at",
    "register_closes_at",
    "reserve_list",
    "redeem_within_days",
)
M2M = ("merchants", "outlets")
MAX_ROUNDS = 366


def rounds_daily(*, start: dt.datetime, days: int, per_day: int, hours: float = 24) -> list[dict]:
    """Rounds for "`per_day` a day from `start` for `days` days", each open `hours` hours
    (24: until the next one opens). E.g. 1,000 a day at 10:00 for 10 days."""
    if days < 1 or days > MAX_ROUNDS:
        raise field_error("days", _("Between 1 and %(max)s days.") % {"max": MAX_ROUNDS})
    if per_day < 1:
        raise field_error("per_day", _("At least one voucher a day."))
    if not 0 < hours <= 24:
        raise field_error("hours", _("A round is open for more than 0 and at most 24 hours."))
    start = _aware(start)
    return [
        {
            "opens_at": start + dt.timedelta(days=i),
            "closes_at": start + dt.timedelta(days=i, hours=hours),
            "stock": per_day,
        }
        for i in range(days)
    ]


def _aware(value: Any) -> Any:
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _money(name: str, value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise field_error(name, _("Enter an amount in yuan.")) from exc
    if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000"):
        raise field_error(name, _("Enter an amount in yuan."))
    return amount


def _int(name: str, value: Any, *, low: int, high: int, optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise field_error(name, _("Enter a whole number.")) from exc
    if isinstance(value, bool) or not low <= number <= high:
        raise field_error(name, _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high})
    return number


def _apply(campaign: Campaign, fields: dict[str, Any]) -> dict[str, Any]:
    """Set the plain fields present in `fields` on the instance; return the M2M values."""
    unknown = set(fields) - set(FIELDS) - set(M2M) - {"eligible_org_id"}
    if unknown:
        name = sorted(unknown)[0]
        raise field_error(name, _("Unknown field."))
    if "eligible_org_id" in fields and "eligible_org" not in fields:
        org_id = fields["eligible_org_id"]
        fields = {**fields, "eligible_org": Org.objects.filter(pk=org_id).first() if org_id else None}
    for name, value in fields.items():
        if name in M2M or name == "eligible_org_id":
            continue
        if name in ("face_value", "threshold"):
            value = _money(name, value)
        elif name == "total":
            value = _int(name, value, low=1, high=100_000_000)
        elif name == "per_person":
            value = _int(name, value, low=1, high=1000)
        elif name in ("valid_days", "redeem_within_days"):
            value = _int(name, value, low=1, high=3660, optional=True)
        elif name in ("title", "description", "experience"):
            value = (value or "").strip()
        elif name == "occupations":
            value = list(value or [])
        elif name in ("carry_over", "per_day", "reserve_list"):
            value = bool(value)
        elif name in ("valid_from", "valid_until", "register_opens_at", "register_closes_at"):
            value = _aware(value) if value not in ("",) else None
        setattr(campaign, name, value)
    return {name: list(fields[name] or []) for name in M2M if name in fields}


def _clean_rounds(rounds: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rounds or []):
        opens, closes = _aware(row.get("opens_at")), _aware(row.get("closes_at"))
        stock = row.get("stock")
        label = _("Round %(n)s: ") % {"n": i + 1}
        if not isinstance(opens, dt.datetime) or not isinstance(closes, dt.datetime):
            raise field_error("rounds", label + _("give the opening and closing time."))
        if closes <= opens:
            raise field_error("rounds", label + _("it must close after it opens."))
        try:
            stock = int(stock)
        except (TypeError, ValueError) as exc:
            raise field_error("rounds", label + _("give the number of vouchers.")) from exc
        if stock < 1:
            raise field_error("rounds", label + _("give at least one voucher."))
        out.append({"opens_at": opens, "closes_at": closes, "stock": stock})
    if len(out) > MAX_ROUNDS:
        raise field_error("rounds", _("At most %(max)s rounds.") % {"max": MAX_ROUNDS})
    out.sort(key=lambda r: r["opens_at"])
    for before, after in itertools.pairwise(out):
        if after["opens_at"] < before["closes_at"]:
            raise field_error("rounds", _("Rounds must not overlap."))
    return out


def _validate(campaign: Campaign, rounds: list[dict[str, Any]], m2m: dict[str, list]) -> None:
    """Field-named 400s for an inconsistent campaign (everything checked, first error raised)."""
    if not campaign.title:
        raise field_error("title", _("Give the campaign a title."), code="required")
    if len(campaign.title) > 200:
        raise field_error("title", _("At most 200 characters."))
    if campaign.kind not in VoucherKind.values:
        raise field_error("kind", _("Choose a voucher kind."))
    if campaign.kind == VoucherKind.EXPERIENCE:
        if campaign.experience not in Experience.values:
            raise field_error("experience", _("Choose the kind of experience."))
    else:
        campaign.experience = ""
    if campaign.face_value is None or Decimal(campaign.face_value) <= 0:
        raise field_error("face_value", _("The face value must be more than zero."))
    if campaign.threshold is None or Decimal(campaign.threshold) < 0:
        raise field_error("threshold", _("Enter an amount in yuan."))
    if not campaign.total:
        raise field_error("total", _("Give the total number of vouchers."), code="required")
    if campaign.allocation not in Allocation.values:
        raise field_error("allocation", _("Choose how vouchers are given out."))
    if not isinstance(campaign.valid_from, dt.datetime):
        raise field_error("valid_from", _("Give the start of validity."), code="required")
    if not isinstance(campaign.valid_until, dt.datetime) or campaign.valid_until <= campaign.valid_from:
        raise field_error("valid_until", _("Validity must end after it starts."))
    bad = [o for o in campaign.occupations if o not in Occupation.values]
    if bad:
        raise field_error("occupations", _("Unknown occupation: %(value)s.") % {"value": bad[0]})
    if campaign.eligible_org is not None and not campaign.eligible_org.path.startswith(campaign.org.path):
        raise field_error("eligible_org", _("Choose a union within the funding union."))
    if campaign.allocation == Allocation.FIRST_COME:
        if not rounds:
            raise field_error("rounds", _("Add at least one release round."), code="required")
        if sum(r["stock"] for r in rounds) != campaign.total:
            raise field_error("total", _("The rounds' stock must add up to the total."))
        if rounds[0]["opens_at"] >= campaign.valid_until:
            raise field_error("rounds", _("Rounds must open before the vouchers' validity ends."))
    else:
        if rounds:
            raise field_error("rounds", _("A lottery has no release rounds: winners are drawn."))
        opens, closes = campaign.register_opens_at, campaign.register_closes_at
        if not isinstance(opens, dt.datetime):
            raise field_error("register_opens_at", _("Give the registration window."), code="required")
        if not isinstance(closes, dt.datetime) or closes <= opens:
            raise field_error("register_closes_at", _("Registration must close after it opens."))
        if closes >= campaign.valid_until:
            raise field_error("register_closes_at", _("Registration must close before validity ends."))
    _check_merchants(campaign.org, m2m)


def _check_merchants(org: Org, m2m: dict[str, list]) -> None:
    merchants = m2m.get("merchants") or []
    for merchant in merchants:
        path = merchant.org.path
        if not (org.path.startswith(path) or path.startswith(org.path)):
            raise field_error(
                "merchants", _("%(name)s is not a partner of this union.") % {"name": merchant.name}
            )
    ids = {m.pk for m in merchants}
    for outlet in m2m.get("outlets") or []:
        if outlet.merchant_id not in ids:
            raise field_error(
                "outlets", _("%(name)s does not belong to a chosen merchant.") % {"name": outlet.name}
            )


def _current_m2m(campaign: Campaign, m2m: dict[str, list]) -> dict[str, list]:
    out = dict(m2m)
    if "merchants" not in out:
        out["merchants"] = list(campaign.merchants.select_related("org"))
    if "outlets" not in out:
        out["outlets"] = list(campaign.outlets.all())
    return out


def _resolve_m2m(m2m: dict[str, list]) -> dict[str, list]:
    """Accept objects or ids."""
    out: dict[str, list] = {}
    if "merchants" in m2m:
        ids = [getattr(m, "pk", m) for m in m2m["merchants"]]
        found = {m.pk: m for m in Merchant.objects.select_related("org").filter(pk__in=ids)}
        if len(found) != len(set(ids)):
            raise field_error("merchants", _("Unknown merchant."))
        out["merchants"] = list(found.values())
    if "outlets" in m2m:
        ids = [getattr(o, "pk", o) for o in m2m["outlets"]]
        found_outlets = list(Outlet.objects.filter(pk__in=ids))
        if len(found_outlets) != len(set(ids)):
            raise field_error("outlets", _("Unknown outlet."))
        out["outlets"] = found_outlets
    return out


def _save_rounds(campaign: Campaign, rounds: list[dict[str, Any]]) -> None:
    Round.objects.filter(campaign=campaign).delete()
    Round.objects.bulk_create(
        [Round(campaign=campaign, number=i, **values) for i, values in enumerate(rounds, start=1)]
    )


def _rounds_of(campaign: Campaign) -> list[dict[str, Any]]:
    return [
        {"opens_at": r.opens_at, "closes_at": r.closes_at, "stock": r.stock}
        for r in campaign.rounds.order_by("number")
    ]


@transaction.atomic
def campaign_create(*, actor: Any, org: Org, rounds: Any = (), **fields: Any) -> Campaign:
    """A draft campaign funded by `org` (benefits.manage there). `fields`: see FIELDS plus
    `merchants` / `outlets` (objects or ids; outlets empty: every outlet of the merchants).
    `rounds`: [{opens_at, closes_at, stock}] (first come: at least one, not overlapping, stock
    adding up to `total`; lottery: none, a registration window instead, `total` = winners).
    Field-named 400s. Audited `campaign.create`."""
    check(actor, Cap.BENEFITS_MANAGE, org)
    campaign = Campaign(org=org, status=CampaignStatus.DRAFT, created_by=user_or_none(actor))
    fields.setdefault("allocation", Allocation.FIRST_COME)
    m2m = _resolve_m2m(_apply(campaign, fields))
    cleaned = _clean_rounds(rounds)
    _validate(campaign, cleaned, m2m)
    campaign.save()
    _save_rounds(campaign, cleaned)
    for name, values in m2m.items():
        getattr(campaign, name).set(values)
    audit_log(
        actor=actor,
        action="campaign.create",
        obj=campaign,
        data={"title": campaign.title, "total": campaign.total, "allocation": campaign.allocation},
    )
    return campaign


def _forget(campaign: Campaign) -> None:
    """Drop cached snapshots and flags now and again after commit (a reader in between may
    have cached the old state)."""
    pk = campaign.pk
    cache.forget(pk)
    transaction.on_commit(lambda: cache.forget(pk))


def _lock(campaign: Campaign) -> Campaign:
    return (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("org", "eligible_org")
        .get(pk=campaign.pk)
    )


@transaction.atomic
def campaign_update(*, actor: Any, campaign: Campaign, rounds: Any = None, **fields: Any) -> Campaign:
    """Change a draft (409 invalid_transition otherwise): the keys present in `fields`, and the
    rounds when `rounds` is given (replaced). Validated as a whole like campaign_create.
    Audited `campaign.update`."""
    campaign = _lock(campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise invalid(_("Only a draft can be edited."))
    m2m = _resolve_m2m(_apply(campaign, fields))
    cleaned = _clean_rounds(rounds) if rounds is not None else _rounds_of(campaign)
    _validate(campaign, cleaned, _current_m2m(campaign, m2m))
    campaign.save()
    if rounds is not None:
        _save_rounds(campaign, cleaned)
    for name, values in m2m.items():
        getattr(campaign, name).set(values)
    changed = sorted([*fields, *(["rounds"] if rounds is not None else [])])
    audit_log(actor=actor, action="campaign.update", obj=campaign, data={"fields": changed})
    _forget(campaign)
    return campaign


@transaction.atomic
def campaign_publish(*, actor: Any, campaign: Campaign) -> Campaign:
    """Draft → published. Re-validated; its validity must not be over. A lottery commits to its
    draw now: seed = 32 random bytes (hex), kept secret; seed_hash = SHA-256 of the seed's text,
    shown from now on; the seed is shown after the draw (benefits.services.lottery).
    Audited `campaign.publish`."""
    campaign = _lock(campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise invalid(_("Only a draft can be published."))
    now = timezone.now()
    _validate(campaign, _rounds_of(campaign), _current_m2m(campaign, {}))
    if campaign.valid_until <= now:
        raise field_error("valid_until", _("The vouchers' validity is already over."))
    if campaign.allocation == Allocation.LOTTERY:
        campaign.seed = secrets.token_hex(32)
        campaign.seed_hash = hashlib.sha256(campaign.seed.encode()).hexdigest()
    campaign.status = CampaignStatus.PUBLISHED
    campaign.published_at = now
    campaign.save(update_fields=["seed", "seed_hash", "status", "published_at", "updated_at"])
    audit_log(actor=actor, action="campaign.publish", obj=campaign, data={"seed_hash": campaign.seed_hash})
    _forget(campaign)
    return campaign


@transaction.atomic
def campaign_end(*, actor: Any, campaign: Campaign, reason: str = "") -> Campaign:
    """Published / running → ended now: no more claims, registrations or draws; vouchers already
    held stay valid until they expire. Audited `campaign.end`."""
    campaign = _lock(campaign)
    if campaign.status not in (CampaignStatus.PUBLISHED, CampaignStatus.RUNNING):
        raise invalid(_("Only a published or running campaign can be ended."))
    campaign.status = CampaignStatus.ENDED
    campaign.ended_at = timezone.now()
    campaign.save(update_fields=["status", "ended_at", "updated_at"])
    audit_log(actor=actor, action="campaign.end", obj=campaign, data={"early": True, "reason": reason[:300]})
    _forget(campaign)
    return campaign
