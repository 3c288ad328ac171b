"""Reads of honours, limited to the actor's scope; names masked in every list."""

from typing import Any

from django.db.models import Q, QuerySet

from zhijia.core.masking import mask_name
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap

from .enums import CampaignStatus, NominationStatus
from .models import Award, Campaign, Nomination, Objection, Quota, Review


def _reads_q(actor: Any, field: str) -> Q:
    return scope_for(actor, Cap.HONOURS_MANAGE).q(field) | scope_for(actor, Cap.HONOURS_NOMINATE).q(field)


def campaign_list(*, actor: Any) -> QuerySet[Campaign]:
    """Campaigns the actor organises, or where a union in its nominating scope holds a quota."""
    quota_q = scope_for(actor, Cap.HONOURS_NOMINATE).q("org")
    with_quota = Quota.objects.filter(quota_q).values("campaign_id")
    return (
        Campaign.objects.select_related("org")
        .filter(_reads_q(actor, "org") | Q(pk__in=with_quota))
        .exclude(~Q(scope_for(actor, Cap.HONOURS_MANAGE).q("org")) & Q(status=CampaignStatus.DRAFT))
        .distinct()
    )


def quotas(campaign: Campaign) -> list[dict]:
    used: dict = {}
    from .enums import LIVE

    for org_id in Nomination.objects.filter(campaign=campaign, status__in=LIVE).values_list(
        "org_id", flat=True
    ):
        used[org_id] = used.get(org_id, 0) + 1
    return [
        {"org_id": q.org_id, "name": q.org.name, "quota": q.quota, "used": used.get(q.org_id, 0)}
        for q in Quota.objects.filter(campaign=campaign).select_related("org").order_by("org__path")
    ]


def nominations(campaign: Campaign, *, actor: Any) -> QuerySet[Nomination]:
    """The nominations of `campaign` the actor may read (its own union's, and those below it)."""
    return (
        Nomination.objects.filter(campaign=campaign)
        .filter(_reads_q(actor, "org"))
        .select_related("org", "at_org", "person", "campaign")
    )


def review_queue(*, actor: Any) -> QuerySet[Nomination]:
    """Nominations waiting for a union in the actor's honours.manage scope."""
    return (
        Nomination.objects.filter(status=NominationStatus.SUBMITTED)
        .filter(scope_for(actor, Cap.HONOURS_MANAGE).q("at_org"))
        .select_related("campaign", "org", "at_org", "person")
    )


def nominee_label(nomination: Nomination | Award) -> str:
    """A person's name masked (张*), or the team / unit named."""
    if nomination.team_title:
        return nomination.team_title
    person = nomination.person
    return mask_name(person.name) if person is not None else "—"


def reviews(nomination: Nomination) -> list[Review]:
    return list(Review.objects.filter(nomination=nomination).select_related("org"))


def objections(campaign: Campaign) -> QuerySet[Objection]:
    return Objection.objects.filter(nomination__campaign=campaign).select_related(
        "nomination__org", "nomination__person"
    )


def public_notices() -> list[dict]:
    """Campaigns on public notice with their nominees (names masked), for the public page."""
    out = []
    for campaign in Campaign.objects.filter(status=CampaignStatus.PUBLICITY).select_related("org"):
        noms = Nomination.objects.filter(campaign=campaign, status=NominationStatus.PUBLICITY).select_related(
            "org", "person"
        )
        out.append(
            {
                "campaign": campaign,
                "nominees": [
                    {
                        "id": n.pk,
                        "name": nominee_label(n),
                        "unit": n.org.name,
                        "job_title": n.job_title,
                        "category": n.get_category_display(),
                        "deeds": n.deeds,
                    }
                    for n in noms
                ],
            }
        )
    return out


def register(*, actor: Any, org: Any = None) -> QuerySet[Award]:
    """The honours register of the units in the actor's scope (optionally one unit's subtree)."""
    from zhijia.orgs.tree import subtree_q

    qs = Award.objects.filter(_reads_q(actor, "org")).select_related("org", "person", "awarded_by")
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path"))
    return qs


