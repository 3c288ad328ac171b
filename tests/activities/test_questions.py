"""An activity's own questions (activities.questions): what the console and the API may ask,
answers checked by the one enrolment service (a missing required answer names the question),
stored encrypted, part of the idempotency comparison, and shown masked in the roster, its API
and its xlsx export."""

import io

import pytest
from django.db import connection
from openpyxl import load_workbook

from tests.activities.support import activity, child, worker
from zhijia.activities import questions as q
from zhijia.activities.models import Enrolment
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.activities.services.questions import activity_questions_set
from zhijia.activities.xlsx import roster_xlsx
from zhijia.core.audit import AuditEntry
from zhijia.core.errors import Conflict, ValidationFailed
from zhijia.core.idempotency import IdempotencyMismatch

pytestmark = pytest.mark.django_db
PHONE = "13812345678"
ASKED = [
    {"preset": "guardian", "required": True},
    {"preset": "pickup_name", "required": True},
    {"preset": "pickup_phone", "required": True},
    {"preset": "health", "required": False},
    {"label": "需要午餐吗？", "kind": "yes_no", "required": True},
    {"label": "T恤尺码", "kind": "choice", "choices": "S\nM\nL", "required": False},
]


@pytest.fixture
def futian(demo):
    return demo.org("福田区总")


@pytest.fixture
def camp(futian):
    act = activity(futian, for_children=True, title="寒假托管营")
    return activity_questions_set(actor=None, activity=act, questions=ASKED)


def _ids(act) -> dict:
    return {x.get("preset") or x["label"]: x["id"] for x in act.questions}


def answers(act, **extra) -> dict:
    ids = _ids(act)
    base = {"guardian": "张三", "pickup_name": "李四", "pickup_phone": f"+86 {PHONE}", "需要午餐吗？": True}
    base.update(extra)
    return {ids[k]: v for k, v in base.items()}


