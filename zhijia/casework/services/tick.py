"""Periodic work on cases: reminders of clocks that fall due (the assigned handler, or the
unit's contact phone when there is none, by SMS on commit, once per clock), and the yearly
复核 of hardship files generated as a campaign of review tasks with due dates."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhijia.core.audit import audit_log
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.tree import subtree_q

from ..enums import CaseKind, CaseStatus
from ..models import Case, CaseDeadline
from ..selectors import RUNNING_CLOCK
from . import common as c

REMIND_DAYS_BEFORE = 1


def cases_tick(*, today: dt.date | None = None) -> dict[str, int]:
    """Remind the handler of every running clock (selectors.RUNNING_CLOCK, as the dashboard's
    to-do counts them) due by tomorrow (or overdue) not yet reminded. Each clock is re-read under
    its row lock, so concurrent runs remind once."""
    day = today or timezone.localdate()
    due = CaseDeadline.objects.filter(
        RUNNING_CLOCK,
        reminded_at__isnull=True,
        due_on__lte=day + dt.timedelta(days=REMIND_DAYS_BEFORE),
    ).values_list("pk", flat=True)
    reminded = 0
    for pk in list(due[:1000]):
        with transaction.atomic():
            clock = (
                CaseDeadline.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("case__org", "case__handler")
                .filter(RUNNING_CLOCK, pk=pk, reminded_at__isnull=True)
                .first()
            )
            if clock is None:
                continue
            case = clock.case
            handler = case.handler
            phone = handler.phone if handler is not None and handler.phone else case.org.contact_phone
            c.notify(phone, "case_deadline", {"number": case.number, "due": clock.due_on.isoformat()})
            clock.reminded_at = timezone.now()
            clock.save(update_fields=["reminded_at", "updated_at"])
            reminded += 1
    return {"reminded": reminded}


@transaction.atomic
def review_campaign(*, actor: Any, org: Any, due_on: Any) -> int:
    """The yearly 复核: every filed hardship file in `org`'s subtree gets a `review_by` task due
    on `due_on` (cases.approve on `org`). Returns how many files were put on the campaign."""
    if actor is not None:
        check(actor, Cap.CASES_APPROVE, org)
    due = c.day(due_on, "due_on")
    assert due is not None
    if due < timezone.localdate() or due > timezone.localdate() + dt.timedelta(days=400):
        from django.utils.translation import gettext as _

        from zhijia.core.errors import field_error

        raise field_error("due_on", _("Choose a date within the next year."))
    cases = Case.objects.filter(
        subtree_q(org.path, "org__path"), kind=CaseKind.HARDSHIP, status=CaseStatus.FILED
    )
    count = 0
    for case in cases.iterator():
        CaseDeadline.objects.update_or_create(
            case=case,
            code="review_by",
            defaults={"due_on": due, "working_days": False, "met_at": None, "reminded_at": None},
        )
        count += 1
    audit_log(
        actor=actor, action="case.review_campaign", org=org, data={"due_on": due.isoformat(), "files": count}
    )
    return count
