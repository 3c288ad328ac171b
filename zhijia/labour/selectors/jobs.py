"""Reads of jobs, referrals and the funnel, limited to the actor's scope: a job is seen with
labour.view on its employer; a referral with labour.view on its job's employer or on its
person's village."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

from ..enums import FUNNEL, JobStatus, ReferralStep
from ..models import Job, Referral

STAGE_FIELD = {
    ReferralStep.REFERRED: "referred_on",
    ReferralStep.INTERVIEWED: "interviewed_on",
    ReferralStep.HIRED: "hired_on",
    ReferralStep.RETAINED_30: "retained30_on",
    ReferralStep.RETAINED_90: "retained90_on",
}


def visible_jobs_q(actor: Any) -> Q:
    """Jobs the actor sees: labour.view on the employer."""
    return scope_for(actor, Cap.LABOUR_VIEW).q("org")


def job_list(*, actor: Any, org: Org | None = None, status: str | None = None) -> QuerySet[Job]:
    qs = Job.objects.filter(scope_for(actor, Cap.LABOUR_VIEW).q("org")).select_related("org", "place_org")
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path"))
    if status in JobStatus.values:
        qs = qs.filter(status=status)
    return qs.annotate(
        referred=Count("referrals"), hired=Count("referrals", filter=Q(referrals__hired_on__isnull=False))
    ).order_by("-created_at")


def referral_list(
    *,
    actor: Any,
    job: Job | None = None,
    employer: Org | None = None,
    village: Org | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Referral]:
    scope = scope_for(actor, Cap.LABOUR_VIEW)
    qs = Referral.objects.filter(scope.q("job__org") | scope.q("entry__org")).select_related(
        "job__org", "entry__person", "entry__org"
    )
    if job is not None:
        qs = qs.filter(job=job)
    if employer is not None:
        qs = qs.filter(subtree_q(employer.path, "job__org__path"))
    if village is not None:
        qs = qs.filter(subtree_q(village.path, "entry__org__path"))
    if start is not None:
        qs = qs.filter(referred_on__gte=start)
    if end is not None:
        qs = qs.filter(referred_on__lte=end)
    return qs


def funnel(referrals: QuerySet[Referral]) -> dict[str, int]:
    """How many referrals reached each stage (a referral hired without an interview counts as
    interviewed: the stages are nested)."""
    counts = referrals.aggregate(
        **{
            stage: Count(
                "pk",
                filter=Q(**{f"{STAGE_FIELD[stage]}__isnull": False})
                | Q(
                    **{
                        f"{STAGE_FIELD[later]}__isnull": False
                        for later in FUNNEL[FUNNEL.index(stage) + 1 : FUNNEL.index(stage) + 2]
                    }
                ),
            )
            for stage in FUNNEL
        }
    )
    return {str(k): int(v or 0) for k, v in counts.items()}


def unit_funnel(*, actor: Any, unit: Org) -> list[tuple[str, int]]:
    """The funnel of the people of `unit`'s villages (labour.view scope): registered → open to
    job matching (a live consent) → referred → interviewed → hired → still in the job after 30
    and 90 days, as (stage code, count)."""
    from django.db.models import Exists, OuterRef

    from zhijia.members.enums import ConsentPurpose
    from zhijia.members.models import Consent

    from ..models import RegistryPerson

    people = RegistryPerson.objects.filter(scope_for(actor, Cap.LABOUR_VIEW).q("org")).filter(
        subtree_q(unit.path, "org__path")
    )
    live = Consent.objects.filter(
        person=OuterRef("person"), purpose=ConsentPurpose.JOB_MATCHING, withdrawn_at__isnull=True
    )
    counts = people.aggregate(registered=Count("pk"), matchable=Count("pk", filter=Q(Exists(live))))
    stages = funnel(referral_list(actor=actor, village=unit))
    return [("registered", counts["registered"]), ("matchable", counts["matchable"])] + [
        (str(stage), stages[str(stage)]) for stage in FUNNEL
    ]
