from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zhijia.core.workdays import add_working_days, next_value, working_days_between


@pytest.mark.django_db
def test_weekends_holidays_and_make_up_days():
    friday = date(2026, 9, 25)
    assert add_working_days(friday, 1) == date(2026, 9, 28)  # the weekend is skipped
    call_command("workdays", holiday=["2026-10-01..2026-10-07"], workday=["2026-09-27"], name="国庆节")
    assert add_working_days(friday, 1) == date(2026, 9, 27)  # a 调休 Sunday counts
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)  # the holiday week is skipped
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    out = StringIO()
    call_command("workdays", "--list", "2026", stdout=out)
    assert "2026-10-01 holiday" in out.getvalue() and "2026-09-27 workday" in out.getvalue()


@pytest.mark.django_db
def test_bad_dates_are_refused():
    with pytest.raises(CommandError):
        call_command("workdays", holiday=["2026-02-30"])
    with pytest.raises(CommandError):
        call_command("workdays", holiday=["2026-10-07..2026-10-01"])


@pytest.mark.django_db
def test_counters_never_repeat():
    assert [next_value("x") for _ in range(3)] == [1, 2, 3]
    assert next_value("y") == 1
