"""Jobs, referrals and their funnel.

An employer in the org tree (an enterprise's or a 乡建公司's union) posts a job (labour.manage on
it). Staff refer a registry person (labour.manage on the person's village, and labour.view on
the job's employer): only people who consented to job matching and meet the job's hard
requirements (409 not_eligible), once per job (409 already_referred). Steps follow TRANSITIONS
(409 invalid_transition); the retention steps come 30 / 90 days after hiring at the earliest
(409 too_early). Hiring is a placement: it writes one service-ledger row (source LABOUR,
credited to the person's village) and starts an employment period (local within the person's
county, else migrant with the job's place as destination) in the same transaction."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, busy_as_conflict, field_error
from zhijia.members.enums import SkillLevel
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_add

from .. import error_codes
from ..enums import (
    RETENTION_DAYS,
    TRANSITIONS,
    EmploymentStatus,
    JobStatus,
    ReferralChannel,
    ReferralStep,
    StatusSource,
)
from ..models import Job, Referral, ReferralEvent, RegistryPerson
from ..occupations import is_medium
from .common import choice, day, day_start, integer, occupation, require, text, user_or_none
from .status import status_set

STEP_DATE = {
    ReferralStep.INTERVIEWED: "interviewed_on",
    ReferralStep.HIRED: "hired_on",
    ReferralStep.RETAINED_30: "retained30_on",
    ReferralStep.RETAINED_90: "retained90_on",
    ReferralStep.DECLINED: "ended_on",
    ReferralStep.LEFT: "ended_on",
}


def _skills(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    if (
        not isinstance(value, list)
        or len(value) > 10
        or not all(isinstance(v, str) and is_medium(v) for v in value)
    ):
        raise field_error("skills", _("Choose occupation codes from the list (e.g. 4-10)."))
    return sorted(set(value))


@busy_as_conflict
@transaction.atomic
def job_create(*, actor: Any, org: Org, data: dict[str, Any]) -> Job:
    """Post a job for employer `org` (labour.manage there)."""
    require(actor, Cap.LABOUR_MANAGE, org)
    starts = day(data.get("starts_on"), "starts_on")
    ends = day(data.get("ends_on"), "ends_on", required=False, future_days=366 * 5)
    assert starts is not None
    if ends is not None and ends < starts:
        raise field_error("ends_on", _("The end cannot be before the start."))
    wage_min = integer(data.get("wage_min"), "wage_min", high=1_000_000, required=False)
    wage_max = integer(data.get("wage_max"), "wage_max", high=1_000_000, required=False)
    if wage_min is not None and wage_max is not None and wage_max < wage_min:
        raise field_error("wage_max", _("The upper wage cannot be below the lower one."))
    min_age = integer(data.get("min_age"), "min_age", low=16, high=80, required=False)
    max_age = integer(data.get("max_age"), "max_age", low=16, high=80, required=False)
    if min_age is not None and max_age is not None and max_age < min_age:
        raise field_error("max_age", _("The maximum age cannot be below the minimum."))
    place_org = data.get("place_org")
    job = Job.objects.create(
        org=org,
        title=text(data.get("title"), "title", max_length=100, required=True),
        occupation=occupation(data.get("occupation"), "occupation", required=True),
        skills=_skills(data.get("skills")),
        place=text(data.get("place"), "place", max_length=200),
        place_org=place_org if isinstance(place_org, Org) else None,
        wage_min=wage_min,
        wage_max=wage_max,
        headcount=integer(data.get("headcount", 1), "headcount", low=1, high=10_000) or 1,
        starts_on=starts,
        ends_on=ends,
        min_age=min_age,
        max_age=max_age,
        min_level=choice(data.get("min_level"), "min_level", SkillLevel.values),
        certificate=text(data.get("certificate"), "certificate", max_length=100),
        description=text(data.get("description"), "description", max_length=5000),
        live_session=data.get("live_session"),
        created_by=user_or_none(actor),
    )
    audit_log(
        actor=actor,
        action="labour.job_create",
        obj=job,
        data={"title": job.title, "occupation": job.occupation},
    )
    return job


@busy_as_conflict
@transaction.atomic
def job_close(*, actor: Any, job: Job) -> Job:
    require(actor, Cap.LABOUR_MANAGE, job.org)
    if job.status != JobStatus.CLOSED:
        Job.objects.filter(pk=job.pk).update(status=JobStatus.CLOSED, updated_at=timezone.now())
        job.status = JobStatus.CLOSED
        audit_log(actor=actor, action="labour.job_close", obj=job)
    return job


def eligible(job: Job, entry: RegistryPerson) -> bool:
    from ..selectors.matching import hard_q

    return RegistryPerson.objects.filter(pk=entry.pk).filter(hard_q(job)).exists()


@busy_as_conflict
@transaction.atomic
def referral_create(
    *,
    actor: Any,
    job: Job,
    entry: RegistryPerson,
    channel: str = ReferralChannel.STAFF,
    on: Any = None,
    note: Any = "",
) -> Referral:
    """Refer `entry` to `job` (see the module's rules)."""
    require(actor, Cap.LABOUR_MANAGE, entry.org)
    require(actor, Cap.LABOUR_VIEW, job.org)
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.OPEN:
        raise Conflict(_("This job no longer takes referrals."), code=error_codes.JOB_CLOSED)
    if not eligible(job, entry):
        raise Conflict(
            _("This person has not consented to job matching or does not meet the job's requirements."),
            code=error_codes.NOT_ELIGIBLE,
        )
    when = day(on, "on", required=False, future_days=0) or timezone.localdate()
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                job=job,
                entry=entry,
                channel=choice(channel, "channel", ReferralChannel.values) or ReferralChannel.STAFF,
                referred_on=when,
                note=text(note, "note", max_length=300),
                referred_by=user_or_none(actor),
            )
    except IntegrityError:
        raise Conflict(
            _("This person was already referred to this job."), code=error_codes.ALREADY_REFERRED
        ) from None
    ReferralEvent.objects.create(
        referral=referral, step=ReferralStep.REFERRED, on=when, actor=user_or_none(actor)
    )
    audit_log(actor=actor, action="labour.refer", obj=referral, org=entry.org, data={"job": str(job.pk)})
    return referral


