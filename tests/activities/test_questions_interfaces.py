"""The activity questions through every interface: the console's "Questions" page, `PUT
/api/v1/activities/<id>/questions`, the questions in `GET /activities/<id>`, answers in the
API enrolment and on the phone (errors next to the question), and the roster (console and API)
showing the answers with phone numbers masked."""

import pytest
from django.test import Client

from tests.activities.support import activity, child, worker
from zhijia.accounts.tokens import token_issue
from zhijia.activities.models import Activity, Enrolment
from zhijia.activities.services.questions import activity_questions_set

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
PRESETS = [
    {"preset": "guardian", "required": True},
    {"preset": "pickup_name", "required": True},
    {"preset": "pickup_phone", "required": True},
    {"preset": "health", "required": False},
    {"preset": "emergency_name", "required": False},
    {"preset": "emergency_phone", "required": False},
]


@pytest.fixture
def futian(demo):
    return demo.org("福田区总")


@pytest.fixture
def camp(futian):
    act = activity(futian, for_children=True, title="暑期夏令营")
    return activity_questions_set(
        actor=None,
        activity=act,
        questions=[*PRESETS, {"label": "会游泳吗？", "kind": "yes_no", "required": True}],
    )


def _swim(act) -> str:
    return next(x["id"] for x in act.questions if x["label"] == "会游泳吗？")


def good(act) -> dict:
    return {"guardian": "张三", "pickup_name": "李四", "pickup_phone": PHONE, _swim(act): "no"}


def test_console_page_sets_presets_and_free_questions(futian, staff_client):
    act = activity(futian, for_children=True)
    client = staff_client("futian_staff")
    url = f"/console/activities/{act.pk}/questions/"
    page = client.get(url).content.decode()
    assert 'data-testid="q-p_pickup"' in page and 'data-testid="questions-none"' in page
    body = {"p_guardian": "on", "r_guardian": "on", "p_pickup": "on", "r_pickup": "on", "p_health": "on",
            "f0-label": "T恤尺码", "f0-kind": "choice", "f0-choices": "S\nM", "f0-required": "on",
            "f1-label": "", "f2-label": ""}  # fmt: skip
    r = client.post(url, body)
    assert r.status_code == 302
    act.refresh_from_db()
    assert [(x["id"], x["required"]) for x in act.questions[:4]] == [
        ("guardian", True), ("pickup_name", True), ("pickup_phone", True), ("health", False),
    ]  # fmt: skip
    assert act.questions[4]["choices"] == ["S", "M"] and act.questions[4]["required"]
    page = client.get(url).content.decode()
    assert 'value="T恤尺码"' in page and "Pick-up person and phone" in page
    r = client.post(url, {**body, "f0-choices": "only one"})
    assert r.status_code == 200 and 'data-testid="form-error"' in r.content.decode()
    assert staff_client("baoan_staff").get(url).status_code == 404
    assert staff_client("baoan_staff").post(url, {}).status_code == 404


def test_api_sets_and_shows_the_questions(camp, api_client, futian):
    staff = api_client.login("futian_staff")
    r = staff.client.put(
        f"/api/v1/activities/{camp.pk}/questions",
        {"questions": [{"preset": "guardian", "required": True}, {"label": "过敏？", "kind": "text"}]},
        content_type="application/json",
        headers=staff._headers(None),
    )
    assert r.status_code == 200, r.content
    asked = r.json()["questions"]
    assert asked[0] == {"id": "guardian", "kind": "text", "label": "Guardian's name", "required": True,
                        "choices": [], "preset": "guardian"}  # fmt: skip
    public = api_client.get(f"/api/v1/activities/{camp.pk}").json()["questions"]
    assert [x["id"] for x in public] == [x["id"] for x in asked]
    for bad, field in [
        ({"questions": [{"preset": "shoe"}]}, "questions.0.preset"),
        ({"questions": [{"kind": "choice", "label": "x", "choices": ["a"]}]}, "questions.0.choices"),
        ({"questions": "x"}, "questions"),
        ({"questions": [{"label": "x" * 1000}]}, "questions.0.label"),
    ]:
        r = staff.client.put(f"/api/v1/activities/{camp.pk}/questions", bad, content_type="application/json",
                             headers=staff._headers(None))  # fmt: skip
        assert r.status_code == 400 and field in r.json()["fields"], (bad, r.content)
    assert Activity.objects.get(pk=camp.pk).questions[1]["label"] == "过敏？"


