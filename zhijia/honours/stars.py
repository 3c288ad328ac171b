"""Star-rated unions (星级工会, 模范职工之家): criteria sets per year (items with points and pass
lines, star thresholds), the evidence Zhijia already holds pulled into an assessment, the
union's self-assessment, the issuing union's scoring, stars awarded for `valid_days` and lost
after without a fresh assessment ("not for life"), the public list per area, and the rights a
star carries, readable by other modules (`stars_of`, `rights_of`).

Assessment: draft → submitted (self-assessed) → scored (409 invalid_transition otherwise)."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, field_error
from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import is_within, subtree_q

from . import error_codes as E
from .models import Assessment, AssessmentItem, CriteriaSet, Criterion, StarAward

MAX_ITEMS = 50
MAX_STARS = 5
# Rights a star carries, for other modules (e.g. benefits: a bigger voucher allocation).
STAR_RIGHTS: dict[int, dict[str, Any]] = {
    3: {"voucher_allocation_factor": "1.1"},
    4: {"voucher_allocation_factor": "1.2"},
    5: {"voucher_allocation_factor": "1.3", "model_home": True},  # 模范职工之家 candidate
}


def _members(org: Org, year: int) -> int:
    from zhijia.members.models import Membership

    return Membership.objects.filter(subtree_q(org.path, "org__path"), status__in=ACTIVE_STATUSES).count()


def _activities(org: Org, year: int) -> int:
    from zhijia.activities.models import Activity

    return Activity.objects.filter(subtree_q(org.path, "org__path"), starts_at__year=year).count()


def _services(org: Org, year: int) -> int:
    from zhijia.records.enums import SERVICE_SOURCES
    from zhijia.records.models import ServiceRecord

    return ServiceRecord.objects.filter(
        subtree_q(org.path, "org__path"), occurred_at__year=year, source__in=list(SERVICE_SOURCES)
    ).count()


EVIDENCE = {"members": _members, "activities": _activities, "services": _services}
# What each evidence source counts, for the pages that show it beside an item.
EVIDENCE_LABELS = {
    "members": gettext_lazy("Active members in the union's tree"),
    "activities": gettext_lazy("Activities held in the year"),
    "services": gettext_lazy("Services recorded in the year"),
}


def _require(actor: Any, cap: str, org: Any) -> None:
    if actor is not None:
        check(actor, cap, org)


def _decimal(field: str, value: Any, high: Decimal | None = None) -> Decimal:
    try:
        out = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise field_error(field, _("Enter a number.")) from None
    if not out.is_finite() or out < 0 or out > (high if high is not None else Decimal(10000)):
        raise field_error(field, _("Enter a number from 0 to %(high)s.") % {"high": high or 10000})
    return out.quantize(Decimal("0.01"))


def _text(field: str, value: Any, limit: int = 200) -> str:
    out = str(value or "").strip()
    if not out or len(out) > limit:
        raise field_error(field, _("Enter 1 to %(n)d characters.") % {"n": limit})
    return out


def _state(assessment: Assessment, expected: str) -> None:
    if assessment.status != expected:
        raise Conflict(_("This step is not possible in the current state."), code=E.INVALID_TRANSITION)


@transaction.atomic
def criteria_create(
    *,
    actor: Any,
    org: Org,
    title: str,
    year: int,
    thresholds: list[Any],
    items: list[tuple[str, Any, Any, str]],
    valid_days: int = 365,
) -> CriteriaSet:
    """`items`: (title, points, pass line, evidence key or "")."""
    _require(actor, Cap.HONOURS_MANAGE, org)
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise field_error("year", _("Enter a year from 2000 to 2100."))
    if isinstance(valid_days, bool) or not isinstance(valid_days, int) or not 30 <= valid_days <= 1100:
        raise field_error("valid_days", _("Enter 30 to 1100 days."))
    if not items or len(items) > MAX_ITEMS:
        raise field_error("items", _("Give 1 to %(n)d items.") % {"n": MAX_ITEMS})
    if not thresholds or len(thresholds) > MAX_STARS:
        raise field_error("thresholds", _("Give 1 to %(n)d thresholds.") % {"n": MAX_STARS})
    marks = [_decimal("thresholds", t) for t in thresholds]
    if marks != sorted(set(marks)):
        raise field_error("thresholds", _("Give the thresholds in ascending order."))
    criteria = CriteriaSet.objects.create(
        org=org,
        title=_text("title", title),
        year=year,
        thresholds=[str(m) for m in marks],
        valid_days=valid_days,
    )
    total = Decimal(0)
    for i, (item_title, weight, pass_line, evidence) in enumerate(items):
        points = _decimal("items", weight)
        line = _decimal("items", pass_line, points)
        if evidence and evidence not in EVIDENCE:
            raise field_error("items", _("Choose a known evidence source."))
        Criterion.objects.create(
            criteria=criteria,
            title=_text("items", item_title),
            weight=points,
            pass_line=line,
            evidence=evidence,
            order=i,
        )
        total += points
    if marks[-1] > total:
        raise field_error("thresholds", _("A threshold is above the full marks (%(t)s).") % {"t": total})
    audit_log(actor=actor, action="honours.criteria_create", obj=criteria)
    return criteria


@transaction.atomic
def criteria_publish(*, actor: Any, criteria: CriteriaSet) -> CriteriaSet:
    _require(actor, Cap.HONOURS_MANAGE, criteria.org)
    if criteria.published:
        raise Conflict(_("This step is not possible in the current state."), code=E.INVALID_TRANSITION)
    criteria.published = True
    criteria.save(update_fields=["published", "updated_at"])
    audit_log(actor=actor, action="honours.criteria_publish", obj=criteria)
    return criteria


@transaction.atomic
def assessment_start(*, actor: Any, criteria: CriteriaSet, org: Org) -> Assessment:
    """The union opens its assessment; what Zhijia holds (members, activities, services of the
    year in its tree) is pulled in and shown beside the items that name it."""
    _require(actor, Cap.HONOURS_NOMINATE, org)
    if not criteria.published:
        raise Conflict(_("The criteria are not published yet."), code=E.NOT_PUBLISHED)
    if org.pk == criteria.org_id or not is_within(org.path, criteria.org.path):
        raise field_error("org_id", _("Only unions below the issuing union are assessed."), E.NOT_BELOW)
    keys = {c.evidence for c in criteria.items.all() if c.evidence}
    evidence = {key: EVIDENCE[key](org, criteria.year) for key in sorted(keys)}
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(criteria=criteria, org=org, evidence=evidence)
    except IntegrityError:
        raise Conflict(
            _("This union has an assessment under these criteria."), code=E.ALREADY_ASSESSED
        ) from None
    AssessmentItem.objects.bulk_create(
        [AssessmentItem(assessment=assessment, criterion=c) for c in criteria.items.all()]
    )
    audit_log(actor=actor, action="honours.assessment_start", obj=assessment)
    return assessment


def _points(assessment: Assessment, given: dict[Any, Any]) -> dict[Any, Decimal]:
    items = {i.criterion_id: i for i in assessment.items.select_related("criterion")}
    if set(map(str, given)) != set(map(str, items)):
        raise field_error("items", _("Give points for every item, once."))
    out = {}
    for key, item in items.items():
        value = given.get(key, given.get(str(key)))
        out[key] = _decimal("items", value, item.criterion.weight)
    return out


@transaction.atomic
def assessment_self(
    *, actor: Any, assessment: Assessment, points: dict[Any, Any], notes: dict[Any, str] | None = None
) -> Assessment:
    _require(actor, Cap.HONOURS_NOMINATE, assessment.org)
    assessment = Assessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
    _state(assessment, "draft")
    marks = _points(assessment, points)
    notes = notes or {}
    for item in assessment.items.all():
        item.self_points = marks[item.criterion_id]
        item.note = str(notes.get(item.criterion_id, notes.get(str(item.criterion_id), "")) or "")[:2000]
        item.save(update_fields=["self_points", "note", "updated_at"])
    assessment.self_total = sum(marks.values(), Decimal(0))
    assessment.status = "submitted"
    assessment.save(update_fields=["self_total", "status", "updated_at"])
    audit_log(actor=actor, action="honours.assessment_self", obj=assessment)
    return assessment


def stars_for(criteria: CriteriaSet, marks: dict[Any, Decimal], lines: dict[Any, Decimal]) -> int:
    """No star when any item falls below its pass line; else one per threshold reached."""
    if any(marks[k] < lines[k] for k in marks):
        return 0
    total = sum(marks.values(), Decimal(0))
    return sum(1 for t in criteria.thresholds if total >= Decimal(t))


@transaction.atomic
def assessment_score(*, actor: Any, assessment: Assessment, points: dict[Any, Any]) -> Assessment:
    """The issuing union scores; the stars go to the union for `valid_days` from today."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("criteria__org", "org")
        .get(pk=assessment.pk)
    )
    criteria = assessment.criteria
    _require(actor, Cap.HONOURS_MANAGE, criteria.org)
    _state(assessment, "submitted")
    marks = _points(assessment, points)
    lines = {c.pk: c.pass_line for c in criteria.items.all()}
    for item in assessment.items.all():
        item.points = marks[item.criterion_id]
        item.save(update_fields=["points", "updated_at"])
    assessment.total = sum(marks.values(), Decimal(0))
    assessment.stars = stars_for(criteria, marks, lines)
    assessment.status = "scored"
    assessment.save(update_fields=["total", "stars", "status", "updated_at"])
    if assessment.stars:
        today = timezone.localdate()
        StarAward.objects.create(
            org=assessment.org,
            assessment=assessment,
            year=criteria.year,
            stars=assessment.stars,
            valid_from=today,
            valid_until=today + dt.timedelta(days=criteria.valid_days),
        )
    audit_log(
        actor=actor, action="honours.assessment_score", obj=assessment, data={"stars": assessment.stars}
    )
    return assessment


