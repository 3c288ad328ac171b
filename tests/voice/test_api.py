"""Workers' voice end to end through the API: a consultation on a draft regulation, a worker's
opinion on an article (anonymous to others, real-name inside), a union's opinion, tags, merge,
the xlsx report, the report sent, outcomes with reasons and the SMS notice; the opinion box
with its deadline and the overdue list; bad input."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import ApiClient
from tests.matrix.world import member_of
from zhijia.accounts import sms
from zhijia.accounts.models import User, UserKind
from zhijia.voice.models import BoxMessage

pytestmark = pytest.mark.django_db


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def _consultation(demo):
    org = demo.org("河套联合工会")
    api = ApiClient().login("fubao_staff")
    body = {
        "org_id": str(org.pk),
        "title": "《深圳经济特区职工权益保障条例（草案）》意见征集",
        "draft_title": "深圳经济特区职工权益保障条例（草案）",
        "closes_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "articles": [
            {"number": "第一条", "text": "为了保障职工合法权益……"},
            {"number": "第二条", "text": "新就业形态劳动者……"},
        ],
    }
    c = _ok(api.post("/api/v1/consultations/manage", body), 201)
    return api, org, c


def test_a_worker_comments_and_later_sees_partly_adopted_with_its_reason(
    demo, client, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    api, org, c = _consultation(demo)
    cid, article = c["id"], c["articles"][1]["id"]
    assert client.get(f"/api/v1/consultations/{cid}").status_code == 404  # a draft is not public
    _ok(api.post(f"/api/v1/consultations/{cid}/status", {"status": "open"}))
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    member_of(demo.org("福保街道"), 8123, "李建华", user=worker)
    client.force_login(worker)
    mine = _ok(
        client.post(
            f"/api/v1/consultations/{cid}/opinions",
            {"article_id": article, "text": "建议明确平台算法规则公示"},
            content_type="application/json",
        ),
        201,
    )
    _ok(
        client.post(
            f"/api/v1/consultations/{cid}/opinions", {"text": "整体支持"}, content_type="application/json"
        ),
        201,
    )
    union = _ok(
        api.post(
            f"/api/v1/consultations/{cid}/union-opinions",
            {"org_id": str(org.pk), "article_id": article, "text": "建议增加休息权条款"},
        ),
        201,
    )
    assert union["author"] == org.name
    # other workers see the text, never the author
    public = client.get(f"/api/v1/consultations/{cid}").json()
    assert "建议明确平台算法规则公示" in str(public) and "李" not in str(public["opinions"])
    # inside: real name, masked
    inside = _ok(api.get(f"/api/v1/consultations/{cid}/opinions"))
    assert any(o["author"] == "李*华" for o in inside)
    _ok(
        api.post(
            f"/api/v1/opinions/{mine['id']}/tags",
            {"tags": ["算法", "平台"]},
        )
    )
    _ok(api.post(f"/api/v1/opinions/{union['id']}/merge", {"into_id": mine["id"]}))
    early = api.post(f"/api/v1/opinions/{mine['id']}/outcome", {"outcome": "partly", "reason": "x"})
    assert early.status_code == 409 and early.json()["code"] == "not_sent"
    _ok(api.post(f"/api/v1/consultations/{cid}/status", {"status": "closed"}))
    report = api.get(f"/api/v1/consultations/{cid}/report.xlsx")
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert (
        len(rows) == 4 and any("李*华" in str(r) for r in rows) and not any("李建华" in str(r) for r in rows)
    )
    future = api.post(f"/api/v1/consultations/{cid}/sent", {"sent_to": "x", "sent_on": "2099-01-01"})
    assert future.status_code == 400
    _ok(
        api.post(
            f"/api/v1/consultations/{cid}/sent",
            {"sent_to": "福田区人大常委会基层立法联系点", "sent_on": timezone.localdate().isoformat()},
        )
    )
    no_reason = api.post(f"/api/v1/opinions/{mine['id']}/outcome", {"outcome": "partly", "reason": "  "})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    with django_capture_on_commit_callbacks(execute=True):
        _ok(
            api.post(
                f"/api/v1/opinions/{mine['id']}/outcome",
                {"outcome": "partly", "reason": "算法公示已写入第二条，细则另行规定"},
            )
        )
    seen = client.get("/api/v1/me/opinions").json()
    partly = next(o for o in seen if o["id"] == mine["id"])
    assert partly["outcome"] == "partly" and partly["reason"].startswith("算法公示")
    assert [m["template"] for m in sms.outbox] == ["opinion_outcome"]
    whole = next(o for o in seen if o["id"] != mine["id"])
    _ok(api.post(f"/api/v1/opinions/{whole['id']}/outcome", {"outcome": "adopted", "reason": "感谢支持"}))
    assert _ok(api.get("/api/v1/consultations/manage"))[0]["status"] == "answered"


def test_opinion_box_deadline_and_overdue_list(demo, client):
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    client.force_login(worker)
    unit = demo.org("河套科创工会")
    msg = _ok(
        client.post(
            "/api/v1/opinions/box",
            {"org_id": str(unit.pk), "subject": "食堂", "text": "希望延长晚餐时间"},
            content_type="application/json",
        ),
        201,
    )
    assert msg["due_on"] > timezone.localdate().isoformat()
    BoxMessage.objects.filter(pk=msg["id"]).update(due_on=timezone.localdate() - timedelta(days=1))
    upper = ApiClient().login("futian_staff")
    overdue = _ok(upper.get("/api/v1/opinions/box/overdue"))
    assert overdue == [{"org_id": str(unit.pk), "name": unit.name, "overdue": 1}]
    assert (
        ApiClient()
        .login("baoan_staff")
        .post(f"/api/v1/opinions/box/{msg['id']}/reply", {"reply": "x"})
        .status_code
        == 404
    )
    staff = ApiClient().login("enterprise_staff")
    _ok(staff.post(f"/api/v1/opinions/box/{msg['id']}/reply", {"reply": "已与食堂协商，晚餐延长至20点"}))
    again = staff.post(f"/api/v1/opinions/box/{msg['id']}/reply", {"reply": "x"})
    assert again.status_code == 409 and again.json()["code"] == "already_replied"
    assert _ok(upper.get("/api/v1/opinions/box/overdue")) == []
    assert client.get("/api/v1/me/box").json()[0]["reply"].startswith("已与食堂")


def test_bad_input_is_400_and_strangers_404(demo, client):
    api, org, c = _consultation(demo)
    cid = c["id"]
    bad = [
        (
            "/api/v1/consultations/manage",
            {
                "org_id": str(org.pk),
                "title": "x",
                "draft_title": "x",
                "closes_on": "2026-02-30",
                "articles": [{"number": "1", "text": "x"}],
            },
        ),
        (
            "/api/v1/consultations/manage",
            {
                "org_id": str(org.pk),
                "title": "x",
                "draft_title": "x",
                "closes_on": "2020-01-01",
                "articles": [{"number": "1", "text": "x"}],
            },
        ),
        (
            "/api/v1/consultations/manage",
            {
                "org_id": str(org.pk),
                "title": "x",
                "draft_title": "x",
                "closes_on": "2099-01-01",
                "articles": [],
            },
        ),
        (
            "/api/v1/consultations/manage",
            {
                "org_id": str(org.pk),
                "title": "x" * 201,
                "draft_title": "x",
                "closes_on": "2099-01-01",
                "articles": [{"number": "1", "text": "x"}],
            },
        ),
        (f"/api/v1/consultations/{cid}/status", {"status": "answered"}),
        (f"/api/v1/consultations/{cid}/sent", {"sent_to": "x", "sent_on": 2**70}),
    ]
    for url, body in bad:
        response = api.post(url, body)
        assert response.status_code in (400, 422), (url, response.status_code, response.content)
    assert (
        api.post(f"/api/v1/consultations/{cid}/sent", {"sent_to": "x", "sent_on": "2026-01-01"}).json()[
            "code"
        ]
        == "invalid_transition"
    )
    assert ApiClient().login("baoan_staff").get(f"/api/v1/consultations/{cid}/opinions").status_code == 404
    assert api.get("/api/v1/consultations/9223372036854775808999").status_code == 404
    _ok(api.post(f"/api/v1/consultations/{cid}/status", {"status": "open"}))
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    client.force_login(worker)
    for body in (
        {"text": ""},
        {"text": "x", "article_id": "nope"},
        {"text": "x", "article_id": str(org.pk)},
        {"text": 5},
    ):
        r = client.post(f"/api/v1/consultations/{cid}/opinions", body, content_type="application/json")
        assert r.status_code == 400, (body, r.content)
    assert (
        client.post(
            "/api/v1/opinions/box",
            {"org_id": str(org.pk), "subject": "", "text": "x"},
            content_type="application/json",
        ).status_code
        == 400
    )
