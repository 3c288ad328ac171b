"""Access to honours: 404 for a missing / malformed id or one outside every grant, 403 inside
without the capability. A campaign is the organiser's (honours.manage); unions holding a quota
read it with honours.nominate. A nomination is read by its nominating union (honours.nominate)
and by the unions above it (honours.manage); it is reviewed by the union whose turn it is."""

from typing import Any

from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap

from .enums import NominationStatus
from .models import Assessment, Campaign, CriteriaSet, Nomination, Objection


def _get(qs, id: Any):
    pk = parse_uuid(id)
    obj = qs.filter(pk=pk).first() if pk else None
    if obj is None:
        raise NotFound(code="not_found")
    return obj


def _reads(actor: Any, org: Any) -> bool:
    return scope_for(actor, Cap.HONOURS_MANAGE).contains(org) or scope_for(
        actor, Cap.HONOURS_NOMINATE
    ).contains(org)


def access_campaign(*, actor: Any, id: Any, cap: str = Cap.HONOURS_MANAGE) -> Campaign:
    campaign = _get(Campaign.objects.select_related("org"), id)
    check(actor, cap, campaign.org)
    return campaign


def read_campaign(*, actor: Any, id: Any) -> Campaign:
    """The organiser, or a union holding a quota in it (honours.nominate on that union)."""
    campaign = _get(Campaign.objects.select_related("org"), id)
    if _reads(actor, campaign.org):
        return campaign
    for quota in campaign.quotas.select_related("org"):
        if scope_for(actor, Cap.HONOURS_NOMINATE).contains(quota.org):
            return campaign
    if scope_for(actor).contains(campaign.org):
        raise PermissionDenied(code="permission_denied")
    raise NotFound(code="not_found")


def access_nomination(*, actor: Any, id: Any, cap: str | None = None) -> Nomination:
    """`cap` None: read (honours.nominate or honours.manage on the nominating union)."""
    nomination = _get(Nomination.objects.select_related("campaign__org", "org", "at_org", "person"), id)
    if cap is None:
        if not scope_for(actor).contains(nomination.org):
            raise NotFound(code="not_found")
        if not _reads(actor, nomination.org):
            raise PermissionDenied(code="permission_denied")
    else:
        check(actor, cap, nomination.org)
    return nomination


def public_nomination(*, id: Any) -> Nomination:
    """A nominee on public notice (公示), reachable by anyone."""
    return _get(
        Nomination.objects.select_related("campaign__org", "org", "person").filter(
            status=NominationStatus.PUBLICITY
        ),
        id,
    )


def access_objection(*, actor: Any, id: Any) -> Objection:
    objection = _get(Objection.objects.select_related("nomination__campaign__org", "author"), id)
    check(actor, Cap.HONOURS_MANAGE, objection.nomination.campaign.org)
    return objection


def access_criteria(*, actor: Any, id: Any) -> CriteriaSet:

    criteria = _get(CriteriaSet.objects.select_related("org"), id)
    check(actor, Cap.HONOURS_MANAGE, criteria.org)
    return criteria


def public_criteria(*, id: Any) -> CriteriaSet:
    """A published criteria set, readable by anyone (the unions below prepare for it)."""

    return _get(CriteriaSet.objects.select_related("org").filter(published=True), id)


def access_assessment(*, actor: Any, id: Any, cap: str | None = None) -> Assessment:
    """`cap` None: read — the assessed union (honours.nominate) or the issuing union
    (honours.manage); otherwise `cap` on the assessed union."""

    assessment = _get(Assessment.objects.select_related("org", "criteria__org"), id)
    if cap is not None:
        check(actor, cap, assessment.org)
        return assessment
    if scope_for(actor, Cap.HONOURS_NOMINATE).contains(assessment.org) or scope_for(
        actor, Cap.HONOURS_MANAGE
    ).contains(assessment.criteria.org):
        return assessment
    if scope_for(actor).contains(assessment.org):
        raise PermissionDenied(code="permission_denied")
    raise NotFound(code="not_found")
