"""Ranking registry people for a job, saying why (like the expert suggestions of dispatch).

Candidates, decided in SQL: records in the actor's labour.view scope whose person has a
current consent to job matching (members.Consent, purpose job_matching), not yet referred to
this job, and meeting the job's HARD requirements: not "unable to work" today, age within the
job's range on its start day (when set), a certificate of the required name that has not
expired by the start day (when set), and a skill level at least the job's minimum (when set).

Score (higher first, 0–100): a skill with the job's occupation code 40 (or the same major
category 15), another of the job's skills 10; wished occupation 10; distance — the job's area
contains the person's village 20, their town 14, their county 8, else 2 (minus 10 beyond how
far they wish to go); available by the start day 10 (within 30 days after it 5); wanted wage
within the offer 5; priority groups: not employed 5, an assistance flag 5. Ranking is one
query ordered by the score; the reasons are written for the returned rows only."""

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.expressions import InArray
from zhijia.members.enums import ConsentPurpose, SkillLevel
from zhijia.members.models import Consent
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import SEGMENT_WIDTH

from ..enums import PLACE_RANK, EmploymentStatus, JobStatus, PlaceRange
from ..models import Assistance, Certificate, Job, Referral, RegistryPerson, Skill
from ..occupations import major_of, occupation_name
from .ledgers import in_effect

LEVEL_RANK = {"": 0, SkillLevel.NONE: 0, SkillLevel.LEVEL5: 1, SkillLevel.LEVEL4: 2, SkillLevel.LEVEL3: 3,
              SkillLevel.LEVEL2: 4, SkillLevel.LEVEL1: 5}  # fmt: skip
SEGMENT = SEGMENT_WIDTH + 1  # a segment and its separator


@dataclass
class Match:
    entry: RegistryPerson
    score: int
    reasons: list[str] = field(default_factory=list)


