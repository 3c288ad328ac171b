"""PostgreSQL guarantees: one open file per household by constraint, and the fund's guarded
UPDATE under concurrent payments (never spends past the amount)."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from zhijia.casework.models import HardshipFile, HelpFund
from zhijia.casework.services.hardship import spend
from zhijia.core.errors import Conflict

from .support import hardship

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_open_file_per_household_is_a_constraint(demo):
    case = hardship(demo.org("福保街道"), n=951)
    other = hardship(demo.org("西乡街道"), n=952)
    with pytest.raises(IntegrityError), transaction.atomic():
        HardshipFile.objects.filter(case=other).update(household_index=case.hardship.household_index)


def test_concurrent_payments_never_overspend_the_fund(demo):
    fund = HelpFund.objects.create(
        org=demo.org("福保街道"), year=2026, name="并发测试", amount=Decimal("1000")
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def pay():
        try:
            barrier.wait()
            with transaction.atomic():
                spend(fund=fund, amount=Decimal("300"))
            outcomes.append("paid")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["fund_exhausted"] * 5 + ["paid"] * 3
    assert HelpFund.objects.get(pk=fund.pk).spent == Decimal("900")
