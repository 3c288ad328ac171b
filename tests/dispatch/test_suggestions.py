"""Dispatch suggestions: ranked by specialty, area, availability, load and rating, with reasons;
experts the rules would refuse come last, marked with the code they would get."""

import datetime as dt

import pytest
from django.utils import translation

from zhijia.dispatch import error_codes
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.selectors.suggestions import expert_suggestions
from zhijia.dispatch.services import orders as svc

from .support import expert, order, world

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def w(demo):
    return world(demo)


@pytest.fixture
def placed(w):
    return svc.order_create(actor=w.unit_staff, **w.order_kwargs())


def by_name(suggestions):
    return {s.expert.name: s for s in suggestions}


def test_ranking_and_reasons(w, placed, demo):
    today = w.wanted_from
    expert(w.dispatcher, name="无专长", qualifications=["心理咨询师"])
    expert(w.dispatcher, name="外区专家", specialties=["PSY"], qualifications=["心理咨询师"],
           service_areas=[w.other_unit])  # fmt: skip
    expert(w.dispatcher, name="证书过期", specialties=["PSY"], qualifications=[("心理咨询师", today)])
    expert(w.dispatcher, name="全程没空", specialties=["PSY"], qualifications=["心理咨询师"],
           unavailable=[(w.wanted_from, w.wanted_to)])  # fmt: skip
    busy = expert(w.dispatcher, name="本月满额", specialties=["PSY"], qualifications=["心理咨询师"],
                  monthly_capacity=1)  # fmt: skip
    order(w.law, org=w.unit, status=S.ACCEPTED, expert=busy, wanted_from=w.wanted_from)
    w.expert2.rating_sum, w.expert2.rating_count = 9, 2
    w.expert2.save()
    with translation.override("en"):
        found = expert_suggestions(order=placed)
    names = [s.expert.name for s in found]
    # 王咨询 (specialty, area, free, rated 4.5) > 李心理 (same, unrated) > 外区专家 (outside the area)
    # > 无专长; then the blocked ones
    assert names[:4] == ["王咨询", "李心理", "外区专家", "无专长"]
    assert set(names[4:]) == {"证书过期", "全程没空", "本月满额"}
    s = by_name(found)
    assert s["王咨询"].blocked == "" and s["王咨询"].score > s["李心理"].score > s["外区专家"].score
    assert "Specialty match" in s["李心理"].reasons and "In the service area" in s["李心理"].reasons
    assert "Rated 4.5" in s["王咨询"].reasons
    assert "0/8 orders this month" in s["李心理"].reasons
    assert "Outside the service area" in s["外区专家"].reasons
    assert "Specialty match" not in s["无专长"].reasons
    assert s["证书过期"].blocked == error_codes.CERTIFICATE_EXPIRED
    assert s["全程没空"].blocked == error_codes.EXPERT_UNAVAILABLE
    assert "Not available on the wanted dates" in s["全程没空"].reasons
    assert (
        s["本月满额"].blocked == error_codes.EXPERT_UNAVAILABLE
        and "1/1 orders this month" in s["本月满额"].reasons
    )
    assert all(isinstance(x.score, float) for x in found)


def test_availability_counts_booked_days_and_limit(w, placed):
    order(w.law, org=w.unit, status=S.ACCEPTED, expert=w.expert, starts_at=w.starts(0))
    with translation.override("en"):
        s = by_name(expert_suggestions(order=placed))
    total = (w.wanted_to - w.wanted_from).days + 1
    assert f"Available on {total - 1} of {total} wanted days" in s["李心理"].reasons
    assert "Available on the wanted dates" in s["王咨询"].reasons
    assert len(expert_suggestions(order=placed, limit=1)) == 1


def test_outside_pools_are_not_suggested(w, placed, demo):
    expert(demo.org("宝安区总"), name="宝安专家", specialties=["PSY"], qualifications=["心理咨询师"])
    expert(w.dispatcher, name="停用", specialties=["PSY"], active=False)
    city = expert(demo.org("深圳市总"), name="市级专家", specialties=["PSY"], qualifications=["心理咨询师"])
    names = {s.expert.name for s in expert_suggestions(order=placed)}
    assert "宝安专家" not in names and "停用" not in names and city.name in names


def test_suggestions_take_a_fixed_number_of_queries(w, placed, django_assert_max_num_queries):
    away = [(w.wanted_from, w.wanted_from + dt.timedelta(days=1))]
    for i in range(8):
        expert(w.dispatcher, name=f"专家{i}", specialties=["PSY"], qualifications=["心理咨询师"],
               service_areas=[w.unit], unavailable=away)  # fmt: skip
    with django_assert_max_num_queries(10):
        assert len(expert_suggestions(order=placed, limit=20)) == 10
