"""Visits: each becomes exactly one service record; member cards name the person; anonymous
visits need a group; feedback is public and rate-limited (429)."""

import pytest
from django.db import transaction

from tests.matrix.world import member_of
from zhijia.core.errors import ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.members.services.card import card_token_issue
from zhijia.positions.models import Feedback, Visit
from zhijia.positions.selectors import visit_list, visit_stats
from zhijia.positions.services import visit_record
from zhijia.records.models import ServiceRecord
from zhijia.records.services import record_add

URL = "/api/v1/positions"


def test_anonymous_visit_makes_one_record(make_position, demo):
    p = make_position()
    visit = visit_record(
        actor=demo.user("futian_staff"),
        position=p,
        visitor_group="delivery_rider",
        services=["water", "rest"],
    )
    record = ServiceRecord.objects.get(source="visit", source_id=visit.pk)
    assert record.org_id == p.org_id and record.position_id == p.pk
    assert record.visitor_group == "delivery_rider" and record.services == ["rest", "water"]
    assert record.person is None and record.count == 1
    # recording the same visit again never counts twice
    again = record_add(
        org=p.org,
        source="visit",
        source_id=visit.pk,
        occurred_at=visit.at,
        title="again",
    )
    assert again is False and ServiceRecord.objects.filter(source_id=visit.pk).count() == 1
    entry = AuditEntry.objects.get(action="position.visit")
    assert entry.data["group"] == "delivery_rider" and entry.data["member"] is False


def test_record_add_inside_a_failing_caller_leaves_nothing(make_position, demo):
    p = make_position()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_add(org=p.org, source="other", source_id=p.pk, occurred_at=p.created_at, title="x")
        raise RuntimeError
    assert not ServiceRecord.objects.filter(source_id=p.pk).exists()


def test_member_card_visit_names_the_person(make_position, demo):
    p = make_position()
    membership = member_of(demo.org("福保街道"), 77, "卡会员")
    token = card_token_issue(membership=membership).token
    visit = visit_record(
        actor=demo.user("futian_staff"), position=p, visitor_group="", services=[], card_token=token
    )
    assert visit.person_id == membership.person_id and visit.visitor_group == "other"
    assert ServiceRecord.objects.get(source_id=visit.pk).person_id == membership.person_id
    with pytest.raises(ValidationFailed) as err:
        visit_record(
            actor=demo.user("futian_staff"), position=p, visitor_group="", services=[], card_token=token + "x"
        )
    assert err.value.code == "card_invalid" and "card_token" in err.value.fields


@pytest.mark.parametrize(
    ("group", "services", "field"),
    [("", ["water"], "visitor_group"), ("pirate", [], "visitor_group"), ("courier", ["massage"], "services")],
)
def test_visit_errors(make_position, demo, group, services, field):
    with pytest.raises(ValidationFailed) as err:
        visit_record(
            actor=demo.user("futian_staff"), position=make_position(), visitor_group=group, services=services
        )
    assert field in err.value.fields
    assert not Visit.objects.exists() and not ServiceRecord.objects.exists()


def test_visit_api_masks_the_member(api_client, make_position, demo):
    p = make_position()
    membership = member_of(demo.org("福保街道"), 78, "欧阳娜娜")
    api = api_client.login("futian_staff")
    response = api.post(f"{URL}/{p.pk}/visits", {"card_token": card_token_issue(membership=membership).token})
    assert response.status_code == 201
    assert response.json()["name"] == "欧**娜" and response.json()["member"] is True


def test_visit_list_and_stats_scoped(make_position, demo):
    futian, baoan = make_position(), make_position(org_short="宝安区总")
    staff = demo.user("province_admin")
    for group in ("courier", "courier", "sanitation"):
        visit_record(actor=staff, position=futian, visitor_group=group, services=["water"])
    visit_record(actor=staff, position=baoan, visitor_group="courier", services=[])
    me = demo.user("futian_staff")
    assert visit_list(actor=me, filters={}).count() == 3
    stats = visit_stats(actor=me, filters={})
    assert stats["total"] == 3 and stats["by_group"] == [("courier", 2), ("sanitation", 1)]
    assert sum(n for _d, n in stats["by_day"]) == 3
    assert visit_list(actor=me, filters={"org": str(demo.org("宝安区总").pk)}).count() == 0
    assert visit_stats(actor=demo.user("province_admin"), filters={})["total"] == 4


def test_feedback_is_public_and_rate_limited(client, make_position):
    first, second = make_position(), make_position()
    post = lambda p, **b: client.post(  # noqa: E731
        f"{URL}/{p.pk}/feedback", {"rating": 5, **b}, content_type="application/json"
    )
    assert [post(first).status_code for _ in range(4)] == [201, 201, 201, 429]
    assert post(first).json()["code"] == "feedback_rate_limited"
    assert Feedback.objects.filter(position=first).count() == 3
    assert post(second, rating=0).status_code == 400
    statuses = [post(second).status_code for _ in range(3)]
    assert statuses == [201, 201, 201]
    # the day-wide limit (10) is reached on the next stations
    others = [make_position() for _ in range(3)]
    statuses = [post(p).status_code for p in others for _ in range(2)]
    assert statuses.count(201) == 4 and statuses[-1] == 429
