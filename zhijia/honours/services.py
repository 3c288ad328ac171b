"""Writes of honours. Campaign: draft → open (nominations) → reviewing → publicity (公示) →
closed (awarded). Nomination: draft → submitted (sent up the tree one union at a time:
`at_org` is whose turn it is; the organiser's approval ends it) → approved → publicity →
awarded, with returned / rejected / withdrawn on the way. Quotas and composition rules are
checked when a union submits its nominations (409 quota_exceeded / composition_rule); an
objection upheld during 公示 withdraws the nomination; closing the campaign writes the honours
register (Award). Every change is audited in its transaction."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, field_error
from zhijia.core.validators.text import checked_text as _text
from zhijia.core.workdays import add_working_days
from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import is_within

from . import error_codes as E
from .enums import (
    CAMPAIGN_TRANSITIONS,
    LIVE,
    NOMINATION_TRANSITIONS,
    UNIT_KINDS,
    CampaignStatus,
    Category,
    Decision,
    HonourKind,
    NominationStatus,
    ObjectionStatus,
)
from .models import Award, Campaign, Nomination, Objection, Quota, Review

N = NominationStatus
MAX_QUOTA = 500


def _require(actor: Any, cap: str, org: Any) -> None:
    if actor is not None:
        check(actor, cap, org)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _pct(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise field_error(field, _("Enter a whole number from 0 to 100."))
    return value


def _move(obj: Any, to: str, transitions: dict[str, tuple[str, ...]]) -> None:
    if to not in transitions.get(obj.status, ()):
        raise Conflict(
            _("This step is not possible in the current state (%(status)s).")
            % {"status": obj.get_status_display()},
            code=E.INVALID_TRANSITION,
        )
    obj.status = to


def _below(org: Org, root: Org, *, strictly: bool = False) -> bool:
    return is_within(org.path, root.path) and not (strictly and org.pk == root.pk)


# -- campaigns -----------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    org: Org,
    title: str,
    kind: str,
    year: int,
    closes_on: dt.date,
    frontline_min_pct: int = 0,
    managers_max_pct: int = 100,
    publicity_days: int = 5,
) -> Campaign:
    _require(actor, Cap.HONOURS_MANAGE, org)
    if kind not in HonourKind.values:
        raise field_error("kind", _("Choose a valid honour."))
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise field_error("year", _("Enter a year from 2000 to 2100."))
    if not isinstance(closes_on, dt.date) or closes_on < timezone.localdate():
        raise field_error("closes_on", _("Enter a date from today on."))
    if (
        isinstance(publicity_days, bool)
        or not isinstance(publicity_days, int)
        or not 5 <= publicity_days <= 30
    ):
        raise field_error("publicity_days", _("Enter 5 to 30 working days."))
    campaign = Campaign.objects.create(
        org=org,
        title=_text("title", title, 200),
        kind=kind,
        year=year,
        closes_on=closes_on,
        frontline_min_pct=_pct("frontline_min_pct", frontline_min_pct),
        managers_max_pct=_pct("managers_max_pct", managers_max_pct),
        publicity_days=publicity_days,
    )
    audit_log(actor=actor, action="honours.campaign_create", obj=campaign)
    return campaign


@transaction.atomic
def quota_set(*, actor: Any, campaign: Campaign, org: Org, quota: int) -> Quota:
    """A union in the organiser's subtree may nominate `quota` (0 removes its quota)."""
    _require(actor, Cap.HONOURS_MANAGE, campaign.org)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
        raise Conflict(_("Quotas are set before the review starts."), code=E.INVALID_TRANSITION)
    if not _below(org, campaign.org):
        raise field_error("org_id", _("Choose a union within the organiser's tree."))
    if isinstance(quota, bool) or not isinstance(quota, int) or not 0 <= quota <= MAX_QUOTA:
        raise field_error("quota", _("Enter a whole number from 0 to %(n)d.") % {"n": MAX_QUOTA})
    row, _created = Quota.objects.update_or_create(campaign=campaign, org=org, defaults={"quota": quota})
    audit_log(
        actor=actor, action="honours.quota_set", obj=campaign, data={"org": str(org.pk), "quota": quota}
    )
    return row


