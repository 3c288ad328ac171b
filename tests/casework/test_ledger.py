"""Every help given, consultation and session is one ledger row whose service code and money
the statistics count and sum (records.ServiceRecord)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord
from zhijia.records.services import person_key

from .support import counselling, expert_login, fund, hardship, legal, step

pytestmark = pytest.mark.django_db


def _filed(org):
    case = hardship(org)
    step(case, "screen", None)
    step(case, "visit", None, visit_record="属实", income_check_signed=True)
    step(case, "publicise", None)
    case.hardship.__class__.objects.filter(case=case).update(
        publicity_until=dt.date.today() - dt.timedelta(days=1)
    )
    return step(case, "approve", None)


def test_help_row_carries_kind_code_and_amount(demo):
    org = demo.org("福保街道")
    case = _filed(org)
    f = fund(org, amount="5000")
    step(case, "help", demo.user("fubao_staff"), kind="schooling", amount="1200.50", fund_id=str(f.pk))
    row = ServiceRecord.objects.get(source=RecordSource.HARDSHIP)
    help = case.help_records.get()
    assert row.source_id == help.pk and row.leg == "" and row.qty == 1
    assert row.service_code == "hardship:schooling"
    assert row.amount == Decimal("1200.50") and row.driven is None
    assert row.org_id == org.pk and row.org_path == org.path
    assert timezone.localtime(row.occurred_at).date() == help.given_on
    assert row.person_id == case.person_id
    if case.person_id:
        assert row.person_key == person_key(case.person_id)


def test_session_rows_carry_their_codes_and_no_money(demo):
    org = demo.org("大朗镇")
    user, expert = expert_login(org, name="调解员")
    case = legal(org)
    step(case, "assign", None, expert_id=str(expert.pk))
    step(case, "session", user, both_parties=False)
    step(case, "session", user, both_parties=True)
    codes = sorted(
        ServiceRecord.objects.filter(source=RecordSource.LEGAL).values_list("service_code", "amount")
    )
    assert codes == [("legal:consultation", None), ("legal:mediation", None)]

    booking = counselling(org)
    user2, expert2 = expert_login(org, name="心理咨询师")
    step(booking, "assign", None, expert_id=str(expert2.pk))
    step(booking, "session", user2, minutes=50)
    row = ServiceRecord.objects.get(source=RecordSource.COUNSELLING)
    assert row.service_code == "counselling:session" and row.amount is None
    assert row.source_id == booking.sessions.get().pk and row.org_id == org.pk


def test_statistics_count_and_sum_the_help(demo):
    from zhijia.stats.figures import breakdown, summary
    from zhijia.stats.fold import fold_all

    org = demo.org("福保街道")
    case = _filed(org)
    staff = demo.user("fubao_staff")
    step(case, "help", staff, kind="warmth", amount="500")
    step(case, "help", staff, kind="medical", amount="1200.50")
    fold_all()
    today = timezone.localdate()
    first = today - dt.timedelta(days=366)
    assert summary(org, first, today)["help_given"] == Decimal("1700.50")
    by_code = {i["key"]: i for i in breakdown(org, first, today, "service", exact=True)}
    assert by_code["hardship:warmth"]["service_visits"] == 1
    assert by_code["hardship:medical"]["service_visits"] == 1
