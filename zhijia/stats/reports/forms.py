"""The report forms, defined in code: which figures a report holds, in what order, which are
generated from the ledger (`auto`) and which are typed in with a note (`manual`).

A monthly 服务工作月报 and a yearly 工会工作年报. Adding a figure: add a Field here (its `key`
from stats.figures.summary or stats.reports.generate for auto ones)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijia.core.errors import field_error

from ..periods import named_period


@dataclass(frozen=True)
class Field:
    key: str
    label: Any  # a lazy translation
    manual: bool = False
    money: bool = False
    additive: bool = True  # a unit's figure is at least each child's


@dataclass(frozen=True)
class Form:
    code: str
    title: Any  # a lazy translation
    period_kind: str  # month | year
    fields: tuple[Field, ...]
    due_day: int  # reports are due on this day of the month after the period


SERVICE = (
    Field("service_visits", gettext_lazy("Services given (人次)")),
    Field("people_served", gettext_lazy("People served (人数)"), additive=True),
    Field("new_form_visits", gettext_lazy("Of which new-employment-form workers (人次)")),
    Field("activities_held", gettext_lazy("Activities held")),
    Field("trainings_held", gettext_lazy("Trainings and courses held")),
    Field("activity_participants", gettext_lazy("Activity participants (人次)")),
    Field("vouchers_redeemed", gettext_lazy("Vouchers redeemed")),
    Field("consumption_driven", gettext_lazy("Consumption driven (yuan)"), money=True),
    Field("orders_delivered", gettext_lazy("Expert services delivered")),
    Field("budget_spent", gettext_lazy("Expert-service budget spent (yuan)"), money=True),
    Field("help_given", gettext_lazy("Help given in cases (yuan)"), money=True),
)
MEMBERS = (
    Field("members_end", gettext_lazy("Members at the end of the period")),
    Field("members_joined", gettext_lazy("Members joined")),
    Field("members_transferred_in", gettext_lazy("Members transferred in")),
    Field("members_transferred_out", gettext_lazy("Members transferred out")),
    Field("members_left", gettext_lazy("Members left")),
)

FORMS = {
    "monthly": Form(
        "monthly",
        gettext_lazy("Monthly service report (服务工作月报)"),
        "month",
        (*SERVICE, *MEMBERS, Field("volunteers", gettext_lazy("Volunteers who served"), manual=True)),
        due_day=10,
    ),
    "yearly": Form(
        "yearly",
        gettext_lazy("Yearly union work report (工会工作年报)"),
        "year",
        (
            *MEMBERS,
            Field("new_form_members", gettext_lazy("Of which new-employment-form workers (members now)")),
            Field("units", gettext_lazy("Union units in the subtree")),
            Field("grassroots_units", gettext_lazy("Of which grassroots unions")),
            Field("positions", gettext_lazy("Service positions (stations, centres, rooms)")),
            *SERVICE,
            Field(
                "funds_spent", gettext_lazy("Union funds spent on services (yuan)"), manual=True, money=True
            ),
            Field("volunteers", gettext_lazy("Volunteers who served"), manual=True),
        ),
        due_day=31,
    ),
}


def get_form(code: str) -> Form:
    if code not in FORMS:
        raise field_error("form", _("Choose a report form: monthly or yearly."), "invalid")
    return FORMS[code]


def parse_period(form: Form, period: str) -> tuple[date, date]:
    """(first, last day) of "YYYY-MM" for a monthly form, "YYYY" for a yearly one; 400 naming
    `period` otherwise."""
    text = str(period or "").strip()
    try:
        if form.period_kind == "month" and len(text) == 7 and text[4] == "-":
            return named_period("month", date(int(text[:4]), int(text[5:]), 1))
        if form.period_kind == "year" and len(text) == 4:
            return named_period("year", date(int(text), 1, 1))
    except ValueError:
        pass
    example = "2026-11" if form.period_kind == "month" else "2026"
    raise field_error("period", _("Enter the period like %s.") % example, "invalid")


def due_date(form: Form, last: date) -> date:
    """When the report of a period ending `last` is due (the upper unit sees who is late)."""
    year, month = (last.year + 1, 1) if last.month == 12 else (last.year, last.month + 1)
    day = min(form.due_day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return date(year, month, day)