def _years_ago(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def levels_at_least(level: str) -> list[str]:
    return [code for code, rank in LEVEL_RANK.items() if code and rank >= LEVEL_RANK.get(level, 0)]


def hard_q(job: Job, today: dt.date | None = None) -> Q:
    """Consent and the job's hard requirements, as a Q on RegistryPerson."""
    today = today or timezone.localdate()
    start = job.starts_on
    cond = (
        Q(
            Exists(
                Consent.objects.filter(
                    person=OuterRef("person"), purpose=ConsentPurpose.JOB_MATCHING, withdrawn_at__isnull=True
                )
            )
        )
        & ~Q(status=EmploymentStatus.INCAPABLE)
        & Q(person__anonymised_at__isnull=True)
    )
    if job.min_age is not None:
        cond &= Q(person__birth_date__lte=_years_ago(start, job.min_age))
    if job.max_age is not None:
        cond &= Q(person__birth_date__gt=_years_ago(start, job.max_age + 1))
    if job.certificate:
        cond &= Q(
            Exists(
                Certificate.objects.filter(entry=OuterRef("pk"), name=job.certificate).filter(
                    Q(expires_on__isnull=True) | Q(expires_on__gte=start)
                )
            )
        )
    if job.min_level:
        allowed = levels_at_least(job.min_level)
        cond &= Q(skill_level__in=allowed) | Q(
            Exists(Skill.objects.filter(entry=OuterRef("pk"), level__in=allowed))
        )
    return cond


def _parts(job: Job, today: dt.date, *, skilled: bool = False) -> dict[str, Any]:
    """The score's parts as expressions on RegistryPerson (none refers to another, so the SQL
    computes each once). `skilled`: only people with the job's occupation are scored (its part
    is then 40, no subquery)."""
    major = major_of(job.occupation)
    others = [c for c in job.skills if c != job.occupation]
    place = (job.place_org or job.org).path
    prefixes = [place[: max(len(place) - k * SEGMENT, SEGMENT_WIDTH)] for k in range(3)]
    inside = [
        Q(org__path__startswith=p) for p in prefixes
    ]  # the job's area contains the village, +1, +2 levels up
    number = IntegerField()
    return {
        "s_occ": Value(40, output_field=number)
        if skilled
        else Case(
            When(
                Exists(Skill.objects.filter(entry=OuterRef("pk"), occupation=job.occupation)), then=Value(40)
            ),
            When(
                Exists(Skill.objects.filter(entry=OuterRef("pk"), occupation__startswith=major + "-")),
                then=Value(15),
            ),
            default=Value(0),
            output_field=number,
        ),
        "s_more": Case(
            When(Exists(Skill.objects.filter(entry=OuterRef("pk"), occupation__in=others)), then=Value(10)),
            default=Value(0),
            output_field=number,
        )
        if others
        else Value(0, output_field=number),
        "s_wish": Case(
            When(wanted_occupation=job.occupation, then=Value(10)), default=Value(0), output_field=number
        ),
        "s_dist": Case(
            When(inside[0], then=Value(20)),
            When(inside[1], then=Value(14)),
            When(inside[2], then=Value(8)),
            default=Value(2),
            output_field=number,
        )
        - Case(  # farther than they wish to go
            When(~inside[0] & Q(wanted_range=PlaceRange.VILLAGE), then=Value(10)),
            When(~inside[1] & Q(wanted_range=PlaceRange.TOWN), then=Value(10)),
            When(~inside[2] & Q(wanted_range=PlaceRange.COUNTY), then=Value(10)),
            default=Value(0),
            output_field=number,
        ),
        "s_avail": Case(
            When(Q(available_from__isnull=True) | Q(available_from__lte=job.starts_on), then=Value(10)),
            When(available_from__lte=job.starts_on + dt.timedelta(days=30), then=Value(5)),
            default=Value(0),
            output_field=number,
        ),
        "s_wage": Case(
            When(Q(wanted_wage__isnull=True) | Q(wanted_wage__lte=job.wage_max or 10**9), then=Value(5)),
            default=Value(0),
            output_field=number,
        ),
        "s_need": Case(
            When(status=EmploymentStatus.UNEMPLOYED, then=Value(5)), default=Value(0), output_field=number
        ),
        "s_flag": Case(
            When(Exists(Assistance.objects.filter(in_effect(today), entry=OuterRef("pk"))), then=Value(5)),
            default=Value(0),
            output_field=number,
        ),
        "levels": Case(
            When(inside[0], then=Value(0)),
            When(inside[1], then=Value(1)),
            When(inside[2], then=Value(2)),
            default=Value(3),
            output_field=number,
        ),
        "range_rank": Case(
            *[When(wanted_range=code, then=Value(rank)) for code, rank in PLACE_RANK.items()],
            default=Value(9),
            output_field=number,
        ),
    }


SCORED = ("s_occ", "s_more", "s_wish", "s_dist", "s_avail", "s_wage", "s_need", "s_flag")


def _total(parts: dict[str, Any]) -> Any:
    total = parts[SCORED[0]]
    for name in SCORED[1:]:
        total = total + parts[name]
    return total


def eligible(job: Job, today: dt.date) -> QuerySet[RegistryPerson]:
    """Everyone eligible for `job` (consent, hard requirements, not referred to it yet), in no
    one's scope: callers limit it."""
    return RegistryPerson.objects.filter(hard_q(job, today)).exclude(
        Exists(Referral.objects.filter(job=job, entry=OuterRef("pk")))
    )


def candidates(*, actor: Any, job: Job, today: dt.date | None = None) -> QuerySet[RegistryPerson]:
    """Eligible people in the actor's labour.view scope, annotated with `score` only (one
    expression: the parts are not selected, so each is computed once per row): what job_matches
    ranks, read the plain way (its shortcuts are checked against this)."""
    today = today or timezone.localdate()
    return _scored(actor, job, today, skilled=False).filter(pk__in=eligible(job, today).values("pk"))


def _scored(actor: Any, job: Job, today: dt.date, skilled: bool) -> QuerySet[RegistryPerson]:
    """Everyone in the actor's scope able to work, scored for `job`, eligible or not. `skilled`:
    only those with the job's occupation, read by primary key from the skill index's list
    (InArray; joined, the registry was scanned)."""
    found = RegistryPerson.objects.filter(scope_for(actor, Cap.LABOUR_VIEW).q("org")).exclude(
        status=EmploymentStatus.INCAPABLE
    )
    if skilled:
        found = found.filter(
            InArray("pk", Skill.objects.filter(occupation=job.occupation).values("entry_id"))
        )
    return found.annotate(score=_total(_parts(job, today, skilled=skilled)))


def job_matches(*, actor: Any, job: Job, limit: int = 50, today: dt.date | None = None) -> list[Match]:
    """The best `limit` eligible people for `job`, highest score first, with the reasons (the
    parts are computed again for those rows only)."""
    today = today or timezone.localdate()
    ranked = _ranked(actor, job, today, limit)
    if not ranked:
        return []
    rows = {
        r.pk: r
        for r in RegistryPerson.objects.filter(pk__in=[pk for pk, _s in ranked])
        .select_related("person", "org")
        .annotate(**_parts(job, today))
    }
    return [Match(entry=rows[pk], score=int(score), reasons=reasons(rows[pk], job)) for pk, score in ranked]


RANK = ("-score", "sort_pinyin", "pk")  # sort_pinyin: the person's pinyin, stored (labour.sorting)
# the most a part of the score adds (see _parts); someone without the job's occupation among their
# skills scores at most OUTSIDE, plus 10 when the job names further skills
OUTSIDE = 15 + 10 + 20 + 10 + 5 + 5 + 5


def _ranked(actor: Any, job: Job, today: dt.date, limit: int) -> list[Any]:
    """The top `limit` (pk, score) of the candidates. Scoring every eligible person is a scan of the
    registry (a score per row, then a sort), so first only those with the job's occupation as a
    skill are scored (drawn from the skill index): when `limit` of them reach more than anyone
    else can score, they are the top; otherwise everyone is scored. Same result either way."""
    bound = OUTSIDE + (10 if any(c != job.occupation for c in job.skills) else 0)
    top = _first_eligible(job, today, _scored(actor, job, today, skilled=True), limit)
    if limit > 0 and len(top) == limit and top[-1][1] > bound:
        return top
    return _first_eligible(job, today, _scored(actor, job, today, skilled=False), limit)


FIRST_ROUND = 3  # × limit: the best-scored read before eligibility is checked
GROW = 4
ROUNDS = 3


def _first_eligible(job: Job, today: dt.date, scored: QuerySet[RegistryPerson], limit: int) -> list[Any]:
    """The first `limit` eligible (pk, score) in RANK order of `scored`. The order is total, so
    they are the first eligible ones among the best-scored k rows whenever that many are found
    there: the best k are read scored but unchecked (no consent, age or referral lookup per
    row: half the cost at 100,000 people), then only those k are checked in one query; k grows
    while too few pass, and after ROUNDS the eligibility is checked in the ranking query itself."""
    ordered = scored.order_by(*RANK)  # type: ignore[misc]
    k = max(limit, 1) * FIRST_ROUND
    for _round in range(ROUNDS):
        rows = list(ordered.values_list("pk", "score")[:k])  # type: ignore[misc]
        passed = set(eligible(job, today).filter(pk__in=[pk for pk, _s in rows]).values_list("pk", flat=True))
        found = [row for row in rows if row[0] in passed][:limit]
        if len(found) == limit or len(rows) < k:
            return found
        k *= GROW
    checked = ordered.filter(pk__in=eligible(job, today).values("pk"))
    return list(checked.values_list("pk", "score")[:limit])  # type: ignore[misc]


@dataclass
class JobMatch:
    job: Job
    score: int
    reasons: list[str] = field(default_factory=list)


MAX_JOBS = 100  # open jobs weighed for one person (the newest), one SQL statement for all


def open_jobs(today: dt.date) -> QuerySet[Job]:
    return Job.objects.filter(status=JobStatus.OPEN).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def person_jobs(
    *, entry: RegistryPerson, jobs: QuerySet[Job], limit: int = 20, today: dt.date | None = None
) -> list[JobMatch]:
    """Jobs for a person: which of `jobs` (the newest MAX_JOBS; callers pass the jobs the viewer
    may see) the person is eligible for, best first, scored and explained exactly as job_matches
    ranks people (the same expressions, one query per job joined into one statement). Nothing
    for a person who has not consented to job matching. The caller has checked access to
    `entry`."""
    today = today or timezone.localdate()
    listed = list(jobs.select_related("org", "place_org").order_by("-created_at")[:MAX_JOBS])
    if not listed:
        return []
    names = [*SCORED, "levels", "range_rank"]
    queries = []
    for n, job in enumerate(listed):
        parts = _parts(job, today)
        queries.append(
            eligible(job, today)
            .filter(pk=entry.pk)
            .annotate(job_n=Value(n, output_field=IntegerField()), score=_total(parts), **parts)
            .order_by()
            .values_list("job_n", "score", *names)
        )
    rows = list(queries[0].union(*queries[1:], all=True)) if len(queries) > 1 else list(queries[0])
    found = []
    for job_n, score, *values in rows:
        job = listed[job_n]
        found.append(
            JobMatch(job, int(score), reasons(SimpleNamespace(**dict(zip(names, values, strict=True))), job))
        )
    found.sort(key=lambda m: (-m.score, m.job.starts_on, str(m.job.pk)))
    return found[:limit]


def reasons(row: Any, job: Job) -> list[str]:
    out = []
    if row.s_occ == 40:
        out.append(
            _("Has the skill: %(code)s %(name)s")
            % {"code": job.occupation, "name": occupation_name(job.occupation)}
        )
    elif row.s_occ:
        out.append(
            _("Skilled in the same field: %(name)s") % {"name": occupation_name(major_of(job.occupation))}
        )
    if row.s_more:
        out.append(_("Has another skill the job asks for"))
    if row.s_wish:
        out.append(_("Wants this kind of work"))
    places = {
        0: _("Lives where the job is"),
        1: _("Lives in the same town"),
        2: _("Lives in the same county"),
    }
    out.append(str(places.get(row.levels, _("Lives farther away"))))
    if row.levels > row.range_rank:
        out.append(_("Prefers work closer to home"))
    if row.s_avail == 10:
        out.append(_("Available from the start date"))
    elif row.s_avail:
        out.append(_("Available within a month of the start"))
    else:
        out.append(_("Not available until later"))
    if row.s_wage:
        out.append(_("Wage within what they ask"))
    if row.s_need:
        out.append(_("Not employed now"))
    if row.s_flag:
        out.append(_("Priority for assistance"))
    return out
