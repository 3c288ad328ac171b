"""The logic checks (逻辑校验) a report must pass before it can be submitted: 人数 ≤ 人次, the
unit's figures at least each child's, the units below adding up to the unit, manual figures
filled in. Each check is {"code", "ok", "message"}; a failing one blocks submission (409
logic_check_failed naming them)."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from zhijia.orgs.models import Org

from .. import figures
from ..models import Dim
from .forms import Form


def number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def run_checks(form: Form, org: Org, first: date, last: date, values: dict[str, Any]) -> list[dict[str, Any]]:
    out = []

    def check(code: str, ok: bool, message: str) -> None:
        out.append({"code": code, "ok": bool(ok), "message": message})

    visits, people = number(values.get("service_visits")), number(values.get("people_served"))
    if visits is not None and people is not None:
        check("people_le_visits", people <= visits, _("People served must not exceed services given."))
    children = figures.grouped([org.pk], first, last, Dim.CHILD)
    child_sum = sum(item["service_visits"] for item in children.values())
    if visits is not None:
        check(
            "children_add_up",
            child_sum == visits,
            _("The units below and the unit itself add up to the total."),
        )
        largest = max((item["service_visits"] for key, item in children.items() if key != "self"), default=0)
        check("unit_ge_child", visits >= largest, _("The unit's figure is at least each child's."))
    missing = [str(f.label) for f in form.fields if f.manual and number(values.get(f.key)) is None]
    check(
        "manual_filled",
        not missing,
        _("Fill in: %s.") % "、".join(missing) if missing else _("Every typed-in figure is filled in."),
    )
    negative = [
        str(f.label) for f in form.fields if (number(values.get(f.key)) or 0) < 0 and f.key != "members_end"
    ]
    check("not_negative", not negative, _("No figure may be negative."))
    return out


def failing(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in checks if not c["ok"]]
