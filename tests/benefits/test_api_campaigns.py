"""The public campaign endpoints, lottery entries and the draw list, and the worker's own vouchers
(GET /api/v1/voucher-campaigns…, /me/vouchers)."""

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from tests.benefits.support import campaign, claimer, merchant
from zhijia.accounts.tokens import token_issue
from zhijia.benefits import codes
from zhijia.benefits.enums import CampaignStatus
from zhijia.benefits.models import LotteryEntry, Round
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.lottery import entry_register, lottery_draw, lottery_rank

pytestmark = pytest.mark.django_db
V = "/api/v1/voucher-campaigns"


@pytest.fixture
def org(demo):
    return demo.org("中山市总")


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {token_issue(user=user)[0]}"}


def test_public_list_shows_live_campaigns_with_their_state_not_drafts(org, django_assert_max_num_queries):
    running = campaign(org, total=10, title="环卫工人消费券")
    later = campaign(org, total=5, rounds=2, title="快递小哥满减券")
    Round.objects.filter(campaign=later, number=1).update(
        opens_at=timezone.now() + dt.timedelta(hours=1), closes_at=timezone.now() + dt.timedelta(hours=3)
    )
    campaign(org, title="草稿", status=CampaignStatus.DRAFT)
    for _ in range(3):
        campaign(org, total=3)
    with django_assert_max_num_queries(4 + 5):  # count, page, rounds, merchants; remaining per campaign
        response = Client().get(V)
    with django_assert_max_num_queries(4):  # remaining is cached for a second: the next phones
        Client().get(V)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    by_title = {item["title"]: item for item in body["items"]}
    assert "草稿" not in by_title
    assert by_title["环卫工人消费券"]["state"] == "open" and by_title["环卫工人消费券"]["remaining"] == 10
    assert by_title["快递小哥满减券"]["state"] == "upcoming"
    assert by_title["快递小哥满减券"]["next_opens_at"]
    item = by_title["环卫工人消费券"]
    assert item["id"] == str(running.pk) and item["org_name"] == org.name
    assert (item["face_value"], item["threshold"]) == ("40.00", "50.00")