@transaction.atomic
def campaign_step(*, actor: Any, campaign: Campaign, to: str) -> Campaign:
    _require(actor, Cap.HONOURS_MANAGE, campaign.org)
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign.pk)
    today = timezone.localdate()
    _move(campaign, to, CAMPAIGN_TRANSITIONS)
    noms = Nomination.objects.filter(campaign=campaign)
    if to == CampaignStatus.OPEN and not Quota.objects.filter(campaign=campaign, quota__gt=0).exists():
        raise Conflict(_("Give at least one union a quota first."), code=E.NO_QUOTA)
    if to == CampaignStatus.PUBLICITY:
        if noms.filter(status=N.SUBMITTED).exists():
            raise Conflict(_("Some nominations still wait for review."), code=E.INVALID_TRANSITION)
        # drafts never sent and returned ones not sent again by the close of nominations lapse
        noms.filter(status__in=(N.DRAFT, N.RETURNED)).update(status=N.WITHDRAWN, at_org=None)
        noms.filter(status=N.APPROVED).update(status=N.PUBLICITY)
        campaign.publicity_from = today
        campaign.publicity_until = add_working_days(today, campaign.publicity_days)
    if to == CampaignStatus.CLOSED:
        if campaign.publicity_until is None or today <= campaign.publicity_until:
            raise Conflict(_("The public notice has not ended."), code=E.PUBLICITY_RUNNING)
        if Objection.objects.filter(nomination__campaign=campaign, status=ObjectionStatus.OPEN).exists():
            raise Conflict(_("Decide every objection first."), code=E.OBJECTIONS_OPEN)
        for nom in noms.filter(status=N.PUBLICITY).select_related("org", "person"):
            Award.objects.create(
                nomination=nom,
                person=nom.person,
                org=nom.org,
                kind=campaign.kind,
                title=campaign.title,
                team_title=nom.team_title,
                year=campaign.year,
                awarded_on=today,
                awarded_by=campaign.org,
            )
        noms.filter(status=N.PUBLICITY).update(status=N.AWARDED)
    campaign.save()
    audit_log(actor=actor, action="honours.campaign_step", obj=campaign, data={"to": to})
    return campaign


# -- nominations ---------------------------------------------------------------------------------


def _quota(campaign: Campaign, org: Org) -> int:
    row = Quota.objects.filter(campaign=campaign, org=org).first()
    return row.quota if row else 0


@transaction.atomic
def nomination_create(
    *,
    actor: Any,
    campaign: Campaign,
    org: Org,
    membership: Membership | None = None,
    team_title: str = "",
    category: str,
    job_title: str = "",
    deeds: str,
) -> Nomination:
    """A draft nomination by union `org`; a person honour names an active member of the union's
    tree, a unit honour (工人先锋号) a team or unit."""
    _require(actor, Cap.HONOURS_NOMINATE, org)
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN or timezone.localdate() > campaign.closes_on:
        raise Conflict(_("This campaign takes no nominations now."), code=E.NOT_OPEN)
    quota = _quota(campaign, org)
    if quota == 0:
        raise Conflict(_("This union holds no quota in the campaign."), code=E.NO_QUOTA)
    if category not in Category.values:
        raise field_error("category", _("Choose a valid category."))
    person = None
    if campaign.kind in UNIT_KINDS:
        team_title = _text("team_title", team_title, 200)
    else:
        team_title = ""
        if membership is None:
            raise field_error("membership_id", _("Choose the member."), "required")
        if membership.status not in ACTIVE_STATUSES or not _below(membership.org, org):
            raise field_error("membership_id", _("Choose an active member of this union."))
        person = membership.person
        if Nomination.objects.filter(campaign=campaign, person=person, status__in=LIVE).exists():
            raise Conflict(_("This person is nominated already."), code=E.DUPLICATE)
    if Nomination.objects.filter(campaign=campaign, org=org, status__in=LIVE).count() >= quota:
        raise Conflict(
            _("The union's quota of %(n)d nominations is used.") % {"n": quota}, code=E.QUOTA_EXCEEDED
        )
    nomination = Nomination.objects.create(
        campaign=campaign,
        org=org,
        person=person,
        team_title=team_title,
        category=category,
        job_title=_text("job_title", job_title, 100, required=False),
        deeds=_text("deeds", deeds, 20000),
    )
    audit_log(actor=actor, action="honours.nomination_create", obj=nomination)
    return nomination