def _within_county(entry: RegistryPerson, job: Job) -> bool:
    from ..selectors.matching import SEGMENT

    place = (job.place_org or job.org).path
    county = entry.org.path[: max(len(entry.org.path) - 2 * SEGMENT, 0)]
    return bool(county) and place.startswith(county)


@busy_as_conflict
@transaction.atomic
def referral_step(*, actor: Any, referral: Referral, step: str, on: Any = None, note: Any = "") -> Referral:
    """Move a referral on (labour.manage on its job's employer or its person's village)."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("job__org", "job__place_org", "entry__org", "entry__person")
        .get(pk=referral.pk)
    )
    target = ReferralStep(step)
    if target not in TRANSITIONS[ReferralStep(referral.step)]:
        raise Conflict(_("This step is not possible now."), code=error_codes.INVALID_TRANSITION)
    when = day(on, "on", required=False, future_days=0) or timezone.localdate()
    if when < referral.referred_on:
        raise field_error("on", _("The date cannot be before the referral."))
    if target in RETENTION_DAYS:
        assert referral.hired_on is not None
        if when < referral.hired_on + dt.timedelta(days=RETENTION_DAYS[target]):
            raise Conflict(
                _("Record this %(days)d days after hiring at the earliest.")
                % {"days": RETENTION_DAYS[target]},
                code=error_codes.TOO_EARLY,
            )
    referral.step = target
    setattr(referral, STEP_DATE[target], when)
    referral.save(update_fields=["step", STEP_DATE[target], "updated_at"])
    ReferralEvent.objects.create(
        referral=referral,
        step=target,
        on=when,
        actor=user_or_none(actor),
        note=text(note, "note", max_length=300),
    )
    if target == ReferralStep.HIRED:
        _placement(actor, referral, when)
    audit_log(actor=actor, action=f"labour.referral_{target}", obj=referral, org=referral.entry.org)
    return referral


def _placement(actor: Any, referral: Referral, when: dt.date) -> None:
    entry, job = referral.entry, referral.job
    local = _within_county(entry, job)
    status_set(
        actor=actor,
        entry=entry,
        status=EmploymentStatus.LOCAL if local else EmploymentStatus.MIGRANT,
        on=when,
        destination="" if local else job.place[:200],
        employer=job.org.name[:200],
        source=StatusSource.PLACEMENT,
        reason=_("Placed in a job: %(title)s") % {"title": job.title},
        audit=False,
    )
    record_add(
        org=entry.org,
        source=RecordSource.LABOUR,
        source_id=referral.pk,
        occurred_at=day_start(when),
        title=_("Job placement: %(title)s") % {"title": job.title},
        person=entry.person,
        count=1,
    )
