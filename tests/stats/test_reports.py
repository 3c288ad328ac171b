"""Statistical reports (逐级上报): generated figures, typed-in ones, logic checks before submission,
submit → return with a reason → resubmit → approve (children first), the approved snapshot never
changes, a correction is a new version with its differences."""

from datetime import date

import pytest

from tests.stats.support import add
from zhijia.core.errors import ApplicationError
from zhijia.stats.fold import fold_all
from zhijia.stats.models import Report, ReportStatus
from zhijia.stats.reports.export import report_pdf, report_xlsx
from zhijia.stats.reports.selectors import report_board, report_diff
from zhijia.stats.reports.services import (
    report_approve,
    report_correct,
    report_exempt,
    report_open,
    report_return,
    report_save,
    report_submit,
)

PERIOD = "2026-03"


@pytest.fixture
def street(demo):
    fubao = demo.org("福保街道")
    for _ in range(3):
        add(fubao, date(2026, 3, 4))
    fold_all()
    return fubao


def _code(fn):
    with pytest.raises(ApplicationError) as err:
        fn()
    return err.value


def test_submit_return_resubmit_approve(demo, street):
    clerk, district = demo.user("fubao_staff"), demo.user("futian_staff")
    report = report_open(actor=clerk, org=street, form="monthly", period=PERIOD)
    assert report.status == ReportStatus.DRAFT and report.figures["service_visits"] == 3
    err = _code(lambda: report_submit(actor=clerk, report=report))
    assert err.code == "logic_check_failed" and "manual_filled" in err.fields
    report = report_save(
        actor=clerk, report=report, values={"volunteers": "12"}, notes={"volunteers": "党员志愿者"}
    )
    report = report_submit(actor=clerk, report=report)
    assert report.status == ReportStatus.SUBMITTED
    assert _code(lambda: report_return(actor=district, report=report, reason=" ")).fields.keys() == {"reason"}
    report = report_return(actor=district, report=report, reason="志愿者人数请核实")
    assert report.status == ReportStatus.RETURNED and report.return_reason == "志愿者人数请核实"
    report = report_save(actor=clerk, report=report, values={"volunteers": 10}, notes={})
    report = report_submit(actor=clerk, report=report)
    # the street has no units below that are not approved? it has: they must be approved or exempt
    err = _code(lambda: report_approve(actor=district, report=report))
    assert err.code == "children_pending"
    for child in street.children.all():
        report_exempt(actor=clerk, org=child, form="monthly", period=PERIOD, reason="未开展")
    report = report_approve(actor=district, report=report)
    assert report.status == ReportStatus.APPROVED and report.figures["volunteers"] == 10
    # locked: no more changes, and new ledger rows do not move the snapshot
    assert _code(
        lambda: report_save(actor=clerk, report=report, values={"volunteers": 1}, notes={})
    ).code == ("invalid_transition")
    add(street, date(2026, 3, 20))
    fold_all()
    assert report_open(actor=clerk, org=street, form="monthly", period=PERIOD).figures["service_visits"] == 3
    # a correction is a new version showing what changed
    new = report_correct(actor=clerk, report=report)
    assert (new.version, new.status, new.figures["service_visits"]) == (2, ReportStatus.DRAFT, 4)
    assert next((d["key"], d["before"], d["after"]) for d in report_diff(new)) == ("service_visits", 3, 4)
    assert Report.objects.get(pk=report.pk).figures["service_visits"] == 3
    assert report_pdf(report)[:4] == b"%PDF" and report_xlsx(report)[:2] == b"PK"


def test_nobody_reviews_their_own_report(demo, street):
    clerk = demo.user("fubao_staff")  # also holds a grant on 福田 itself
    report = report_open(actor=clerk, org=street, form="monthly", period=PERIOD)
    report = report_save(actor=clerk, report=report, values={"volunteers": 1}, notes={})
    report = report_submit(actor=clerk, report=report)
    assert _code(lambda: report_approve(actor=clerk, report=report)).code == "permission_denied"


def test_only_the_unit_above_reviews(demo, street):
    clerk = demo.user("fubao_staff")
    report = report_save(
        actor=clerk,
        report=report_open(actor=clerk, org=street, form="monthly", period=PERIOD),
        values={"volunteers": 1},
        notes={},
    )
    report = report_submit(actor=clerk, report=report)
    assert _code(lambda: report_approve(actor=demo.user("baoan_staff"), report=report)).code == "not_found"
    assert (
        _code(lambda: report_approve(actor=demo.user("enterprise_staff"), report=report)).code == "not_found"
    )


@pytest.mark.parametrize(
    "form, period", [("monthly", "2026-13"), ("monthly", "2026"), ("yearly", "26"), ("weekly", "2026")]
)
def test_bad_form_or_period_names_the_field(demo, form, period):
    err = _code(
        lambda: report_open(
            actor=demo.user("fubao_staff"), org=demo.org("福保街道"), form=form, period=period
        )
    )
    assert err.code == "invalid" and set(err.fields) & {"form", "period"}


def test_board_shows_who_is_late(demo, street):
    district = demo.org("福田区总")
    board = report_board(actor=demo.user("futian_staff"), org=district, form="monthly", period=PERIOD)
    line = next(c for c in board["children"] if c["org"] == street)
    assert line["report"] is None and line["late"] is True  # March 2026 reports were due 10 April
    assert board["due"] == date(2026, 4, 10)
