"""The work-report paragraph rounds numbers the way the union newspapers do."""

from datetime import date
from types import SimpleNamespace

import pytest

from zhijia.stats.paragraph import approx, period_phrase, work_paragraph


@pytest.mark.parametrize(
    "n, unit, text",
    [
        (7, "人", "7人"),
        (56, "场", "56场"),
        (312, "场", "300余场"),
        (300, "场", "300场"),
        (6412, "人次", "超6400人次"),
        (1980, "人", "近2000人"),
        (1500, "人次", "1500人次"),
        (140_321, "人", "逾14万人"),
        (2_034_000, "元", "逾200万元"),
        (9_990, "张", "近1万张"),
    ],
)
def test_newspaper_rounding(n, unit, text):
    assert approx(n, unit) == text


def test_paragraph_reads_like_a_report():
    org = SimpleNamespace(name="福田区总工会")
    figures = {
        "activities_held": 312,
        "service_visits": 6412,
        "people_served": 2104,
        "members_joined": 0,
        "vouchers_redeemed": 10_250,
        "consumption_driven": "2034000.00",
        "orders_delivered": 45,
    }
    text = work_paragraph(org, date(2025, 1, 1), date(2025, 12, 31), figures, new_form_visits=1800)
    assert text == (
        "2025年，福田区总工会开展活动300余场，服务职工超6400人次（超2100人），其中服务新就业形态劳动者1800人次，"
        "核销普惠消费券超1万张，拉动消费逾200万元，送服务上门45场。"
    )
    empty = dict.fromkeys(figures, 0)
    assert (
        work_paragraph(org, date(2026, 11, 1), date(2026, 11, 30), empty)
        == "2026年11月，福田区总工会暂无服务记录。"
    )
    assert period_phrase(date(2026, 1, 1), date(2026, 12, 31), today=date(2026, 12, 6)) == "今年以来"
