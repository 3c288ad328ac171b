"""/api/v1/stats: the contract other clients rely on, scope, and bad input."""

from datetime import date

import pytest

from tests.activities.support import member
from tests.stats.support import add
from zhijia.records.enums import RecordSource
from zhijia.stats.fold import fold_all

SUMMARY_KEYS = {
    "org", "from", "to", "as_of", "service_visits", "people_served", "activities_held",
    "activity_participants", "members_end", "members_joined", "vouchers_redeemed",
    "consumption_driven", "orders_delivered",
}  # fmt: skip


@pytest.fixture
def ledger(demo):
    fubao, futian = demo.org("福保街道"), demo.org("福田区总")
    worker = member(fubao)
    add(fubao, date(2026, 3, 1), person=worker)
    add(fubao, date(2026, 3, 2), person=worker, source=RecordSource.ACTIVITY)
    add(futian, date(2026, 3, 3))
    add(fubao, date(2026, 3, 4), person=worker, source=RecordSource.VOUCHER, amount=50, driven="123.40")
    fold_all()
    return {"fubao": fubao, "futian": futian, "worker": worker}


def test_summary_contract(api_client, demo, ledger):
    futian = ledger["futian"]
    r = api_client.login("futian_staff").get(
        "/api/v1/stats/summary", {"org": str(futian.pk), "from": "2026-03-01", "to": "2026-03-31"}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) >= SUMMARY_KEYS
    assert body["org"] == {"id": str(futian.pk), "name": futian.name}
    assert (body["from"], body["to"]) == ("2026-03-01", "2026-03-31")
    assert (body["service_visits"], body["people_served"]) == (4, 1)
    assert body["activity_participants"] == 1 and body["vouchers_redeemed"] == 1
    assert body["consumption_driven"] == "123.40"
    assert isinstance(body["members_end"], int) and isinstance(body["members_joined"], int)


def test_breakdown_by_child_adds_up_to_the_summary(api_client, demo, ledger):
    api_client.login("futian_staff")
    query = {"org": str(ledger["futian"].pk), "from": "2026-03-01", "to": "2026-03-31"}
    total = api_client.get("/api/v1/stats/summary", query).json()["service_visits"]
    items = api_client.get("/api/v1/stats/breakdown", {**query, "by": "child"}).json()["items"]
    assert sum(i["service_visits"] for i in items) == total
    keys = {i["key"]: i for i in items}
    assert keys["self"]["service_visits"] == 1 and keys[str(ledger["fubao"].pk)]["service_visits"] == 3
    for by in ("month", "source", "worker_type", "service", "sex", "age_band", "position"):
        r = api_client.get("/api/v1/stats/breakdown", {**query, "by": by})
        assert r.status_code == 200, (by, r.content)


