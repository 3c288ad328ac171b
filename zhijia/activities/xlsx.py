"""The roster as a spreadsheet and as a printable sign-in sheet (the offline roster for places
without signal). Names are always masked (张*) and no identity number or phone appears: the
sheet leaves the system. The answers to the activity's own questions follow, one column per
question, masked like the roster shows them (activities.questions.answer_rows). Callers check
activities.manage on the organiser."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.imports import Column, workbook_bytes
from zhijia.core.masking import mask_name

from . import questions
from .models import Activity, Enrolment
from .selectors.activities import RosterRow, roster

COLUMNS = (
    Column("no", "序号", "arrival order"),
    Column("name", "姓名", "masked"),
    Column("child", "子女", "masked"),
    Column("member_no", "会员号", "member number"),
    Column("status", "状态", "enrolment status"),
    Column("arrival", "报名顺序", "arrival number"),
    Column("session", "场次", "drop-in session"),
    Column("attended", "出勤场次", "sessions attended"),
)


def member_no(enrolment: Enrolment) -> str:
    """The member number of the person's membership (prefetched by the roster selector)."""
    numbers = [m.member_no for m in enrolment.person.memberships.all() if m.member_no]
    return numbers[0] if numbers else ""


def _row(index: int, row: RosterRow, asked: list[dict[str, Any]]) -> list[Any]:
    e = row.enrolment
    session = e.session
    when = timezone.localtime(session.starts_at).strftime("%m-%d %H:%M") if session else ""
    return [
        index,
        mask_name(e.person.name),
        mask_name(e.child.name) if e.child else "",
        member_no(e),
        str(e.get_status_display()),
        e.arrival,
        when,
        row.attended_count,
        *[a["value"] for a in questions.answer_rows(asked, e.answers)],
    ]


def roster_xlsx(activity: Activity) -> bytes:
    """The roster (active enrolments in arrival order) as an xlsx, with a column per question."""
    asked = activity.questions or []
    columns = [*COLUMNS, *(Column(q["id"], questions.label(q), "answer") for q in asked)]
    rows = [_row(i, r, asked) for i, r in enumerate(roster(activity), start=1)]
    return workbook_bytes(title=activity.title or str(_("Roster")), columns=columns, rows=rows)


def roster_offline_html(activity: Activity) -> dict[str, Any]:
    """Data for the printable sign-in sheet: {"activity", "sessions": [local start strings],
    "rows": [{"no", "name", "child", "member_no", "status"}]} (a blank signature column per
    session is the template's)."""
    sessions = [timezone.localtime(s.starts_at).strftime("%Y-%m-%d %H:%M") for s in activity.sessions.all()]
    rows = [
        {
            "no": i,
            "name": mask_name(r.enrolment.person.name),
            "child": mask_name(r.enrolment.child.name) if r.enrolment.child else "",
            "member_no": member_no(r.enrolment),
            "status": str(r.enrolment.get_status_display()),
        }
        for i, r in enumerate(roster(activity), start=1)
    ]
    return {"activity": activity, "sessions": sessions, "rows": rows}
