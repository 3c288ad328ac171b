"""The console home's to-do: what waits for the user in the roles they hold — join applications
to review, expert-service orders back with them as dispatcher or waiting for their confirmation,
statistical reports submitted to them, case deadlines overdue or near, online applications for
listed services to answer. Each count comes from its
domain's selector (scoped by the capability that acts on it); only what is waiting is listed."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from zhijia.casework.selectors import deadlines_due
from zhijia.catalog.selectors import applications_waiting
from zhijia.dispatch.selectors.orders import waiting_counts
from zhijia.members.selectors.joining import application_counts
from zhijia.stats.reports.selectors import reports_to_review


def todo_items(user: Any) -> list[dict[str, Any]]:
    """[{"key", "label", "count", "url", "urgent"}] with count > 0, most urgent first."""
    applications = application_counts(actor=user)
    orders = waiting_counts(actor=user)
    cases = deadlines_due(actor=user)
    items = [
        (
            "applications_overdue",
            _("Join applications past their deadline"),
            applications["overdue"],
            reverse("staff:application_list"),
            True,
        ),
        (
            "cases_overdue",
            _("Cases with a deadline passed"),
            cases["overdue"],
            reverse("staff:cases_list"),
            True,
        ),
        (
            "applications",
            _("Join applications to review"),
            applications["submitted"] - applications["overdue"],
            reverse("staff:application_list"),
            False,
        ),
        (
            "cases_soon",
            _("Cases with a deadline within 3 days"),
            cases["soon"],
            reverse("staff:cases_list"),
            False,
        ),
        (
            "orders_to_dispatch",
            _("Expert-service orders to dispatch"),
            orders["to_dispatch"],
            reverse("staff:dispatch_board"),
            False,
        ),
        (
            "orders_to_confirm",
            _("Delivered expert services to confirm"),
            orders["to_confirm"],
            reverse("staff:dispatch_board"),
            False,
        ),
        (
            "service_applications",
            _("Online applications for services to answer"),
            applications_waiting(actor=user),
            reverse("staff:service_applications"),
            False,
        ),
        (
            "reports",
            _("Statistical reports to review"),
            reports_to_review(actor=user),
            reverse("staff:stats_reports"),
            False,
        ),
    ]
    return [
        {"key": key, "label": label, "count": count, "url": url, "urgent": urgent}
        for key, label, count, url, urgent in items
        if count > 0
    ]
