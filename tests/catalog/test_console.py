"""Console pages: the draft editor, publish and new drafts, plan pages, scoping (404/403)."""

from django.urls import reverse

from zhijia.catalog.enums import PlanEntryStatus, VersionStatus
from zhijia.catalog.models import ActivityPlan, ServiceList

from .conftest import make_plan


def test_futian_staff_cannot_open_or_edit_a_baoan_list(staff_client, baoan_list):
    client = staff_client("futian_staff")
    item = baoan_list.versions.get().categories.get().items.first()
    assert client.get(reverse("staff:service_list_detail", args=[baoan_list.pk])).status_code == 404
    assert client.post(reverse("staff:service_list_publish", args=[baoan_list.pk])).status_code == 404
    assert client.post(reverse("staff:service_item_delete", args=[item.pk])).status_code == 404
    assert baoan_list.versions.get().categories.get().items.count() == 2


def test_viewer_without_capability_gets_403(staff_client, demo, fubao_list):
    client = staff_client("auditor")
    assert client.get(reverse("staff:service_list_list")).status_code == 403
    assert client.get(reverse("staff:service_list_detail", args=[fubao_list.pk])).status_code == 403


def test_create_edit_publish_flow(staff_client, demo):
    client = staff_client("futian_staff")
    org = demo.org("福保街道")
    response = client.post(reverse("staff:service_list_new"), {"org": str(org.pk), "title": "福保服务清单"})
    service_list = ServiceList.objects.get(title="福保服务清单")
    detail = reverse("staff:service_list_detail", args=[service_list.pk])
    assert response.status_code == 302 and response["Location"] == detail
    client.post(reverse("staff:service_category_add", args=[service_list.pk]), {"name": "权益保障"})
    category = service_list.versions.get().categories.get()
    page = client.get(reverse("staff:service_item_new", args=[category.pk]))
    assert page.status_code == 200 and b'value="walk_in"' in page.content
    client.post(
        reverse("staff:service_item_new", args=[category.pk]),
        {"name": "法律咨询", "audience": "职工", "access_modes": ["walk_in", "phone"]},
    )
    item = category.items.get()
    assert item.access_modes == ["walk_in", "phone"]
    client.post(reverse("staff:service_list_publish", args=[service_list.pk]))
    version = service_list.versions.get()
    assert version.status == VersionStatus.PUBLISHED
    page = client.get(detail).content.decode()
    assert 'data-testid="readonly-note"' in page and "法律咨询" in page
    # A published item cannot be edited, even by posting directly.
    response = client.post(reverse("staff:service_item_edit", args=[item.pk]), {"name": "改名"})
    assert response.status_code == 200 and b'data-error-code="version_immutable"' in response.content
    item.refresh_from_db()
    assert item.name == "法律咨询"
    # "Edit" starts version 2, copied; publishing it supersedes version 1.
    client.post(reverse("staff:service_list_draft", args=[service_list.pk]))
    draft = service_list.versions.get(status=VersionStatus.DRAFT)
    assert draft.number == 2 and draft.categories.get().items.get().name == "法律咨询"
    client.post(reverse("staff:service_list_publish", args=[service_list.pk]))
    statuses = dict(service_list.versions.values_list("number", "status"))
    assert statuses == {1: VersionStatus.SUPERSEDED, 2: VersionStatus.PUBLISHED}
    history = client.get(detail).content.decode()
    assert history.count('data-testid="version-row"') == 2
    assert client.get(detail + "?v=1").status_code == 200


def test_export_is_an_xlsx(staff_client, fubao_list):
    response = staff_client("futian_staff").get(reverse("staff:service_list_export", args=[fubao_list.pk]))
    assert response.status_code == 200 and response.content.startswith(b"PK")


def test_plan_pages(staff_client, demo, futian):
    client = staff_client("futian_staff")
    org = demo.org("福保街道")
    client.post(reverse("staff:plan_new"), {"org": str(org.pk), "year": 2026, "title": "福保活动"})
    plan = ActivityPlan.objects.get(title="福保活动")
    entry_data = {"month": 4, "title": "读书会", "planned_times": 2, "planned_participants": 30}
    client.post(reverse("staff:plan_entry_new", args=[plan.pk]), entry_data)
    client.post(reverse("staff:plan_entry_new", args=[plan.pk]), entry_data | {"month": 5, "title": "球赛"})
    client.post(reverse("staff:plan_publish", args=[plan.pk]))
    read, ball = plan.entries.order_by("month")
    client.post(reverse("staff:plan_entry_outcome", args=[read.pk]), {"held_times": 2, "participants": 41})
    client.post(reverse("staff:plan_entry_cancel", args=[ball.pk]))
    read.refresh_from_db()
    ball.refresh_from_db()
    assert (read.status, read.participants, ball.status) == (
        PlanEntryStatus.HELD,
        41,
        PlanEntryStatus.CANCELLED,
    )
    page = client.get(reverse("staff:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="total-held">1<' in page and 'data-testid="total-cancelled">1<' in page
    assert 'data-testid="total-participants">41<' in page
    assert page.count('data-testid="plan-month"') == 2
    index = client.get(reverse("staff:plan_list")).content.decode()
    assert "福保活动" in index


def test_plan_of_another_district_is_404(staff_client, demo):
    plan, (entry, *_rest) = make_plan(demo.org("宝安区总"), demo.user("baoan_staff"))
    client = staff_client("futian_staff")
    assert client.get(reverse("staff:plan_detail", args=[plan.pk])).status_code == 404
    assert client.post(reverse("staff:plan_entry_cancel", args=[entry.pk])).status_code == 404


def test_a_months_overdue_planned_entry_warns_in_the_console(staff_client, demo):
    """Issue 16: an entry still "planned" after its month shows a warning; later ones do not."""
    from zhijia.catalog import plans

    user = demo.user("futian_staff")
    plan, (held, overdue, cancelled) = make_plan(demo.org("福保街道"), user, publish=False)
    plans.plan_entry_add(actor=user, plan=plan, month=12, title="年终联欢", planned_participants=80)
    plans.plan_publish(actor=user, plan=plan)
    plans.plan_entry_record(actor=user, entry=held, held_times=2, participants=130)
    plans.plan_entry_cancel(actor=user, entry=cancelled)
    page = staff_client("futian_staff").get(reverse("staff:plan_detail", args=[plan.pk])).content.decode()
    assert page.count('data-testid="entry-overdue"') == 1
    row = page.split(f'data-title="{overdue.title}"')[1].split("</li>")[0]
    assert 'data-testid="entry-overdue"' in row
