"""The honours demo (zhijia.demo.honours): a 五一劳动奖章 campaign with two nominees on public
notice, a published star criteria set with one scored and one waiting assessment, a contest
with two locked events; a second run creates nothing; without the demo members only the star part is made."""

import pytest

from zhijia.contests.models import Contest, Entry, Event
from zhijia.demo.honours import seed_honours
from zhijia.demo.members import seed_members
from zhijia.honours.models import Assessment, Campaign, CriteriaSet, Nomination, StarAward

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Campaign, Nomination, CriteriaSet, Assessment, Contest, Event, Entry)]


def test_the_demo_is_made_once(demo):
    assert seed_honours() == 1  # without the demo members: only the star criteria
    seed_members()
    assert seed_honours() == 2
    campaign = Campaign.objects.get(kind="may_day_medal")
    assert campaign.status == "publicity"
    assert set(Nomination.objects.values_list("status", flat=True)) == {"publicity"}
    assert Nomination.objects.count() == 2
    assert CriteriaSet.objects.get().published
    assert set(Assessment.objects.values_list("status", flat=True)) == {"scored", "submitted"}
    assert StarAward.objects.get().stars == 3
    contest = Contest.objects.get()
    assert contest.status == "locked" and contest.events.filter(locked=True).count() == 2
    assert set(Entry.objects.values_list("award", flat=True)) == {"first", "second"}
    counts = _counts()
    assert seed_honours() == 0
    assert _counts() == counts