def test_api_enrolment_with_answers(camp, api_client):
    user, parent = worker(camp.org)
    kid = child(parent, at=camp.starts_at)
    api_client.token, _ = token_issue(user=user)
    url = f"/api/v1/activities/{camp.pk}/enrolments"
    missing = api_client.post(url, {"child_id": str(kid.pk), "answers": {"guardian": "张三"}})
    assert missing.status_code == 400
    assert set(missing.json()["fields"]) == {
        "answers.pickup_name",
        "answers.pickup_phone",
        f"answers.{_swim(camp)}",
    }
    for answers in (
        {**good(camp), "pickup_phone": "12"},
        {**good(camp), "guardian": "x" * 10_000},
        {**good(camp), _swim(camp): 7},
        {**good(camp), "unknown": "x"},
        {str(i): "x" for i in range(60)},
    ):
        r = api_client.post(url, {"child_id": str(kid.pk), "answers": answers})
        assert r.status_code == 400 and r.json()["fields"], (answers, r.content)
    assert api_client.post(url, {"child_id": str(kid.pk), "answers": "x"}).status_code == 400
    ok = api_client.post(url, {"child_id": str(kid.pk), "answers": {**good(camp), _swim(camp): False}})
    assert ok.status_code == 201, ok.content
    assert Enrolment.objects.get().child_id == kid.pk
    staff = api_client.login("futian_staff")
    roster = staff.get(f"/api/v1/activities/{camp.pk}/roster")
    assert roster.status_code == 200 and PHONE not in roster.content.decode()
    shown = {a["id"]: a["value"] for a in roster.json()["rows"][0]["answers"]}
    assert (
        shown["pickup_phone"] == "139****5678" and shown["guardian"] == "张三" and shown[_swim(camp)] == "No"
    )


def test_phone_enrolment_asks_the_questions(camp, staff_client):
    user, parent = worker(camp.org)
    kid = child(parent, at=camp.starts_at, name="张小明")
    client = Client()
    client.force_login(user)
    detail = client.get(f"/h5/activities/{camp.pk}/").content.decode()
    link = f"/h5/activities/{camp.pk}/enrol/?child={kid.pk}"
    assert link.replace("&", "&amp;") in detail or link in detail
    page = client.get(link).content.decode()
    assert 'data-testid="answers-form"' in page and "Who picks the child up" in page
    assert 'data-testid="answer-pickup_phone"' in page and "张小明" in page
    key = page.split('name="key" value="')[1].split('"')[0]
    post = {"key": key, "child": str(kid.pk), "a-guardian": "张三", "a-pickup_phone": "123"}
    r = client.post(f"/h5/activities/{camp.pk}/enrol/", post)
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="error-a-pickup_name"' in html
    assert 'data-testid="error-a-pickup_phone"' in html and not Enrolment.objects.exists()
    post["a-pickup_phone"] = PHONE  # a phone given with another answer missing: not echoed
    r = client.post(f"/h5/activities/{camp.pk}/enrol/", post)
    assert 'data-testid="error-a-pickup_name"' in r.content.decode() and PHONE not in r.content.decode()
    post.update({"a-pickup_name": "李四", f"a-{_swim(camp)}": "yes"})
    r = client.post(f"/h5/activities/{camp.pk}/enrol/", post)
    assert 'data-status="confirmed"' in r.content.decode()
    again = client.post(f"/h5/activities/{camp.pk}/enrol/", post)  # a double tap: the same enrolment
    assert 'data-status="confirmed"' in again.content.decode() and Enrolment.objects.count() == 1
    roster = staff_client("futian_staff").get(f"/console/activities/{camp.pk}/roster/").content.decode()
    assert 'data-testid="roster-answers"' in roster and "139****5678" in roster and PHONE not in roster


def test_phone_questions_page_for_someone_elses_child_is_404(camp):
    user, _parent = worker(camp.org)
    _other, stranger = worker(camp.org)
    theirs = child(stranger, at=camp.starts_at)
    client = Client()
    client.force_login(user)
    assert client.get(f"/h5/activities/{camp.pk}/enrol/?child={theirs.pk}").status_code == 404
    assert client.get(f"/h5/activities/{camp.pk}/enrol/?child=nope").status_code == 404


def test_without_questions_the_enrol_button_posts_at_once(futian):
    act = activity(futian)
    user, _parent = worker(futian)
    client = Client()
    client.force_login(user)
    detail = client.get(f"/h5/activities/{act.pk}/").content.decode()
    assert f'action="/h5/activities/{act.pk}/enrol/"' in detail
    assert client.get(f"/h5/activities/{act.pk}/enrol/").status_code == 302