@transaction.atomic
def nomination_edit(
    *, actor: Any, nomination: Nomination, category: str, job_title: str, deeds: str
) -> Nomination:
    """The nominating union edits a draft or a returned nomination (a returned one becomes a draft)."""
    _require(actor, Cap.HONOURS_NOMINATE, nomination.org)
    nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination.pk)
    if nomination.status not in (N.DRAFT, N.RETURNED):
        raise Conflict(_("Only a draft or a returned nomination can be edited."), code=E.INVALID_TRANSITION)
    if category not in Category.values:
        raise field_error("category", _("Choose a valid category."))
    nomination.category = category
    nomination.job_title = _text("job_title", job_title, 100, required=False)
    nomination.deeds = _text("deeds", deeds, 20000)
    nomination.status = N.DRAFT
    nomination.at_org = None
    nomination.save()
    audit_log(actor=actor, action="honours.nomination_edit", obj=nomination)
    return nomination


def composition_problems(campaign: Campaign, noms: list[Nomination]) -> list[str]:
    """The composition rules as code, over one union's nominations: frontline workers at least
    `frontline_min_pct` per cent, enterprise managers at most `managers_max_pct` per cent."""
    total = len(noms)
    if not total:
        return []
    problems = []
    frontline = sum(1 for n in noms if n.category == Category.FRONTLINE)
    managers = sum(1 for n in noms if n.category == Category.MANAGER)
    if frontline * 100 < campaign.frontline_min_pct * total:
        problems.append(
            _("Frontline workers must be at least %(pct)d%% of the nominees (%(n)d of %(total)d now).")
            % {"pct": campaign.frontline_min_pct, "n": frontline, "total": total}
        )
    if managers * 100 > campaign.managers_max_pct * total:
        problems.append(
            _("Managers may be at most %(pct)d%% of the nominees (%(n)d of %(total)d now).")
            % {"pct": campaign.managers_max_pct, "n": managers, "total": total}
        )
    return problems


def _next_reviewer(org: Org, campaign: Campaign) -> Org:
    if org.pk == campaign.org_id or org.parent_id is None:
        return campaign.org
    return org.parent  # type: ignore[return-value]


@transaction.atomic
def nominations_submit(*, actor: Any, campaign: Campaign, org: Org) -> int:
    """Union `org` sends its drafts up for review, once its whole list meets the quota and the
    composition rules. Returns how many were sent."""
    _require(actor, Cap.HONOURS_NOMINATE, org)
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN or timezone.localdate() > campaign.closes_on:
        raise Conflict(_("This campaign takes no nominations now."), code=E.NOT_OPEN)
    live = list(Nomination.objects.filter(campaign=campaign, org=org, status__in=LIVE))
    drafts = [n for n in live if n.status == N.DRAFT]
    if not drafts:
        raise Conflict(_("There is no draft nomination to submit."), code=E.INVALID_TRANSITION)
    quota = _quota(campaign, org)
    if len(live) > quota:
        raise Conflict(
            _("The union's quota of %(n)d nominations is used.") % {"n": quota}, code=E.QUOTA_EXCEEDED
        )
    problems = composition_problems(campaign, live)
    if problems:
        raise Conflict(" ".join(problems), code=E.COMPOSITION_RULE)
    reviewer = _next_reviewer(Org.objects.get(pk=org.pk), campaign)
    Nomination.objects.filter(pk__in=[n.pk for n in drafts]).update(
        status=N.SUBMITTED, at_org=reviewer, updated_at=timezone.now()
    )
    audit_log(
        actor=actor, action="honours.nominations_submit", obj=campaign, org=org, data={"n": len(drafts)}
    )
    return len(drafts)


