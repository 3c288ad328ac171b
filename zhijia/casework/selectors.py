"""Reads of the help-and-rights domain, already limited to what the actor may see."""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.masking import mask_name
from zhijia.orgs.models import Org
from zhijia.orgs.tree import ancestor_paths

from .enums import CaseKind, CaseStatus
from .models import Case, CaseSettings, HelpFund
from .permissions import RELATED, is_handler, visible_q

HOTLINE = "12356"  # 全国统一心理援助热线
SUPPRESS_BELOW = 5


@dataclass
class Settings:
    dibao_line: Any = None
    crisis_contact_name: str = ""
    crisis_contact_phone: str = ""
    crisis_hotline: str = HOTLINE


def settings_for(org: Org) -> Settings:
    """The nearest setting up the tree for each value (the 低保 line of the division)."""
    parts = org.path.rstrip(".").split(".")
    paths = [".".join(parts[: i + 1]) + "." for i in range(len(parts))]
    rows = sorted(
        CaseSettings.objects.filter(org__path__in=paths).select_related("org"), key=lambda s: -len(s.org.path)
    )
    out = Settings()
    for field in ("dibao_line", "crisis_contact_name", "crisis_contact_phone", "crisis_hotline"):
        for row in rows:
            value = getattr(row, field)
            if value not in (None, ""):
                setattr(out, field, value)
                break
    return out


def settings_page(org: Org) -> dict[str, Any]:
    """`org`'s own values and, for each, the value in force and the unit it comes from (an
    empty unit for the built-in hotline). The contact's phone is masked."""
    from zhijia.core.masking import mask_phone

    own = CaseSettings.objects.filter(org=org).first()
    parts = org.path.rstrip(".").split(".")
    paths = [".".join(parts[: i + 1]) + "." for i in range(len(parts))]
    rows = sorted(
        CaseSettings.objects.filter(org__path__in=paths).select_related("org"), key=lambda s: -len(s.org.path)
    )
    fields: dict[str, Any] = {}
    for field in ("dibao_line", "crisis_contact_name", "crisis_contact_phone", "crisis_hotline"):
        source = next((r for r in rows if getattr(r, field) not in (None, "")), None)
        value = getattr(source, field) if source else (HOTLINE if field == "crisis_hotline" else None)
        mine = getattr(own, field) if own else None
        if field == "crisis_contact_phone":
            value, mine = (mask_phone(value) if value else value), (mask_phone(mine) if mine else mine)
        fields[field] = {
            "own": str(mine) if mine not in (None, "") else "",
            "value": str(value) if value not in (None, "") else "",
            "from": source.org if source else None,
            "inherited": source is not None and source.org_id != org.pk,
        }
    return fields


def case_list(
    *, actor: Any, kind: str | None = None, status: str | None = None, org: Org | None = None
) -> QuerySet:
    qs = Case.objects.select_related(*RELATED).filter(visible_q(actor))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if org is not None:
        from zhijia.orgs.tree import subtree_q

        qs = qs.filter(subtree_q(org.path, "org__path"))
    return qs.order_by("-opened_on", "-created_at")


def my_cases(*, user: Any) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return (
        Case.objects.select_related(*RELATED)
        .filter(Q(applicant=user) | Q(person__user=user))
        .order_by("-opened_on", "-created_at")
    )


def handler_cases(*, user: Any) -> QuerySet:
    return Case.objects.select_related(*RELATED).filter(handler=user).order_by("-opened_on")


def screenings_for(*, actor: Any, case: Case) -> list[dict] | None:
    """The screening answers for the assigned counsellor; None for everyone else."""
    if not is_handler(actor, case):
        return None
    return [
        {
            "instrument": s.instrument,
            "answers": json.loads(s.answers),
            "score": s.score,
            "self_harm": s.self_harm,
            "at": s.at,
        }
        for s in case.screenings.all()
    ]


def attachments_of(*, actor: Any, case: Case, everything: bool) -> QuerySet:
    """The attachments of a case `actor` was let at by permissions.access_attachments: all of
    them for the notes' readers (`everything`), only their own uploads for the worker the case
    is about. Without the file's bytes; with who added each, oldest first."""
    qs = case.attachments.defer("content").select_related("uploaded_by").order_by("at", "pk")
    return qs if everything else qs.filter(uploaded_by=actor)


def handler_pool(case: Case) -> QuerySet:
    """The experts a case may be given to: the pool of the case's unit or of a unit above it,
    active and with a login (cases.services checks a chosen one against the same rows)."""
    from zhijia.dispatch.models import Expert

    return (
        Expert.objects.select_related("user", "org")
        .filter(org__path__in=ancestor_paths(case.org.path), active=True, user__isnull=False)
        .order_by("name", "pk")
    )


def funds_of(units: list[Org]) -> QuerySet:
    """The help funds of these units (the caller's), newest year first."""
    return HelpFund.objects.select_related("org").filter(org__in=units).order_by("-year", "org__path", "name")


def funds_for(org: Org, year: int | None = None) -> QuerySet:
    """The funds a case at `org` may draw on: its unit's and those of the units above."""
    parts = org.path.rstrip(".").split(".")
    paths = [".".join(parts[: i + 1]) + "." for i in range(len(parts))]
    qs = HelpFund.objects.select_related("org").filter(org__path__in=paths)
    return qs.filter(year=year) if year else qs