def test_detail_has_rounds_merchants_outlets_and_hides_the_seed_until_the_draw(org):
    shop = merchant(org, name="好又多超市", outlets=2)
    camp = campaign(org, total=30, rounds=3, merchants=[shop])
    response = Client().get(f"{V}/{camp.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [r["number"] for r in body["rounds"]] == [1, 2, 3]
    assert sum(r["stock"] for r in body["rounds"]) == 30
    assert body["remaining"] == 10 and body["state"] == "open"
    assert body["merchants"][0]["name"] == "好又多超市"
    assert len(body["merchants"][0]["outlets"]) == 2
    assert body["server_time"] and body["seed"] == ""
    lottery = campaign(org, total=1, allocation="lottery")
    drawn = Client().get(f"{V}/{lottery.pk}").json()
    assert drawn["seed_hash"] == lottery.seed_hash and drawn["seed"] == ""
    assert drawn["state"] == "registration_open"


def test_detail_names_only_the_campaigns_outlets_when_it_has_some(org):
    shop = merchant(org, outlets=3)
    one = shop.outlets.order_by("name").first()
    camp = campaign(org, merchants=[shop], outlets=[one])
    outlets = Client().get(f"{V}/{camp.pk}").json()["merchants"][0]["outlets"]
    assert [o["id"] for o in outlets] == [str(one.pk)]


def test_drafts_and_unknown_ids_are_404(org):
    draft = campaign(org, status=CampaignStatus.DRAFT)
    for path in (
        f"{V}/{draft.pk}",
        f"{V}/{draft.pk}/state",
        f"{V}/{draft.pk}/draw",
        f"{V}/x",
        f"{V}/x/state",
    ):
        response = Client().get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_state_for_the_waiting_phone(org, django_assert_max_num_queries, frozen_clock):
    camp = campaign(org, total=2, rounds=2)
    user, _p = claimer(org)
    # The clock stands still (frozen_clock): "the state is shared for a second" must not hang
    # on how fast a busy machine gets from one request to the next.
    state = Client().get(f"{V}/{camp.pk}/state").json()
    assert state["open"] is True and state["remaining"] == 1 and state["round"] == 1
    assert state["state"] == "open" and state["closes_at"] and state["next_opens_at"]
    assert dt.datetime.fromisoformat(state["server_time"]) == timezone.now()
    voucher_claim(user=user, campaign_id=camp.pk)
    with django_assert_max_num_queries(0):  # every phone shares the state for a second
        again = Client().get(f"{V}/{camp.pk}/state").json()
    assert again["remaining"] == 1 and again["server_time"] == state["server_time"]


def test_state_of_a_round_not_yet_open(org):
    camp = campaign(org, total=5)
    opens = timezone.now() + dt.timedelta(minutes=10)
    Round.objects.filter(campaign=camp).update(opens_at=opens, closes_at=opens + dt.timedelta(hours=1))
    state = Client().get(f"{V}/{camp.pk}/state").json()
    assert state["open"] is False and state["state"] == "upcoming" and state["round"] is None
    assert abs(dt.datetime.fromisoformat(state["next_opens_at"]) - opens) < dt.timedelta(milliseconds=1)


def test_lottery_registration_and_its_codes(org):
    lottery = campaign(org, total=1, allocation="lottery")
    user, _p = claimer(org)
    first = Client().post(f"{V}/{lottery.pk}/entries", content_type="application/json", headers=bearer(user))
    assert first.status_code == 201
    entry = LotteryEntry.objects.get(campaign=lottery)
    assert first.json() == {"entry_id": str(entry.pk), "number": 1}
    again = Client().post(f"{V}/{lottery.pk}/entries", content_type="application/json", headers=bearer(user))
    assert again.status_code == 409 and again.json()["code"] == "already_registered"
    first_come = campaign(org)
    wrong = Client().post(
        f"{V}/{first_come.pk}/entries", content_type="application/json", headers=bearer(user)
    )
    assert wrong.status_code == 409 and wrong.json()["code"] == "not_open"
    anonymous = Client().post(f"{V}/{lottery.pk}/entries", content_type="application/json")
    assert anonymous.status_code == 401
    assert LotteryEntry.objects.count() == 1


def test_draw_list_masks_names_and_can_be_re_run_from_the_revealed_seed(org, demo):
    lottery = campaign(org, total=2, allocation="lottery")
    people = [claimer(org, name=f"张{n}号") for n in range(5)]
    for user, _p in people:
        entry_register(user=user, campaign=lottery)
    before = Client().get(f"{V}/{lottery.pk}/draw").json()
    assert before["seed"] == "" and before["drawn_at"] is None and before["seed_hash"] == lottery.seed_hash
    assert [e["number"] for e in before["entries"]] == [1, 2, 3, 4, 5]
    assert all(e["name"].startswith("张") and "*" in e["name"] for e in before["entries"])
    assert "张1号" not in str(before)
    lottery.register_closes_at = timezone.now() - dt.timedelta(seconds=1)
    lottery.save(update_fields=["register_closes_at"])
    lottery_draw(actor=demo.user("province_admin"), campaign=lottery)
    after = Client().get(f"{V}/{lottery.pk}/draw").json()
    seed = after["seed"]
    assert hashlib.sha256(seed.encode()).hexdigest() == after["seed_hash"]
    order = lottery_rank(seed, [e["number"] for e in after["entries"]])
    assert [e["number"] for e in after["entries"]] == order
    assert [e["rank"] for e in after["entries"]] == [1, 2, 3, 4, 5]
    assert [e["status"] for e in after["entries"]][:2] == ["won", "won"]
    assert after["algorithm"]
    detail = Client().get(f"{V}/{lottery.pk}").json()
    assert detail["seed"] == seed and detail["state"] == "drawn"


def test_draw_of_a_first_come_campaign_is_empty(org):
    camp = campaign(org)
    body = Client().get(f"{V}/{camp.pk}/draw").json()
    assert body["entries"] == [] and body["algorithm"] == ""


def test_my_vouchers_are_my_own_with_a_signed_qr(org, demo):
    camp = campaign(org, total=5)
    user, _p = claimer(org)
    other, _p = claimer(org)
    mine = voucher_claim(user=user, campaign_id=camp.pk).voucher
    voucher_claim(user=other, campaign_id=camp.pk)
    response = Client().get("/api/v1/me/vouchers", headers=bearer(user))
    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == str(mine.pk) and item["code"] == mine.code and item["status"] == "claimed"
    assert item["qr"] != mine.code and codes.parse(item["qr"]) == mine.code
    assert item["campaign"] == camp.title
    assert Client().get("/api/v1/me/vouchers?status=redeemed", headers=bearer(user)).json() == []
    staff = Client().get("/api/v1/me/vouchers", headers=bearer(demo.user("merchant_demo")))
    assert staff.status_code == 200 and staff.json() == []
    assert Client().get("/api/v1/me/vouchers").status_code == 401