@transaction.atomic
def nomination_review(*, actor: Any, nomination: Nomination, decision: str, note: str = "") -> Nomination:
    """The union whose turn it is decides: approve (below the organiser: endorse and send up to
    the next union; at the organiser: approved), return (to the nominating union, with a note),
    reject (with a note)."""
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("campaign__org", "at_org", "org")
        .get(pk=nomination.pk)
    )
    reviewer = nomination.at_org or nomination.campaign.org
    _require(actor, Cap.HONOURS_MANAGE, reviewer)
    if nomination.campaign.status not in (CampaignStatus.OPEN, CampaignStatus.REVIEWING):
        raise Conflict(_("The review of this campaign is over."), code=E.INVALID_TRANSITION)
    if decision not in ("approve", "return", "reject"):
        raise field_error("decision", _("Choose approve, return or reject."))
    note = _text("note", note, 2000, required=decision != "approve")
    if decision == "approve":
        top = reviewer.pk == nomination.campaign.org_id
        _move(nomination, N.APPROVED if top else N.SUBMITTED, NOMINATION_TRANSITIONS)
        recorded = Decision.APPROVE if top else Decision.FORWARD
        nomination.at_org = None if top else _next_reviewer(reviewer, nomination.campaign)
    else:
        _move(nomination, N.RETURNED if decision == "return" else N.REJECTED, NOMINATION_TRANSITIONS)
        recorded = Decision.RETURN if decision == "return" else Decision.REJECT
        nomination.at_org = None
    nomination.save()
    Review.objects.create(
        nomination=nomination, org=reviewer, decision=recorded, note=note, by=_user(actor), at=timezone.now()
    )
    audit_log(
        actor=actor,
        action="honours.nomination_review",
        obj=nomination,
        org=reviewer,
        data={"decision": str(recorded)},
    )
    return nomination


@transaction.atomic
def nomination_withdraw(*, actor: Any, nomination: Nomination) -> Nomination:
    _require(actor, Cap.HONOURS_NOMINATE, nomination.org)
    nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination.pk)
    _move(nomination, N.WITHDRAWN, {N.DRAFT: (N.WITHDRAWN,), N.RETURNED: (N.WITHDRAWN,)})
    nomination.at_org = None
    nomination.save()
    audit_log(actor=actor, action="honours.nomination_withdraw", obj=nomination)
    return nomination


# -- 公示 and objections ----------------------------------------------------------------------------


def publicity_running(campaign: Campaign) -> bool:
    today = timezone.localdate()
    return (
        campaign.status == CampaignStatus.PUBLICITY
        and campaign.publicity_from is not None
        and campaign.publicity_until is not None
        and campaign.publicity_from <= today <= campaign.publicity_until
    )


@transaction.atomic
def objection_submit(*, actor: Any, nomination: Nomination, body: str) -> Objection:
    """Anyone logged in objects to a nominee during the 公示 period (real-name, never shown)."""
    user = _user(actor)
    if user is None:
        raise field_error("author", _("Please log in."))
    if nomination.status != N.PUBLICITY or not publicity_running(nomination.campaign):
        raise Conflict(_("Objections are taken only during the public notice."), code=E.PUBLICITY_CLOSED)
    objection = Objection.objects.create(nomination=nomination, author=user, text=_text("text", body, 5000))
    audit_log(actor=actor, action="honours.objection_submit", obj=objection, org=nomination.campaign.org)
    return objection


@transaction.atomic
def objection_decide(*, actor: Any, objection: Objection, upheld: bool, resolution: str) -> Objection:
    """The organiser looks into an objection: upheld withdraws the nomination, dismissed keeps it."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("nomination__campaign__org")
        .get(pk=objection.pk)
    )
    campaign = objection.nomination.campaign
    _require(actor, Cap.HONOURS_MANAGE, campaign.org)
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict(_("This objection was decided."), code=E.ALREADY_DECIDED)
    if not isinstance(upheld, bool):
        raise field_error("upheld", _("Choose upheld or dismissed."))
    objection.resolution = _text("resolution", resolution, 2000)
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.decided_at = timezone.now()
    objection.save()
    if upheld:
        nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=objection.nomination_id)
        if nomination.status == N.PUBLICITY:
            nomination.status = N.WITHDRAWN
            nomination.save()
    audit_log(
        actor=actor,
        action="honours.objection_decide",
        obj=objection,
        org=campaign.org,
        data={"upheld": upheld},
    )
    return objection