def public_notices(*, org: Org | None = None, on: dt.date | None = None) -> QuerySet:
    """Hardship files in their 公示 window today (the public page shows the masked name)."""
    day = on or timezone.localdate()
    qs = Case.objects.select_related("org", "hardship").filter(
        kind=CaseKind.HARDSHIP,
        status=CaseStatus.PUBLICISED,
        hardship__publicity_from__lte=day,
        hardship__publicity_until__gte=day,
    )
    if org is not None:
        from zhijia.orgs.tree import subtree_q

        qs = qs.filter(subtree_q(org.path, "org__path"))
    return qs.order_by("hardship__publicity_until")


def public_notice(id: Any) -> Case | None:
    from zhijia.core.ids import parse_uuid

    pk = parse_uuid(id)
    return public_notices().filter(pk=pk).first() if pk else None


REVIEW_WINDOW_DAYS = 90


def review_tasks(
    *, actor: Any, today: dt.date | None = None, within: int | None = REVIEW_WINDOW_DAYS
) -> list[dict[str, Any]]:
    """The open yearly 复核 tasks (`review_by` clocks of filed hardship files) the actor sees,
    due within `within` days or overdue (None: all, a reviewed file's next one included),
    soonest first, with the days left and the days overdue."""
    from .models import CaseDeadline

    day = today or timezone.localdate()
    clocks = (
        CaseDeadline.objects.select_related("case__org")
        .filter(
            code="review_by",
            met_at__isnull=True,
            case__kind=CaseKind.HARDSHIP,
            case__status=CaseStatus.FILED,
            case__in=Case.objects.filter(visible_q(actor)),
        )
        .order_by("due_on", "case__number")
    )
    if within is not None:
        clocks = clocks.filter(due_on__lte=day + dt.timedelta(days=within))
    return [
        {
            "case": d.case,
            "name": masked_name(d.case),
            "due_on": d.due_on,
            "days": (d.due_on - day).days,
            "overdue": d.due_on < day,
            "late": max(0, (day - d.due_on).days),
        }
        for d in clocks[:500]
    ]


def masked_name(case: Case) -> str:
    return mask_name(case.subject_name) if case.subject_name else _("Anonymous")


def counts(*, actor: Any, org: Org | None = None) -> list[dict]:
    """Cases per kind and status in the actor's scope; a count under 5 shows as "<5"."""
    rows = case_list(actor=actor, org=org).order_by().values("kind", "status").annotate(n=Count("pk"))
    return [{**r, "n": r["n"] if r["n"] >= SUPPRESS_BELOW else None} for r in rows.order_by("kind", "status")]


# --- what the worker sees ------------------------------------------------------------------


def worker_dates(case: Case) -> list[str]:
    """The dates that matter to the worker, in plain language."""
    out: list[str] = []
    clocks = {d.code: d for d in case.deadlines.all()}
    fmt = "%Y-%m-%d"
    if case.kind == CaseKind.LEGAL:
        if "mediation" in clocks and clocks["mediation"].met_at is None:
            out.append(
                _(
                    "If there is no mediation agreement by %(day)s, you may apply to the labour dispute "
                    "arbitration committee without waiting any longer (Labour Dispute Mediation and "
                    "Arbitration Law, Art. 14)."
                )
                % {"day": clocks["mediation"].due_on.strftime(fmt)}
            )
        if "limitation" in clocks:
            out.append(
                _(
                    "Apply for arbitration by %(day)s at the latest: after one year the claim is out of "
                    "time (Art. 27)."
                )
                % {"day": clocks["limitation"].due_on.strftime(fmt)}
            )
        elif hasattr(case, "legal") and case.legal.wage_arrears and case.legal.still_employed:
            out.append(
                _(
                    "For unpaid wages while you still work there, the one-year limit only starts when the "
                    "employment ends (Art. 27)."
                )
            )
        if "sue_by" in clocks:
            out.append(
                _("If you disagree with the arbitration award, you may sue in court until %(day)s (Art. 48).")
                % {"day": clocks["sue_by"].due_on.strftime(fmt)}
            )
    elif case.kind == CaseKind.HARDSHIP:
        if "screen_by" in clocks and clocks["screen_by"].met_at is None:
            out.append(
                _("Your union will check your application by %(day)s.")
                % {"day": clocks["screen_by"].due_on.strftime(fmt)}
            )
        if "publicity" in clocks and clocks["publicity"].met_at is None:
            out.append(
                _("Your application is on public notice (name masked) until %(day)s.")
                % {"day": clocks["publicity"].due_on.strftime(fmt)}
            )
        if "review_by" in clocks:
            out.append(
                _("Your file will be reviewed by %(day)s.")
                % {"day": clocks["review_by"].due_on.strftime(fmt)}
            )
    elif (
        case.kind == CaseKind.COUNSELLING
        and "first_contact" in clocks
        and clocks["first_contact"].met_at is None
    ):
        out.append(
            _("A counsellor will contact you by %(day)s.")
            % {"day": clocks["first_contact"].due_on.strftime(fmt)}
        )
    return out


# a clock still running: not met, on a case that has not ended (the to-do and the reminders)
RUNNING_CLOCK = Q(case__closed_at__isnull=True, met_at__isnull=True)


def deadlines_due(*, actor: Any, within_days: int = 3) -> dict[str, int]:
    """For the dashboard's to-do: open clocks on cases the actor sees that are overdue or due
    within `within_days` days (counted once per case)."""
    from .models import CaseDeadline

    today = timezone.localdate()
    waiting = CaseDeadline.objects.filter(
        RUNNING_CLOCK,
        case__in=Case.objects.filter(visible_q(actor)).values("pk"),
    )
    return {
        "overdue": waiting.filter(due_on__lt=today).values("case").distinct().count(),
        "soon": waiting.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=within_days))
        .values("case")
        .distinct()
        .count(),
    }
