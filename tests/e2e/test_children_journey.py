"""Issue 16 "daily use" on a 375-px phone: a parent whose child is not registered opens a
children's camp, adds the child on the phone (the guardian's consent ticked), comes back to
the camp and enrols the child, answering the camp's own questions (a missing answer is shown
next to its question); the organiser's roster shows the answers with the phone masked. In
English and in traditional Chinese (Hong Kong workers)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.activities.support import activity, member
from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import worker_login
from zhijia.accounts import sms
from zhijia.accounts.models import User, UserKind
from zhijia.activities.enums import ActivityKind
from zhijia.activities.models import Enrolment
from zhijia.activities.services.questions import activity_questions_set
from zhijia.members.models import Consent, FamilyMember

WORKER_PHONE = "13800000001"
PICKUP_PHONE = "13912345678"


@pytest.fixture
def summer_camp(demo):
    org = demo.org("福田区总")
    start = (timezone.localtime() + dt.timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)
    camp = activity(
        org, sessions=5, kind=ActivityKind.CAMP, title="福田区职工子女暑期夏令营", capacity=20,
        starts_at=start, for_children=True, child_age_min=6, child_age_max=12,
    )  # fmt: skip
    activity_questions_set(
        actor=None,
        activity=camp,
        questions=[
            {"preset": "guardian", "required": True},
            {"preset": "pickup_name", "required": True},
            {"preset": "pickup_phone", "required": True},
            {"preset": "health", "required": False},
            {"preset": "emergency_name", "required": False},
            {"preset": "emergency_phone", "required": False},
            {"label": "T恤尺码 T-shirt size", "kind": "choice", "choices": "S\nM\nL", "required": True},
        ],
    )
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    mother = member(org, name="陈女士", user=worker)
    return {"camp": camp, "mother": mother}


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_parent_adds_a_child_and_enrols_them_answering_the_camps_questions(
    phone, summer_camp, live_server, language, staff_client
):
    sms.outbox.clear()
    camp, mother = summer_camp["camp"], summer_camp["mother"]
    phone.context.add_cookies([{"name": "zhijia_language", "value": language, "url": live_server.url}])
    phone.goto(f"/h5/activities/{camp.pk}/")
    phone.click("[data-testid=login-to-enrol]")
    worker_login(phone, WORKER_PHONE)
    phone.wait_for_selector("[data-testid=add-child]")
    assert phone.locator("[data-testid=no-children]").count() == 1
    phone.click("[data-testid=add-child]")

    phone.wait_for_selector("[data-testid=child-form]")
    phone.fill("[data-testid=child-name]", "陈小乐")
    phone.fill("[data-testid=child-birth-date]", "2018-06-01")
    phone.select_option("[data-testid=child-gender]", "female")
    phone.click("[data-testid=child-save]")  # without the consent: asked for it, nothing stored
    phone.wait_for_selector("[data-testid=error-guardian_consent]")
    assert not FamilyMember.objects.exists()
    phone.check("[data-testid=child-consent]")
    shot(phone, f"h5-child-form-{language}")
    phone.click("[data-testid=child-save]")

    phone.wait_for_selector("[data-testid=enrol-child]")  # back at the camp
    assert "陈小乐" in phone.locator("[data-testid=enrol-child]").inner_text()
    assert Consent.objects.filter(person=mother, purpose="minor", withdrawn_at__isnull=True).count() == 1
    phone.click("[data-testid=enrol-child]")

    phone.wait_for_selector("[data-testid=answers-form]")
    phone.fill("[data-testid=answer-guardian]", "陈女士")
    phone.fill("[data-testid=answer-pickup_name]", "陈先生")
    phone.fill("[data-testid=answer-health]", "花生过敏")
    phone.click("[data-testid=answers-submit]")  # the pick-up phone and the size are missing
    phone.wait_for_selector("[data-testid=error-a-pickup_phone]")
    assert not Enrolment.objects.exists()
    phone.fill("[data-testid=answer-pickup_phone]", PICKUP_PHONE)
    phone.locator("input[name^='a-q-'][value='M']").check()
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, f"h5-enrol-questions-{language}")
    phone.click("[data-testid=answers-submit]")

    phone.wait_for_selector("[data-testid=enrol-result]")
    assert phone.get_attribute("[data-testid=enrol-result]", "data-status") == "confirmed"
    shot(phone, f"h5-enrol-result-{language}")
    enrolment = Enrolment.objects.get()
    assert enrolment.child.name == "陈小乐" and enrolment.person_id == mother.pk

    phone.goto("/h5/children/")
    phone.wait_for_selector("[data-testid=child-row]")
    shot(phone, f"h5-children-{language}")

    roster = staff_client("futian_staff").get(f"/console/activities/{camp.pk}/roster/").content.decode()
    assert "139****5678" in roster and PICKUP_PHONE not in roster and "花生过敏" in roster


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_organiser_sets_the_camps_questions_on_a_phone(browser, live_server, summer_camp, language):
    from tests.e2e.conftest import PHONE
    from tests.e2e.test_members_journeys import staff_login

    camp = summer_camp["camp"]
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    context.add_cookies([{"name": "zhijia_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    staff_login(page, "futian_staff")
    page.goto(f"/console/activities/{camp.pk}/questions/")
    page.wait_for_selector("[data-testid=questions-form]")
    page.uncheck("[data-testid=q-p_emergency]")
    page.fill("[data-testid=q-f1-label]", "需要午餐吗？")
    page.select_option("[data-testid=q-f1-kind]", "yes_no")
    page.click("[data-testid=questions-save]")
    page.wait_for_selector("[data-testid=questions-asked]")
    camp.refresh_from_db()
    assert [x["id"] for x in camp.questions][:4] == ["guardian", "pickup_name", "pickup_phone", "health"]
    assert "emergency_name" not in [x["id"] for x in camp.questions]
    assert camp.questions[-1]["kind"] == "yes_no"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, f"console-activity-questions-{language}")
    context.close()
