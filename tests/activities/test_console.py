"""Console pages of activities: calendar, create/edit with sessions, publish/cancel/duplicate,
roster with enrolment on someone's behalf, bulk, approval, exports, and the check-in screen."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from tests.matrix.world import member_of
from zhijia.activities.enums import ActivityStatus, EnrolmentChannel, EnrolmentStatus
from zhijia.activities.models import Activity, Attendance
from zhijia.activities.services import activities as svc
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.catalog.models import ActivityPlan, PlanEntry
from zhijia.members.services.card import card_token_issue

pytestmark = pytest.mark.django_db

A = "/console/activities/"


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def make_activity(demo, org="福田区总", *, publish=True, sessions=1, **extra):
    start = timezone.now() + timedelta(days=2)
    data = {
        "kind": "course",
        "title": "AI 办公技能课",
        "capacity": 10,
        "members_only": False,
        "sessions": [
            {"starts_at": start + timedelta(days=7 * i), "ends_at": start + timedelta(days=7 * i, hours=2)}
            for i in range(sessions)
        ],
        **extra,
    }
    actor = demo.user("futian_staff")
    activity = svc.activity_create(actor=actor, org=demo.org(org), data=data)
    if publish:
        activity = svc.activity_publish(actor=actor, activity=activity)
    return activity


def session_post(rows, prefix="s"):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def form_post(**over):
    start = timezone.localtime() + timedelta(days=3)
    rows = [
        {"starts_at": (start + timedelta(days=7 * i)).strftime("%Y-%m-%dT%H:%M"),
         "ends_at": (start + timedelta(days=7 * i, hours=2)).strftime("%Y-%m-%dT%H:%M")}
        for i in range(3)
    ]  # fmt: skip
    data = {
        "kind": "course",
        "delivery": "offline",
        "title": "福田职工书院 直播带货",
        "capacity": "30",
        "offer_hold_minutes": "60",
        "waitlist_enabled": "on",
        **session_post(rows),
    }
    return data | over


def test_create_a_course_with_three_sessions(demo, staff_client):
    client = staff_client("futian_staff")
    assert client.get(A + "new/").status_code == 200
    response = client.post(A + "new/", form_post())
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get(title="福田职工书院 直播带货")
    assert activity.org == demo.org("福田区总")
    assert activity.status == ActivityStatus.DRAFT
    assert activity.sessions.count() == 3
    assert activity.capacity == 30 and activity.waitlist_enabled and activity.offer_hold_minutes == 60


def test_form_errors_are_shown_next_to_the_fields(staff_client):
    client = staff_client("futian_staff")
    response = client.post(A + "new/", form_post(title="", **session_post([])))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-title"' in body and 'data-testid="sessions-error"' in body
    assert not Activity.objects.exists()


def test_edit_changes_fields_and_sessions(demo, staff_client):
    activity = make_activity(demo, publish=False, sessions=2)
    first, second = activity.sessions.all()
    client = staff_client("futian_staff")
    assert client.get(f"{A}{activity.pk}/edit/").status_code == 200
    new_start = timezone.localtime(second.starts_at) + timedelta(days=14)
    rows = [
        {"id": str(first.pk), "starts_at": _local(first.starts_at), "ends_at": _local(first.ends_at)},
        {"id": str(second.pk), "starts_at": _local(second.starts_at), "ends_at": _local(second.ends_at),
         "DELETE": "on"},
        {"starts_at": new_start.strftime("%Y-%m-%dT%H:%M"),
         "ends_at": (new_start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")},
    ]  # fmt: skip
    data = form_post(title="改过的课") | session_post(rows)
    data["s-INITIAL_FORMS"] = "2"
    response = client.post(f"{A}{activity.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    activity.refresh_from_db()
    assert activity.title == "改过的课"
    kept = list(activity.sessions.all())
    assert len(kept) == 2 and kept[0].pk == first.pk and second.pk not in {s.pk for s in kept}


def test_plan_entry_prefills_the_form(demo, staff_client):
    plan = ActivityPlan.objects.create(
        org=demo.org("福田区总"), year=timezone.localdate().year + 1, title="计划"
    )
    entry = PlanEntry.objects.create(plan=plan, title="计划里的讲座", category="技能", month=3)
    client = staff_client("futian_staff")
    body = client.get(f"{A}new/?plan_entry={entry.pk}").content.decode()
    assert "计划里的讲座" in body and 'data-testid="from-plan"' in body
    response = client.post(f"{A}new/?plan_entry={entry.pk}", form_post(title="计划里的讲座"))
    assert response.status_code == 302
    assert Activity.objects.get(title="计划里的讲座").plan_entry == entry
    assert staff_client("baoan_staff").get(f"{A}new/?plan_entry={entry.pk}").status_code == 404


def test_calendar_shows_the_unit_subtree_by_month_and_week(demo, staff_client):
    ours = make_activity(demo, "福保街道")
    make_activity(demo, "宝安区总", title="宝安的活动")
    client = staff_client("futian_staff")
    day = timezone.localtime(ours.sessions.first().starts_at).date()
    month = client.get(A, {"month": day.strftime("%Y-%m")}).content.decode()
    assert ours.title in month and "宝安的活动" not in month
    assert 'data-testid="cal-day-list"' in month  # the phone layout
    week = client.get(A, {"view": "week", "week": day.isoformat()}).content.decode()
    assert ours.title in week and 'data-testid="cal-week"' in week
    assert client.get(A, {"month": "garbage"}).status_code == 200


def test_list_filters(demo, staff_client):
    make_activity(demo, title="讲座甲")
    make_activity(demo, publish=False, title="草稿乙")
    client = staff_client("futian_staff")
    body = client.get(A + "list/", {"status": "draft"}).content.decode()
    assert "草稿乙" in body and "讲座甲" not in body
    assert "讲座甲" in client.get(A + "list/", {"q": "讲座"}).content.decode()


def test_publish_duplicate_and_cancel_tells_how_many(demo, staff_client, django_capture_on_commit_callbacks):
    activity = make_activity(demo, publish=False)
    client = staff_client("futian_staff")
    client.post(f"{A}{activity.pk}/publish/")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PUBLISHED
    member = member_of(demo.org("福保街道"), 501, "王小明")
    enrolment_create(actor=demo.user("futian_staff"), activity=activity, person=member.person,
                     channel=EnrolmentChannel.STAFF)  # fmt: skip
    body = client.get(f"{A}{activity.pk}/").content.decode()
    assert 'data-testid="count-confirmed">1<' in body
    assert 'data-testid="cancel-notify"' in client.get(f"{A}{activity.pk}/cancel/").content.decode()
    client.post(f"{A}{activity.pk}/duplicate/")
    assert Activity.objects.filter(title=activity.title, status=ActivityStatus.DRAFT).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{A}{activity.pk}/cancel/", {"reason": "台风"})
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED and activity.cancel_reason == "台风"


def test_enrol_on_behalf_by_member_number_and_card(demo, staff_client):
    activity = make_activity(demo)
    one = member_of(demo.org("福保街道"), 502, "李一")
    two = member_of(demo.org("福保街道"), 503, "李二")
    client = staff_client("futian_staff")
    client.post(f"{A}{activity.pk}/enrol/", {"who": one.member_no})
    client.post(f"{A}{activity.pk}/enrol/", {"who": card_token_issue(membership=two).token})
    response = client.post(f"{A}{activity.pk}/enrol/", {"who": one.member_no}, follow=True)
    assert "already" in response.content.decode().lower() or "已" in response.content.decode()
    assert set(activity.enrolments.values_list("person_id", flat=True)) == {one.person_id, two.person_id}
    roster = client.get(f"{A}{activity.pk}/roster/").content.decode()
    assert roster.count('data-testid="roster-row"') == 2 and "李一" not in roster  # names masked
    assert (
        staff_client("baoan_staff").post(f"{A}{activity.pk}/enrol/", {"who": one.member_no}).status_code
        == 404
    )


def test_bulk_enrolment_partial_and_all_or_nothing(demo, staff_client):
    union = demo.org("福保街道")
    members = [member_of(union, 510 + i, f"批量{i}") for i in range(3)]
    activity = make_activity(demo, capacity=2, waitlist_enabled=False)
    client = staff_client("futian_staff")
    body = client.post(
        f"{A}{activity.pk}/enrol/bulk/", {"union": str(union.pk), "mode": "all_or_nothing"}
    ).content.decode()
    assert 'data-testid="bulk-result"' in body
    assert activity.enrolments.count() == 0
    body = client.post(
        f"{A}{activity.pk}/enrol/bulk/", {"union": str(union.pk), "mode": "partial"}
    ).content.decode()
    assert body.count('data-testid="bulk-row"') >= len(members)
    assert activity.enrolments.filter(status=EnrolmentStatus.CONFIRMED).count() == 2


def test_approve_and_reject(demo, staff_client):
    activity = make_activity(demo, requires_approval=True)
    a = member_of(demo.org("福保街道"), 520, "审批甲")
    b = member_of(demo.org("福保街道"), 521, "审批乙")
    actor = demo.user("futian_staff")
    ea = enrolment_create(actor=actor, activity=activity, person=a.person, channel=EnrolmentChannel.STAFF)
    eb = enrolment_create(actor=actor, activity=activity, person=b.person, channel=EnrolmentChannel.STAFF)
    client = staff_client("futian_staff")
    assert 'data-testid="approve"' in client.get(f"{A}{activity.pk}/roster/").content.decode()
    client.post(f"{A}enrolments/{ea.pk}/decide/", {"action": "approve"})
    client.post(f"{A}enrolments/{eb.pk}/decide/", {"action": "reject", "reason": "名额"})
    ea.refresh_from_db(), eb.refresh_from_db()
    assert (ea.status, eb.status) == (EnrolmentStatus.CONFIRMED, EnrolmentStatus.REJECTED)
    assert client.post(f"{A}enrolments/{ea.pk}/decide/", {"action": "bogus"}).status_code == 404


def test_checkin_screen_scan_walk_in_and_tick(demo, staff_client):
    activity = make_activity(demo, allow_walk_ins=True)
    session = activity.sessions.first()
    session.starts_at = timezone.now() - timedelta(minutes=10)
    session.save()
    one = member_of(demo.org("福保街道"), 530, "签到甲")
    two = member_of(demo.org("福保街道"), 531, "签到乙")
    actor = demo.user("futian_staff")
    enrolment_create(actor=actor, activity=activity, person=one.person, channel=EnrolmentChannel.STAFF)
    e2 = enrolment_create(actor=actor, activity=activity, person=two.person, channel=EnrolmentChannel.STAFF)
    client = staff_client("futian_staff")
    url = f"{A}sessions/{session.pk}/checkin/"
    page = client.get(url).content.decode()
    assert "<svg" in page and 'id="present-count">0<' in page
    assert "<svg" in client.get(url + "code/").content.decode()
    token = card_token_issue(membership=one).token
    ok = client.post(url, {"token": token}, headers={"HX-Request": "true"}).content.decode()
    assert 'data-ok="1"' in ok and "签*" in ok
    again = client.post(url, {"token": token}, headers={"HX-Request": "true"}).content.decode()
    assert 'data-ok="1"' in again  # idempotent
    bad = client.post(url, {"token": "nonsense"}, headers={"HX-Request": "true"}).content.decode()
    assert 'data-ok="0"' in bad and "card_invalid" in bad
    client.post(f"{A}sessions/{session.pk}/walk-in/", {"visitor_group": "courier"})
    client.post(f"{A}sessions/{session.pk}/mark/", {"enrolment": str(e2.pk)})
    assert Attendance.objects.filter(session=session).count() == 3
    roster = client.get(f"{A}{activity.pk}/roster/").content.decode()
    assert roster.count('data-testid="tick"') == 2
    assert staff_client("baoan_staff").get(url).status_code == 404


def test_roster_xlsx_and_sign_in_sheet(demo, staff_client):
    activity = make_activity(demo, sessions=2)
    member = member_of(demo.org("福保街道"), 540, "导出甲")
    enrolment_create(actor=demo.user("futian_staff"), activity=activity, person=member.person,
                     channel=EnrolmentChannel.STAFF)  # fmt: skip
    client = staff_client("futian_staff")
    response = client.get(f"{A}{activity.pk}/roster.xlsx")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert member.member_no in cells and "导出甲" not in cells
    sheet_page = client.get(f"{A}{activity.pk}/sign-in-sheet/").content.decode()
    assert sheet_page.count('data-testid="sheet"') == 2 and member.member_no in sheet_page


def test_service_item_and_co_organisers_are_saved(demo, staff_client):
    """The form links a published service-list item (of the unit, an ancestor or the subtree)
    and co-organisers (sister unions and the unions directly below)."""
    from zhijia.catalog import services as catalog

    staff = demo.user("futian_staff")
    service_list = catalog.service_list_create(actor=staff, org=demo.org("深圳市总"), title="市总服务清单")
    category = catalog.category_add(actor=staff, version=service_list.versions.get(), name="技能提升")
    item = catalog.item_add(actor=staff, category=category, name="AI办公培训")
    catalog.service_list_publish(actor=staff, service_list=service_list)
    sister, below = demo.org("宝安区总"), demo.org("福保街道")
    client = staff_client("futian_staff")
    form = client.get(A + "new/").context["form"]
    assert item in form.fields["service_item"].queryset
    assert {sister, below} <= set(form.fields["co_organisers"].queryset)
    assert demo.org("福田区总") not in form.fields["co_organisers"].queryset
    response = client.post(
        A + "new/", form_post(service_item=str(item.pk), co_organisers=[str(sister.pk), str(below.pk)])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get(title="福田职工书院 直播带货")
    assert activity.service_item == item
    assert set(activity.co_organisers.all()) == {sister, below}
    edit = client.get(f"{A}{activity.pk}/edit/").context["form"]
    assert set(edit.initial["co_organisers"]) == {sister.pk, below.pk}