def honours_of_person(person: Any) -> QuerySet[Award]:
    return Award.objects.filter(person=person).select_related("org", "awarded_by")


def my_honours(*, user: Any) -> QuerySet[Award]:
    if not getattr(user, "is_authenticated", False):
        return Award.objects.none()
    return Award.objects.filter(person__user=user).select_related("org", "awarded_by")


def campaign_units(campaign: Campaign) -> list[Any]:
    """The units within two levels under the organiser, for its quota form (at most 300)."""
    from zhijia.orgs.models import Org
    from zhijia.orgs.tree import subtree_q

    org = campaign.org
    units = Org.objects.filter(subtree_q(org.path)).filter(depth__lte=org.depth + 2)
    return list(units.order_by("path")[:300])


def nominee_members(unit: Any) -> list[Any]:
    """Active members in `unit`'s subtree a union may nominate, by pinyin (at most 300)."""
    from zhijia.members.enums import ACTIVE_STATUSES
    from zhijia.members.models import Membership
    from zhijia.orgs.tree import subtree_q

    rows = Membership.objects.filter(subtree_q(unit.path, "org__path"), status__in=ACTIVE_STATUSES)
    return list(rows.select_related("person", "org").order_by("person__name_pinyin")[:300])


# -- star-rated unions ---------------------------------------------------------------------------


def criteria_issued(*, actor: Any, org: Any) -> QuerySet:
    """The criteria sets `org` issued, when the actor runs star ratings there (honours.manage)."""
    from .models import CriteriaSet

    if not scope_for(actor, Cap.HONOURS_MANAGE).contains(org):
        return CriteriaSet.objects.none()
    return CriteriaSet.objects.filter(org=org).select_related("org").prefetch_related("items")


def criteria_above(org: Any) -> QuerySet:
    """Published criteria sets issued by the unions above `org` (it may be assessed under them)."""
    from zhijia.orgs.tree import ancestor_paths

    from .models import CriteriaSet

    ancestors = [p for p in ancestor_paths(org.path) if p != org.path]
    return CriteriaSet.objects.filter(published=True, org__path__in=ancestors).select_related("org")


def criteria_items(criteria: Any) -> list[Any]:
    return list(criteria.items.order_by("order"))


def assessments_under(criteria: Any) -> list[Any]:
    """Every assessment under `criteria` (for its issuing union), with the award if any."""
    from .models import Assessment

    return list(
        Assessment.objects.filter(criteria=criteria).select_related("org", "award").order_by("org__path")
    )


def assessments_of(org: Any) -> list[Any]:
    """`org`'s own assessments, newest first, with their criteria and award."""
    from .models import Assessment

    return list(
        Assessment.objects.filter(org=org).select_related("criteria__org", "award").order_by("-created_at")
    )


def assessment_lines(assessment: Any) -> list[Any]:
    """The assessment's items with their criteria, in the set's order."""
    from .models import AssessmentItem

    return list(
        AssessmentItem.objects.filter(assessment=assessment)
        .select_related("criterion")
        .order_by("criterion__order")
    )


def star_award_of(assessment: Any) -> Any:
    from .models import StarAward

    return StarAward.objects.filter(assessment=assessment).first()


def units_below(org: Any) -> list[Any]:
    """The units within two levels below `org` (not itself), for a form (at most 300)."""
    from zhijia.orgs.models import Org
    from zhijia.orgs.tree import subtree_q

    units = Org.objects.filter(subtree_q(org.path)).filter(depth__lte=org.depth + 2).exclude(pk=org.pk)
    return list(units.order_by("path")[:300])


def materials_of(nomination: Any) -> QuerySet:
    """The files attached to a nomination (the content deferred), oldest first; the caller
    has checked who may read the nomination."""
    from .models import Material

    return Material.objects.filter(nomination=nomination).defer("content").select_related("uploaded_by")


def evidence_of(assessment: Any) -> QuerySet:
    """The files uploaded as evidence on an assessment's items (the content deferred)."""
    from .models import Evidence

    return (
        Evidence.objects.filter(item__assessment=assessment)
        .defer("content")
        .select_related("uploaded_by", "item__criterion")
    )