# -- reads ---------------------------------------------------------------------------------------


def current_awards(on: dt.date | None = None) -> QuerySet[StarAward]:
    day = on or timezone.localdate()
    return StarAward.objects.filter(valid_from__lte=day, valid_until__gte=day)


def stars_of(org: Org, *, on: dt.date | None = None) -> int:
    """The stars `org` holds on `on` (today): the best of its unexpired awards, else 0."""
    best = current_awards(on).filter(org=org).order_by("-stars").values_list("stars", flat=True).first()
    return int(best or 0)


def rights_of(org: Org, *, on: dt.date | None = None) -> dict[str, Any]:
    """The rights the union's current stars carry (empty without stars)."""
    return dict(STAR_RIGHTS.get(stars_of(org, on=on), {}))


def public_star_unions(area: Org, *, on: dt.date | None = None) -> list[dict]:
    """The public list: unions in `area`'s tree holding stars today, most stars first."""
    best: dict = {}
    for award in current_awards(on).filter(subtree_q(area.path, "org__path")).select_related("org"):
        if award.org_id not in best or award.stars > best[award.org_id].stars:
            best[award.org_id] = award
    rows = sorted(best.values(), key=lambda a: (-a.stars, a.org.name))
    return [
        {
            "org_id": a.org_id,
            "name": a.org.name,
            "stars": a.stars,
            "year": a.year,
            "valid_until": a.valid_until,
        }
        for a in rows
    ]
