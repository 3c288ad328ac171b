"""Issue 14 "Labour registry": a village surveyor enters a household on a phone with no signal and
it syncs once (even when the first answer is lost on the way back); staff build a 家政服务队 from
the registry; the 乡建公司 posts a job, the town's staff refer three people from the ranked
matches, one is interviewed and hired, and the funnel shows it. All on a 375-px phone."""

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import staff_login
from tests.labour.support import cn_id
from zhijia.demo.labour import seed_labour
from zhijia.labour.models import Job, Referral, RegistryPerson, Team
from zhijia.records.models import ServiceRecord


def test_surveyor_enters_a_household_offline_and_it_syncs_once(demo, phone):
    seed_labour(DEMO_PASSWORD, people=30)
    staff_login(phone, "tangfang_surveyor")
    phone.goto("/h5/labour/survey/")
    phone.wait_for_selector("[data-testid=survey-form]")
    before = RegistryPerson.objects.count()
    phone.context.set_offline(True)
    phone.fill("[data-testid=sv-group]", "三组")
    phone.fill("[data-testid=sv-household]", "A-017")
    phone.fill("[data-testid=sv-name]", "陈春花")
    phone.fill("[data-testid=sv-id]", cn_id(777))
    phone.select_option("[data-testid=sv-status]", "unemployed")
    phone.select_option("[data-testid=sv-skill]", "4-10")
    phone.fill("[data-testid=sv-skill-title]", "家政服务员")
    phone.check("[data-testid=sv-consent]")
    phone.click("[data-testid=sv-save]")
    phone.wait_for_selector("[data-testid=outbox-row][data-state=waiting]")
    shot(phone, "labour-survey-offline")
    assert RegistryPerson.objects.count() == before  # nothing left the phone
    # The signal comes back, but the first answer is lost on its way back to the phone: the
    # server has the record, the phone does not know, and sends again with the same key.
    lost = {"n": 0}

    def lose_first_answer(route):
        response = route.fetch()
        if lost["n"] == 0:
            lost["n"] += 1
            route.abort()
        else:
            route.fulfill(response=response)

    phone.route("**/api/v1/labour/people", lose_first_answer)
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_selector("[data-testid=outbox-row][data-state=sent]", timeout=40000)
    shot(phone, "labour-survey-synced")
    assert lost["n"] == 1
    assert RegistryPerson.objects.count() == before + 1
    entry = RegistryPerson.objects.get(person__name="陈春花")
    assert (
        entry.household.number == "A-017"
        and entry.status == "unemployed"
        and entry.surveyed_by.username == "tangfang_surveyor"
    )
    stored = phone.evaluate("localStorage.getItem('zhijia-labour-outbox')")
    assert cn_id(777) not in stored  # the ID number left the phone once the server had it


def test_staff_build_a_domestic_service_team_from_the_registry(demo, phone):
    seed_labour(DEMO_PASSWORD, people=60)
    staff_login(phone, "pingli_staff")
    phone.goto("/console/labour/teams/")
    phone.select_option("select[name=kind]", "domestic")
    phone.fill("input[name=name]", "塘坊村巾帼家政服务队")
    phone.click("[data-testid=team-submit]")
    phone.wait_for_selector("[data-testid=candidate-filter]")
    phone.select_option("[data-testid=candidate-skill]", "4-10")
    phone.click("[data-testid=candidate-filter] button")
    phone.wait_for_selector("[data-testid=candidate-pick]")
    picks = phone.locator("[data-testid=candidate-pick]")
    count = min(picks.count(), 3)
    for i in range(count):
        picks.nth(i).check()
    phone.click("[data-testid=candidates-add]")
    phone.wait_for_selector("[data-testid=roster-row]")
    shot(phone, "labour-team-roster")
    team = Team.objects.get(name="塘坊村巾帼家政服务队")
    assert count >= 1 and team.members.count() == count
    assert all(m.entry.skills.filter(occupation="4-10").exists() for m in team.members.all())