@pytest.mark.parametrize(
    "query, field",
    [
        ({"from": "2026-02-30", "to": "2026-03-01"}, "from"),
        ({"from": "2026-03-01", "to": "2026-13-01"}, "to"),
        ({"from": "", "to": "2026-03-01"}, "from"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "to"),
        ({"from": "0001-01-01", "to": "9999-12-31"}, "from"),
        ({"from": "1990-01-01", "to": "9999-12-31"}, "to"),
        ({"from": "2026-03-01" * 50, "to": "2026-03-01"}, "from"),
        ({"from": "2026-03-01", "to": "2026-03-31", "by": "zodiac"}, "by"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_client, demo, query, field):
    path = "/api/v1/stats/breakdown" if "by" in query else "/api/v1/stats/summary"
    r = api_client.login("futian_staff").get(path, {"org": str(demo.org("福田区总").pk), **query})
    assert r.status_code == 400, r.content
    assert field in r.json()["fields"]


def test_scope(api_client, demo, ledger):
    query = {"from": "2026-03-01", "to": "2026-03-31"}
    baoan = demo.org("宝安区总")
    api_client.login("futian_staff")
    assert api_client.get("/api/v1/stats/summary", {**query, "org": str(baoan.pk)}).status_code == 404
    assert api_client.get("/api/v1/stats/summary", {**query, "org": "not-a-uuid"}).status_code == 404
    assert (
        api_client.get("/api/v1/stats/summary", {**query, "org": str(ledger["fubao"].pk)}).status_code == 200
    )
    province = api_client.login("province_admin").get(
        "/api/v1/stats/summary", {**query, "org": str(baoan.pk)}
    )
    assert province.status_code == 200


def test_small_sensitive_counts_are_suppressed_outside_the_owning_unit(api_client, demo):
    fubao = demo.org("福保街道")
    for _ in range(3):
        add(fubao, date(2026, 3, 5), person=member(fubao), source=RecordSource.HARDSHIP)
    fold_all()
    query = {"org": str(fubao.pk), "from": "2026-03-01", "to": "2026-03-31", "by": "source"}
    outside = api_client.login("futian_staff").get("/api/v1/stats/breakdown", query).json()["items"]
    hardship = next(i for i in outside if i["key"] == "hardship")
    assert hardship["service_visits"] == "<5" and hardship["people_served"] == "<5"


def test_members_at_period_end_equal_the_registry(api_client, demo):
    from django.utils import timezone

    from tests.members.registry_support import cn_id, person_data
    from zhijia.members.enums import ACTIVE_STATUSES
    from zhijia.members.models import Membership
    from zhijia.members.services.registry import member_register, member_withdraw
    from zhijia.orgs.tree import subtree_q

    futian, admin = demo.org("福田区总"), demo.user("shenzhen_admin")
    joined = [
        member_register(
            actor=admin, org=demo.org("河套科创工会"), data=person_data(id_number=cn_id(seq=f"{n}11"))
        )
        for n in range(3)
    ]
    member_withdraw(actor=admin, membership=joined[0])
    fold_all()
    today = timezone.localdate().isoformat()
    body = (
        api_client.login("futian_staff")
        .get("/api/v1/stats/summary", {"org": str(futian.pk), "from": today, "to": today})
        .json()
    )
    active = Membership.objects.filter(subtree_q(futian.path, "org__path"), status__in=ACTIVE_STATUSES)
    assert body["members_end"] == active.count() == 2
    assert (body["members_joined"], body["members_left"]) == (3, 1)


def test_report_api_flow(api_client, demo):
    fubao = demo.org("福保街道")
    add(fubao, date(2026, 3, 4))
    fold_all()
    clerk = api_client.login("fubao_staff")
    opened = clerk.post(
        "/api/v1/stats/reports", {"org": str(fubao.pk), "form": "monthly", "period": "2026-03"}
    )
    assert opened.status_code == 200, opened.content
    rid = opened.json()["id"]
    refused = clerk.post(f"/api/v1/stats/reports/{rid}/submit")
    assert refused.status_code == 409 and refused.json()["code"] == "logic_check_failed"
    assert "manual_filled" in refused.json()["fields"]
    bad = clerk.post(f"/api/v1/stats/reports/{rid}/figures", {"values": {"volunteers": "1e99"}})
    assert bad.status_code == 400 and "volunteers" in bad.json()["fields"]
    assert (
        clerk.post(f"/api/v1/stats/reports/{rid}/figures", {"values": {"volunteers": 3}}).status_code == 200
    )
    assert clerk.post(f"/api/v1/stats/reports/{rid}/submit").json()["status"] == "submitted"
    district = api_client.login("futian_staff")
    returned = district.post(f"/api/v1/stats/reports/{rid}/return", {"reason": "请补充说明"})
    assert returned.json()["status"] == "returned" and returned.json()["return_reason"] == "请补充说明"
    again = district.post(f"/api/v1/stats/reports/{rid}/approve")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    board = district.get(
        "/api/v1/stats/reports", {"org": str(demo.org("福田区总").pk), "period": "2026-03"}
    ).json()
    line = next(i for i in board["items"] if i["org"]["id"] == str(fubao.pk))
    assert line["report"]["status"] == "returned"
    assert api_client.login("baoan_staff").get(f"/api/v1/stats/reports/{rid}").status_code == 404
    assert district.get("/api/v1/stats/reports/not-an-id").status_code == 404
    assert district.post(f"/api/v1/stats/reports/{rid}/explode").status_code == 404