def test_clean_questions_keeps_ids_and_refuses_bad_ones_by_index():
    cleaned = q.clean_questions(ASKED)
    assert [x["id"] for x in cleaned[:4]] == ["guardian", "pickup_name", "pickup_phone", "health"]
    assert cleaned[4]["id"].startswith("q-") and cleaned[5]["choices"] == ["S", "M", "L"]
    again = q.clean_questions(cleaned)  # an edit keeps the ids, so earlier answers keep their question
    assert [x["id"] for x in again] == [x["id"] for x in cleaned]
    for bad, field in [
        ([{"preset": "shoe_size"}], "questions.0.preset"),
        ([{"label": "", "kind": "text"}], "questions.0.label"),
        ([{"label": "x" * 201, "kind": "text"}], "questions.0.label"),
        ([{"label": "a", "kind": "phone"}], "questions.0.kind"),
        ([{"label": "a", "kind": "choice", "choices": "only one"}], "questions.0.choices"),
        ([{"label": "a\x00", "kind": "text"}], "questions.0.label"),
        ([{"label": "a", "kind": "text"}] * 21, "questions"),
        ("nope", "questions"),
        ([7], "questions.0"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            q.clean_questions(bad)
        assert field in exc.value.fields, (bad, exc.value.fields)


def test_questions_are_audited_and_closed_activities_refuse_changes(camp):
    entry = AuditEntry.objects.filter(action="activity.questions").latest("at")
    assert "guardian:text*" in entry.data["questions"]
    camp.status = "cancelled"
    camp.save()
    with pytest.raises(Conflict):
        activity_questions_set(actor=None, activity=camp, questions=[])


def test_a_missing_required_answer_names_the_question(camp):
    _user, parent = worker(camp.org)
    kid = child(parent, at=camp.starts_at)
    ids = _ids(camp)
    partial = answers(camp)
    del partial[ids["guardian"]]
    with pytest.raises(ValidationFailed) as exc:
        enrolment_create(actor=None, activity=camp, person=parent, child=kid, answers=partial)
    assert set(exc.value.fields) == {"answers.guardian"}
    assert "Guardian" in exc.value.fields["answers.guardian"][0]
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    "key, value, field",
    [
        ("pickup_phone", "12345", "answers.pickup_phone"),
        ("pickup_phone", "1" * 5000, "answers.pickup_phone"),
        ("需要午餐吗？", "perhaps", None),
        ("T恤尺码", "XXL", None),
        ("health", "x" * 501, "answers.health"),
        ("health", ["a"], "answers.health"),
        ("guardian", "张\x00三", "answers.guardian"),
    ],
)
def test_bad_answers_are_refused_naming_the_question(camp, key, value, field):
    _user, parent = worker(camp.org)
    kid = child(parent, at=camp.starts_at)
    given = answers(camp, **{key: value})
    with pytest.raises(ValidationFailed) as exc:
        enrolment_create(actor=None, activity=camp, person=parent, child=kid, answers=given)
    assert (field or f"answers.{_ids(camp)[key]}") in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        enrolment_create(actor=None, activity=camp, person=parent, child=kid, answers={"nope": "x", **given})
    assert "answers.nope" in exc.value.fields


def test_answers_are_stored_encrypted_and_shown_masked(camp):
    _user, parent = worker(camp.org)
    kid = child(parent, at=camp.starts_at)
    ids = _ids(camp)
    given = answers(camp, health=f"花生过敏，医生电话 {PHONE}")
    enrolment = enrolment_create(actor=None, activity=camp, person=parent, child=kid, answers=given)
    assert q.load(enrolment.answers)[ids["pickup_phone"]] == PHONE  # normalised
    assert q.load(enrolment.answers)[ids["需要午餐吗？"]] == "yes"
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM activities_enrolment")
        raw = [r[0] for r in cursor.fetchall()]
    assert raw and all(PHONE not in r and "李四" not in r for r in raw)
    rows = {r["id"]: r["value"] for r in q.answer_rows(camp.questions, enrolment.answers)}
    assert rows[ids["pickup_phone"]] == "138****5678"
    assert rows[ids["health"]] == "花生过敏，医生电话 138****5678"
    assert rows[ids["需要午餐吗？"]] == "Yes" and rows[ids["T恤尺码"]] == ""
    entry = AuditEntry.objects.filter(action="enrolment.create").latest("at")
    assert PHONE not in str(entry.data) and "李四" not in str(entry.data)
    assert ids["guardian"] in entry.data["answered"]
    book = load_workbook(io.BytesIO(roster_xlsx(camp)))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None]
    assert "138****5678" in cells and PHONE not in " ".join(cells)
    assert "Guardian's name" in cells and "张三" in cells


def test_staff_may_leave_answers_to_the_door_but_not_give_bad_ones(camp):
    parent = worker(camp.org)[1]
    kid = child(parent, at=camp.starts_at)
    enrolment = enrolment_create(actor=None, activity=camp, person=parent, child=kid, channel="staff")
    assert enrolment.answers == ""
    with pytest.raises(ValidationFailed):
        enrolment_create(
            actor=None, activity=camp, person=parent, child=child(parent), channel="staff",
            answers={"pickup_phone": "nope"},
        )  # fmt: skip


def test_the_same_key_with_other_answers_is_422(camp):
    user, parent = worker(camp.org)
    kid = child(parent, at=camp.starts_at)
    first = enrolment_create(actor=user, activity=camp, person=parent, child=kid, answers=answers(camp),
                             idempotency_key="k-1")  # fmt: skip
    again = enrolment_create(actor=user, activity=camp, person=parent, child=kid, answers=answers(camp),
                             idempotency_key="k-1")  # fmt: skip
    assert again.pk == first.pk
    with pytest.raises(IdempotencyMismatch):
        enrolment_create(actor=user, activity=camp, person=parent, child=kid,
                         answers=answers(camp, guardian="王五"), idempotency_key="k-1")  # fmt: skip


def test_duplicate_copies_the_questions(camp):
    from zhijia.activities.services.activities import activity_duplicate

    copy = activity_duplicate(actor=None, activity=camp)
    assert copy.questions == camp.questions
