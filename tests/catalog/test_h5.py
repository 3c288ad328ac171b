"""Public pages: the phone page, the A4 print page, the index and the plan page."""

from django.urls import reverse

from zhijia.catalog import services

from .conftest import make_list, make_plan


def test_public_page_and_print_page(client, fubao_list, futian):
    page = client.get(reverse("h5:service_list", args=[fubao_list.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "测试服务清单" in html and "职工书屋" in html and 'data-code="walk_in"' in html
    printed = client.get(reverse("h5:service_list_print", args=[fubao_list.pk])).content.decode()
    assert "@page { size: A4" in printed and "@media print" in printed
    assert printed.count('data-testid="print-table"') == 1
    assert "福田区福保街道总工会" in printed and "h5-tabbar" not in printed and "zj-topbar" not in printed
    draft = services.service_list_draft(actor=futian, service_list=fubao_list)  # a draft is not shown
    services.item_add(actor=futian, category=draft.categories.get(), name="草稿里的服务")
    assert "草稿里的服务" not in client.get(reverse("h5:service_list", args=[fubao_list.pk])).content.decode()


def test_draft_only_list_is_404(client, demo, futian):
    draft = make_list(demo.org("福保街道"), futian, publish=False)
    assert client.get(reverse("h5:service_list", args=[draft.pk])).status_code == 404
    assert client.get(reverse("h5:service_list_print", args=[draft.pk])).status_code == 404


def test_index_and_plan_page(client, demo, futian, fubao_list):
    plan, _ = make_plan(demo.org("福保街道"), futian)
    draft_plan, _ = make_plan(demo.org("福保街道"), futian, title="草稿", publish=False)
    index = client.get(reverse("h5:service_lists")).content.decode()
    assert "测试服务清单" in index and plan.title in index and "草稿" not in index
    page = client.get(reverse("h5:plan", args=[plan.pk])).content.decode()
    assert page.count('data-testid="plan-entry"') == 3 and 'data-testid="total-held">1<' in page
    assert client.get(reverse("h5:plan", args=[draft_plan.pk])).status_code == 404


def test_a_months_overdue_planned_entry_warns_on_the_phone(client, demo, futian):
    """Issue 16: March's 法律讲座 (still planned in November, the pinned clock) says it is overdue;
    held, cancelled and December's entries do not."""
    from zhijia.catalog import plans

    plan, (held, overdue, cancelled) = make_plan(demo.org("福保街道"), futian, publish=False)
    plans.plan_entry_add(actor=futian, plan=plan, month=12, title="年终联欢", planned_participants=80)
    plans.plan_publish(actor=futian, plan=plan)
    plans.plan_entry_record(actor=futian, entry=held, held_times=2, participants=130)
    plans.plan_entry_cancel(actor=futian, entry=cancelled)
    page = client.get(reverse("h5:plan", args=[plan.pk])).content.decode()
    assert page.count('data-testid="plan-entry-overdue"') == 1
    warning_at = page.index('data-testid="plan-entry-overdue"')
    assert page.rfind(overdue.title, 0, warning_at) > page.rfind('data-testid="plan-entry"', 0, warning_at)