def test_company_posts_a_job_staff_refer_three_one_is_hired(demo, phone, browser, live_server):
    seed_labour(DEMO_PASSWORD, people=60)
    staff_login(phone, "xiangjian_staff")
    phone.goto("/console/labour/jobs/")
    phone.fill("input[name=title]", "村道养护工")
    phone.select_option("select[name=occupation]", "6-29")
    phone.fill("input[name=place]", "广佛镇")
    phone.fill("input[name=wage_min]", "3500")
    phone.fill("input[name=wage_max]", "4500")
    phone.fill("input[name=headcount]", "2")
    phone.fill("input[name=starts_on]", "2026-01-01")
    phone.fill("input[name=min_age]", "18")
    phone.fill("input[name=max_age]", "60")
    phone.click("[data-testid=job-submit]")
    phone.wait_for_selector("[data-testid=funnel]")
    job = Job.objects.get(title="村道养护工")
    # the town's staff (the county clerk here) refer three people from the matches
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", base_url=live_server.url
    )
    staff = context.new_page()
    staff_login(staff, "pingli_staff")
    staff.goto(f"/console/labour/jobs/{job.pk}/")
    staff.wait_for_selector("[data-testid=match-row]")
    assert staff.locator("[data-testid=match-score]").count() >= 3
    shot(staff, "labour-job-matches")
    for i in range(3):
        staff.locator("[data-testid=match-pick]").nth(i).check()
    staff.click("[data-testid=refer-submit]")
    staff.wait_for_selector("[data-testid=referral-row]")
    assert staff.locator("[data-testid=referral-row]").count() == 3
    staff.locator("[data-testid=step-interview]").first.click()
    staff.wait_for_selector("[data-testid=step-hire]")
    staff.locator("[data-testid=step-hire]").first.click()
    staff.wait_for_selector("[data-testid=funnel-hired]:has-text('1')")
    assert staff.inner_text("[data-testid=funnel-referred]") == "3"
    assert staff.inner_text("[data-testid=funnel-interviewed]") == "1"
    assert staff.inner_text("[data-testid=funnel-hired]") == "1"
    shot(staff, "labour-job-funnel")
    hired = Referral.objects.get(job=job, hired_on__isnull=False)
    assert ServiceRecord.objects.filter(source="labour", source_id=hired.pk).count() == 1
    phone.goto(f"/console/labour/jobs/{job.pk}/")  # the company's clerk sees the same funnel
    assert phone.inner_text("[data-testid=funnel-referred]") == "3"
    context.close()


def test_registered_worker_sees_the_jobs_matched_to_them_and_opens_one(demo, phone):
    """The worker's own phone page: the open jobs their registry record fits, best first with
    the reasons; tapping one shows all of it. The same page in English and traditional Chinese."""
    from tests.activities.support import worker_user
    from tests.e2e.test_members_journeys import worker_login
    from tests.labour.support import register, units
    from zhijia.accounts import sms
    from zhijia.labour.services.jobs import job_create

    seed_labour(DEMO_PASSWORD, people=0)  # the company's three jobs
    u = units()
    job_create(
        actor=None,
        org=u["广佛乡建公司工会"],
        data={
            "title": "村道养护工",
            "occupation": "6-29",
            "place": "广佛镇",
            "place_org": u["广佛镇"],
            "starts_on": "2026-12-01",
            "ends_on": "2027-06-30",
            "wage_min": 3500,
            "wage_max": 4500,
            "headcount": 4,
            "min_age": 18,
            "max_age": 60,
            "description": "养护塘坊村至三坪村的村道，包吃住。",
        },
    )
    user = worker_user("13900000014")
    entry = register(
        u["塘坊村"],
        914,
        status="unemployed",
        status_since="2026-03-01",
        skills=[{"occupation": "6-29", "title": "砌筑工", "level": "level4"}],
        job_matching_consent=True,
    )
    entry.person.user = user
    entry.person.save(update_fields=["user"])
    sms.outbox.clear()
    phone.goto("/h5/labour/jobs/")
    worker_login(phone, "13900000014")
    phone.goto("/h5/labour/jobs/")
    phone.wait_for_selector("[data-testid=my-job]")
    titles = phone.locator("[data-testid=my-job-title]").all_inner_texts()
    assert "村道养护工" in titles and "砌筑工（安置房项目）" in titles
    assert "挖掘机驾驶员" not in titles or titles.index("村道养护工") < titles.index("挖掘机驾驶员")
    assert not phone.locator("[data-testid=my-job-detail]").first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "labour-h5-jobs")
    job = phone.locator("[data-testid=my-job]").filter(has_text="村道养护工")
    job.locator("summary").click()
    detail = job.locator("[data-testid=my-job-detail]")
    detail.wait_for(state="visible")
    assert "包吃住" in detail.inner_text() and "2027-06-30" in detail.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "labour-h5-job-open")
    for lang, heading in (("en", "Jobs for you"), ("zh-hant", "為您推薦的崗位")):
        with phone.expect_navigation():
            phone.select_option("header [data-testid=language]", lang)
        assert phone.locator("h1").inner_text() == heading
        phone.locator("[data-testid=my-job]").first.locator("summary").click()
        phone.locator("[data-testid=my-job-detail]").first.wait_for(state="visible")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        shot(phone, f"labour-h5-jobs-{lang}")
    assert "测试914" not in phone.content()  # the page names no one
