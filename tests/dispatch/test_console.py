"""Console pages of expert services: the board, orders (list, ordering from a menu item, the
order page with suggestions, dispatch, confirm / dispute / cancel / settle), menus, the expert
pool, budgets, reports and needs surveys. Each page renders for the right role, answers 404
outside the user's scope and 403 inside without the capability; forms post through the
services and show their field errors."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.dispatch.support import budget, expert, expert_login, item, menu, order, staff
from zhijia.dispatch.enums import MenuStatus, NeedSource, OrderStatus
from zhijia.dispatch.models import Budget, Expert, Menu, Need, NeedSurvey, ServiceOrder

pytestmark = pytest.mark.django_db
S = OrderStatus
D = "/console/dispatch/"


@pytest.fixture
def w(demo):
    """福田区总 publishes a menu (C1 needs 心理咨询师); its pool holds a qualified expert, one
    whose certificate has expired, and 河套科创工会 has ordered C1."""
    futian, hetao = demo.org("福田区总"), demo.org("河套科创工会")
    m = menu(
        futian, items=[{"qualification": "心理咨询师", "title": "职场减压讲座"}, {"title": "亲子沟通沙龙"}]
    )
    c1 = m.items.get(code="C1")
    today = timezone.localdate()
    good = expert(futian, name="王心理", specialties=["C1"], qualifications=["心理咨询师"])
    stale = expert(
        futian,
        name="李过期",
        specialties=["C1"],
        qualifications=[("心理咨询师", today - dt.timedelta(days=1))],
    )
    o = order(c1, org=hetao, contact_name="赵联系", contact_phone="13912345678")
    return type("W", (), {"futian": futian, "hetao": hetao, "menu": m, "c1": c1, "good": good,
                          "stale": stale, "order": o})  # fmt: skip


def url(name, *args):
    return reverse(f"staff:{name}", args=args)


# --- board and orders --------------------------------------------------------------------------


def test_board_shows_columns_with_overdue_first_for_the_dispatcher(w, staff_client):
    late = order(w.c1, org=w.hetao, status=S.DISPATCHED, expert=w.good)
    ServiceOrder.objects.filter(pk=late.pk).update(accept_by=timezone.now() - dt.timedelta(hours=1))
    fresh = order(w.c1, org=w.hetao, status=S.DISPATCHED, expert=w.good)
    page = staff_client("futian_staff").get(url("dispatch_board"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-status="submitted"' in html and w.order.number in html
    column = html[html.index('data-status="dispatched"') :]
    assert column.index(late.number) < column.index(fresh.number)
    assert 'data-testid="overdue"' in column


def test_board_is_for_dispatchers_only(w, staff_client):
    assert staff_client("expert_demo").get(url("dispatch_board")).status_code == 403
    assert staff_client("auditor").get(url("dispatch_board")).status_code == 403


def test_board_lists_only_orders_the_user_dispatches(w, staff_client):
    page = staff_client("baoan_staff").get(url("dispatch_board")).content.decode()
    assert w.order.number not in page


def test_order_list_filters_by_side_and_status(w, staff_client):
    client = staff_client("enterprise_staff")
    page = client.get(url("dispatch_orders"), {"side": "order"}).content.decode()
    assert w.order.number in page
    assert w.order.number not in client.get(url("dispatch_orders"), {"status": "settled"}).content.decode()
    assert w.order.number not in staff_client("baoan_staff").get(url("dispatch_orders")).content.decode()
    assert staff_client("auditor").get(url("dispatch_orders")).status_code == 403


def test_order_page_shows_suggestions_with_reasons_and_masks_the_contact(w, staff_client):
    page = staff_client("futian_staff").get(url("dispatch_order_detail", w.order.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="dispatch-form"' in html and "王心理" in html and "李过期" in html
    assert html.index("王心理") < html.index("李过期")  # the blocked expert comes last
    assert 'data-blocked="certificate_expired"' in html
    assert 'data-testid="reason"' in html
    assert "13912345678" not in html and "139****5678" in html
    # futian_staff (clerk) may not dispatch over the budget: no override box
    assert 'name="override_budget"' not in html
    admin = staff_client("shenzhen_admin").get(url("dispatch_order_detail", w.order.pk)).content.decode()
    assert 'name="override_budget"' in admin


def test_order_page_is_404_outside_and_for_a_replaced_expert(w, staff_client):
    assert staff_client("baoan_staff").get(url("dispatch_order_detail", w.order.pk)).status_code == 404
    user, _ = expert_login(w.futian)
    mine = order(w.c1, org=w.hetao, status=S.DISPATCHED, expert=Expert.objects.get(user=user))
    client = staff_client(user.username)
    assert client.get(url("dispatch_order_detail", mine.pk)).status_code == 200
    assert client.get(url("dispatch_order_detail", w.order.pk)).status_code == 404


def test_ordering_side_sees_no_dispatch_form(w, staff_client):
    html = staff_client("enterprise_staff").get(url("dispatch_order_detail", w.order.pk)).content.decode()
    assert 'data-testid="dispatch-form"' not in html and 'data-testid="cancel-form"' in html


def test_dispatch_posts_through_the_service(w, staff_client):
    client = staff_client("futian_staff")
    response = client.post(url("dispatch_order_dispatch", w.order.pk), {"expert_id": str(w.good.pk)})
    assert response.status_code == 302
    w.order.refresh_from_db()
    assert w.order.status == S.DISPATCHED and w.order.expert == w.good
    assert w.order.events.filter(status=S.DISPATCHED).exists()


def test_dispatch_refusal_is_shown_on_the_page(w, staff_client):
    client = staff_client("futian_staff")
    response = client.post(url("dispatch_order_dispatch", w.order.pk), {"expert_id": str(w.stale.pk)})
    assert response.status_code == 200
    assert b'data-error-code="certificate_expired"' in response.content
    w.order.refresh_from_db()
    assert w.order.status == S.SUBMITTED and w.order.expert is None
    empty = client.post(url("dispatch_order_dispatch", w.order.pk), {})
    assert empty.status_code == 200 and b'data-testid="error-expert_id"' in empty.content


def test_over_budget_dispatch_needs_the_budget_right(w, staff_client):
    budget(w.futian, w.order.wanted_from.year, 500)
    clerk = staff_client("futian_staff")
    refused = clerk.post(url("dispatch_order_dispatch", w.order.pk), {"expert_id": str(w.good.pk)})
    assert b'data-error-code="over_budget"' in refused.content
    sneaky = clerk.post(
        url("dispatch_order_dispatch", w.order.pk), {"expert_id": str(w.good.pk), "override_budget": "on"}
    )
    assert b'data-error-code="over_budget"' in sneaky.content  # the box is not even on the form
    admin = staff_client("shenzhen_admin")
    done = admin.post(
        url("dispatch_order_dispatch", w.order.pk), {"expert_id": str(w.good.pk), "override_budget": "on"}
    )
    assert done.status_code == 302
    w.order.refresh_from_db()
    assert w.order.status == S.DISPATCHED and w.order.budget_override


def test_dispatch_by_the_ordering_union_is_404(w, staff_client):
    response = staff_client("enterprise_staff").post(
        url("dispatch_order_dispatch", w.order.pk), {"expert_id": str(w.good.pk)}
    )
    assert response.status_code == 404
    w.order.refresh_from_db()
    assert w.order.status == S.SUBMITTED


def test_confirm_with_rating_and_dispute(w, staff_client):
    done = order(w.c1, org=w.hetao, status=S.DELIVERED, expert=w.good)
    client = staff_client("enterprise_staff")
    page = client.get(url("dispatch_order_detail", done.pk)).content.decode()
    assert 'data-testid="confirm-form"' in page and 'data-testid="dispute-form"' in page
    bad = client.post(url("dispatch_order_confirm", done.pk), {"rating": "9"})
    assert bad.status_code == 200 and b'data-testid="error-rating"' in bad.content
    empty = client.post(url("dispatch_order_dispute", done.pk), {"dispute-reason": ""})
    assert empty.status_code == 200 and b'data-testid="error-reason"' in empty.content
    assert (
        client.post(url("dispatch_order_dispute", done.pk), {"dispute-reason": "人数不符"}).status_code == 302
    )
    done.refresh_from_db()
    assert done.status == S.DISPUTED and done.dispute_reason == "人数不符"
    response = client.post(url("dispatch_order_confirm", done.pk), {"rating": "4", "comment": "很好"})
    assert response.status_code == 302
    done.refresh_from_db()
    w.good.refresh_from_db()
    assert done.status == S.CONFIRMED and done.rating == 4 and w.good.rating_count == 1


def test_confirm_is_not_for_the_dispatcher_outside_the_ordering_union(w, staff_client, demo):
    done = order(w.c1, org=w.hetao, status=S.DELIVERED, expert=w.good)
    viewer = staff(w.hetao, role="viewer")
    assert (
        staff_client(viewer.username)
        .post(url("dispatch_order_confirm", done.pk), {"rating": "5"})
        .status_code
        == 403
    )
    assert (
        staff_client("baoan_staff").post(url("dispatch_order_confirm", done.pk), {"rating": "5"}).status_code
        == 404
    )
    done.refresh_from_db()
    assert done.status == S.DELIVERED


def test_settle_and_cancel(w, staff_client):
    b = budget(w.futian, w.order.wanted_from.year, 50000)
    confirmed = order(w.c1, org=w.hetao, status=S.CONFIRMED, expert=w.good)
    client = staff_client("futian_staff")
    assert client.post(url("dispatch_order_settle", confirmed.pk)).status_code == 302
    confirmed.refresh_from_db()
    b.refresh_from_db()
    assert confirmed.status == S.SETTLED and b.spent == confirmed.cost and b.committed == 0
    # settling twice is refused with a message, not a change
    client.post(url("dispatch_order_settle", confirmed.pk))
    b.refresh_from_db()
    assert b.spent == confirmed.cost
    empty = client.post(url("dispatch_order_cancel", w.order.pk), {"cancel-reason": ""})
    assert empty.status_code == 200 and b'data-testid="error-reason"' in empty.content
    response = client.post(url("dispatch_order_cancel", w.order.pk), {"cancel-reason": "场地取消"})
    assert response.status_code == 302
    w.order.refresh_from_db()
    assert w.order.status == S.CANCELLED


def test_the_ordering_union_cannot_cancel_an_accepted_order(w, staff_client):
    accepted = order(w.c1, org=w.hetao, status=S.ACCEPTED, expert=w.good)
    response = staff_client("enterprise_staff").post(
        url("dispatch_order_cancel", accepted.pk), {"cancel-reason": "不要了"}
    )
    assert response.status_code == 403
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED


# --- ordering from the menu ----------------------------------------------------------------------


def test_browse_lists_the_menus_a_grassroots_union_may_order(w, staff_client):
    paused = item(w.menu, code="P1", title="暂停的服务", paused=True)
    page = staff_client("enterprise_staff").get(url("dispatch_menu_browse")).content.decode()
    assert "职场减压讲座" in page and f"?item={w.c1.pk}" in page
    assert paused.title not in page
    assert "职场减压讲座" not in staff_client("baoan_staff").get(url("dispatch_menu_browse")).content.decode()
    assert staff_client("auditor").get(url("dispatch_menu_browse")).status_code == 403


def _order_post(**over):
    start = timezone.localdate() + dt.timedelta(days=7)
    return {
        "wanted_from": start.isoformat(),
        "wanted_to": (start + dt.timedelta(days=3)).isoformat(),
        "place": "三楼会议室",
        "audience": "40",
        "contact_name": "周干事",
        "contact_phone": "13800138000",
    } | over


def test_order_a_menu_item(w, staff_client):
    client = staff_client("enterprise_staff")
    page = client.get(url("dispatch_order_new"), {"item": w.c1.pk})
    assert page.status_code == 200 and "职场减压讲座" in page.content.decode()
    response = client.post(url("dispatch_order_new") + f"?item={w.c1.pk}", _order_post(org=str(w.hetao.pk)))
    assert response.status_code == 302
    made = ServiceOrder.objects.exclude(pk=w.order.pk).get()
    assert made.status == S.SUBMITTED and made.org == w.hetao and made.dispatcher == w.futian
    assert response["Location"] == url("dispatch_order_detail", made.pk)
    draft = client.post(
        url("dispatch_order_new") + f"?item={w.c1.pk}", _order_post(org=str(w.hetao.pk), draft="1")
    )
    assert draft.status_code == 302
    assert ServiceOrder.objects.filter(status=S.DRAFT).count() == 1


def test_order_form_shows_service_field_errors(w, staff_client):
    client = staff_client("enterprise_staff")
    response = client.post(
        url("dispatch_order_new") + f"?item={w.c1.pk}", _order_post(org=str(w.hetao.pk), audience="500")
    )
    assert response.status_code == 200 and b'data-testid="error-audience"' in response.content
    w.c1.paused = True
    w.c1.save()
    paused = client.post(url("dispatch_order_new") + f"?item={w.c1.pk}", _order_post(org=str(w.hetao.pk)))
    assert b'data-error-code="item_unavailable"' in paused.content
    assert ServiceOrder.objects.count() == 1


def test_order_form_404_for_a_draft_item(w, staff_client):
    draft = menu(w.futian, status=MenuStatus.DRAFT)
    client = staff_client("enterprise_staff")
    assert client.get(url("dispatch_order_new"), {"item": draft.items.get().pk}).status_code == 404
    assert client.get(url("dispatch_order_new"), {"item": "nope"}).status_code == 404


def test_submit_a_draft_order(w, staff_client):
    draft = order(w.c1, org=w.hetao, status=S.DRAFT)
    client = staff_client("enterprise_staff")
    assert 'data-testid="order-submit"' in client.get(url("dispatch_order_detail", draft.pk)).content.decode()
    client.post(url("dispatch_order_submit", draft.pk))
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED


# --- menus ---------------------------------------------------------------------------------------


def test_menu_editing_flow(w, staff_client):
    client = staff_client("futian_staff")
    assert client.get(url("dispatch_menus")).status_code == 200
    response = client.post(url("dispatch_menu_new"), {"title": "工匠学院直通车", "payer": "ordering"})
    m = Menu.objects.get(title="工匠学院直通车")
    assert response.status_code == 302 and m.status == MenuStatus.DRAFT and m.org == w.futian
    item_data = {
        "code": "T1", "category": "技能培训", "title": "数控机床实操", "format": "training",
        "duration_minutes": "180", "audience_min": "10", "audience_max": "40", "cost": "3000",
    }  # fmt: skip
    assert client.post(url("dispatch_item_new", m.pk), item_data).status_code == 302
    clash = client.post(url("dispatch_item_new", m.pk), item_data | {"title": "重复"})
    assert clash.status_code == 200 and b'data-testid="error-code"' in clash.content
    low = client.post(url("dispatch_item_new", m.pk), item_data | {"code": "T2", "audience_max": "5"})
    assert b'data-testid="error-audience_max"' in low.content
    t1 = m.items.get(code="T1")
    edit = client.post(url("dispatch_item_edit", t1.pk), item_data | {"title": "数控机床实训"})
    assert edit.status_code == 302
    t1.refresh_from_db()
    assert t1.title == "数控机床实训"
    client.post(url("dispatch_menu_publish", m.pk))
    m.refresh_from_db()
    assert m.status == MenuStatus.PUBLISHED
    page = client.get(url("dispatch_menu_detail", m.pk)).content.decode()
    assert 'data-testid="menu-draft"' in page and 'data-testid="item-edit"' not in page
    # a published item cannot be changed, even by posting directly
    blocked = client.post(url("dispatch_item_edit", t1.pk), item_data | {"title": "改名"})
    assert b'data-error-code="menu_immutable"' in blocked.content
    client.post(url("dispatch_item_pause", t1.pk), {"paused": "1"})
    t1.refresh_from_db()
    assert t1.paused
    response = client.post(url("dispatch_menu_draft", m.pk))
    draft = Menu.objects.get(family=m.family, status=MenuStatus.DRAFT)
    assert response["Location"] == url("dispatch_menu_detail", draft.pk)
    assert draft.number == 2 and draft.items.get().code == "T1"
    client.post(url("dispatch_item_delete", draft.items.get().pk))
    assert not draft.items.exists()
    empty = client.post(url("dispatch_menu_publish", draft.pk), follow=True)
    draft.refresh_from_db()
    assert draft.status == MenuStatus.DRAFT and "alert-danger" in empty.content.decode()


def test_menu_settings_and_menu_scoping(w, staff_client):
    draft = menu(w.futian, status=MenuStatus.DRAFT)
    client = staff_client("futian_staff")
    response = client.post(url("dispatch_menu_edit", draft.pk), {"title": "", "payer": "dispatching"})
    assert response.status_code == 200 and b'data-testid="error-title"' in response.content
    client.post(url("dispatch_menu_edit", draft.pk), {"title": "新名字", "payer": "ordering"})
    draft.refresh_from_db()
    assert draft.title == "新名字" and draft.payer == "ordering"
    assert staff_client("baoan_staff").get(url("dispatch_menu_detail", draft.pk)).status_code == 404
    viewer = staff(w.futian, role="viewer")
    assert staff_client(viewer.username).get(url("dispatch_menu_detail", draft.pk)).status_code == 403
    assert staff_client(viewer.username).get(url("dispatch_menus")).status_code == 403


def _xlsx(rows, headers):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("x.xlsx", out.getvalue())


def test_menu_export_and_import(w, staff_client):
    client = staff_client("futian_staff")
    export = client.get(url("dispatch_menu_export", w.menu.pk))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    titles = [c.value for c in openpyxl.load_workbook(io.BytesIO(export.content)).active[1]]
    assert "编码" in titles
    draft = menu(w.futian, status=MenuStatus.DRAFT, items=0)
    upload = _xlsx(
        [["A1", "讲座", "劳动法讲座", "", "讲座"], ["", "讲座", "缺编码"]],
        ["编码", "类别", "服务项目", "服务内容", "形式"],
    )
    page = client.post(url("dispatch_menu_import", draft.pk), {"file": upload})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="import-result"' in html
    assert draft.items.get().title == "劳动法讲座"
    assert 'data-testid="import-errors"' in html
    refused = client.get(url("dispatch_menu_import", w.menu.pk)).content.decode()
    assert 'data-testid="import-form"' not in refused  # published: import into a new draft
    assert client.get(url("dispatch_menu_template")).status_code == 200


# --- experts -------------------------------------------------------------------------------------


def test_expert_pool_pages(w, staff_client):
    client = staff_client("futian_staff")
    page = client.get(url("dispatch_experts")).content.decode()
    assert "王心理" in page and 'data-testid="cert-expired"' in page
    detail = client.get(url("dispatch_expert_detail", w.stale.pk)).content.decode()
    assert 'data-state="expired"' in detail
    assert staff_client("baoan_staff").get(url("dispatch_expert_detail", w.good.pk)).status_code == 404
    assert staff_client("expert_demo").get(url("dispatch_experts")).status_code == 403


def test_create_and_edit_an_expert(w, staff_client):
    client = staff_client("futian_staff")
    form = client.get(url("dispatch_expert_new")).content.decode()
    assert 'value="C1"' in form  # specialties are the menus' item codes
    bad = client.post(
        url("dispatch_expert_new"),
        {
            "org": str(w.futian.pk),
            "kind": "person",
            "name": "陈律师",
            "phone": "123",
            "monthly_capacity": "4",
        },
    )
    assert bad.status_code == 200 and b'data-testid="error-phone"' in bad.content
    response = client.post(
        url("dispatch_expert_new"),
        {"org": str(w.futian.pk), "kind": "person", "name": "陈律师", "phone": "13700001111",
         "monthly_capacity": "4", "specialties": ["C2"], "active": "on"},
    )  # fmt: skip
    made = Expert.objects.get(name="陈律师")
    assert response.status_code == 302 and made.specialties == ["C2"] and made.phone == "13700001111"
    person_with_members = client.post(
        url("dispatch_expert_new"),
        {"org": str(w.futian.pk), "kind": "person", "name": "单人", "monthly_capacity": "4",
         "member_ids": [str(w.good.pk)]},
    )  # fmt: skip
    assert b'data-testid="error-member_ids"' in person_with_members.content  # only teams have members
    team = client.post(
        url("dispatch_expert_new"),
        {"org": str(w.futian.pk), "kind": "team", "name": "劳模工匠服务队", "monthly_capacity": "4",
         "member_ids": [str(w.good.pk), str(made.pk)], "service_area_ids": [str(w.hetao.pk)]},
    )  # fmt: skip
    assert team.status_code == 302
    made_team = Expert.objects.get(name="劳模工匠服务队")
    assert set(made_team.members.all()) == {w.good, made} and list(made_team.service_areas.all()) == [w.hetao]
    edit = client.get(url("dispatch_expert_edit", made.pk)).content.decode()
    assert "13700001111" not in edit and "137****1111" in edit
    client.post(
        url("dispatch_expert_edit", made.pk),
        {"kind": "person", "name": "陈律师", "phone": "", "monthly_capacity": "6", "active": "on"},
    )
    made.refresh_from_db()
    assert made.monthly_capacity == 6 and made.phone == "13700001111"  # blank kept it


def test_qualifications_unavailable_dates_and_login(w, staff_client, demo):
    client = staff_client("futian_staff")
    soon = timezone.localdate() + dt.timedelta(days=10)
    r = client.post(
        url("dispatch_qualification_add", w.good.pk), {"name": "社会工作师", "expires_on": soon.isoformat()}
    )
    assert r.status_code == 302
    page = client.get(url("dispatch_expert_detail", w.good.pk)).content.decode()
    assert 'data-state="expiring"' in page
    bad = client.post(url("dispatch_qualification_add", w.good.pk), {"name": ""})
    assert bad.status_code == 200 and b'data-testid="error-name"' in bad.content
    qualification = w.good.qualifications.get(name="社会工作师")
    client.post(url("dispatch_qualification_delete", w.good.pk, qualification.pk))
    assert not w.good.qualifications.filter(name="社会工作师").exists()
    start = timezone.localdate() + dt.timedelta(days=3)
    wrong = client.post(
        url("dispatch_unavailable_add", w.good.pk),
        {"starts_on": start.isoformat(), "ends_on": (start - dt.timedelta(days=1)).isoformat()},
    )
    assert b'data-testid="error-ends_on"' in wrong.content
    client.post(
        url("dispatch_unavailable_add", w.good.pk),
        {"starts_on": start.isoformat(), "ends_on": start.isoformat()},
    )
    period = w.good.unavailable.get()
    client.post(url("dispatch_unavailable_delete", w.good.pk, period.pk))
    assert not w.good.unavailable.exists()
    missing = client.post(url("dispatch_expert_link", w.good.pk), {"username": "nobody"})
    assert b'data-testid="error-username"' in missing.content
    login = staff(w.futian, role="viewer")
    client.post(url("dispatch_expert_link", w.good.pk), {"username": login.username})
    w.good.refresh_from_db()
    assert w.good.user == login
    assert login.grants.filter(role__code="expert", org=w.futian).exists()
    client.post(url("dispatch_expert_link", w.good.pk), {"unlink": "1"})
    w.good.refresh_from_db()
    assert w.good.user is None


def test_expert_export_masks_phones_and_import_reports_rows(w, staff_client):
    client = staff_client("futian_staff")
    export = client.get(url("dispatch_experts_export"))
    assert export.status_code == 200
    cells = [str(c.value) for row in openpyxl.load_workbook(io.BytesIO(export.content)).active for c in row]
    assert "王心理" in cells and w.good.phone not in cells
    upload = _xlsx([["周讲师", "专家", "", "13600002222"], ["", "专家"]], ["姓名", "类型", "头衔", "手机"])
    page = client.post(url("dispatch_experts_import"), {"org": str(w.futian.pk), "file": upload})
    assert page.status_code == 200 and 'data-testid="import-errors"' in page.content.decode()
    assert Expert.objects.filter(name="周讲师", org=w.futian).exists()
    other = client.get(url("dispatch_experts_export"), {"org": str(w.futian.pk)})
    assert other.status_code == 200
    assert (
        staff_client("baoan_staff").get(url("dispatch_experts_export"), {"org": str(w.futian.pk)}).status_code
        == 404
    )


# --- budgets, reports, surveys -------------------------------------------------------------------


def test_budgets_page_and_setting_one(w, staff_client):
    year = timezone.localdate().year
    budget(w.futian, year, 50000, committed=1000, spent=2000)
    page = staff_client("futian_staff").get(url("dispatch_budgets"))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="budget-bar"' in html and "47000" in html
    assert 'data-testid="budget-form"' not in html  # a clerk has no budget right
    refused = staff_client("futian_staff").post(
        url("dispatch_budgets"), {"org": str(w.futian.pk), "year": year, "amount": "1"}
    )
    assert refused.status_code == 403
    admin = staff_client("shenzhen_admin")
    low = admin.post(url("dispatch_budgets"), {"org": str(w.futian.pk), "year": year, "amount": "100"})
    assert low.status_code == 200 and b'data-testid="error-amount"' in low.content
    done = admin.post(url("dispatch_budgets"), {"org": str(w.futian.pk), "year": year, "amount": "60000"})
    assert done.status_code == 302
    assert Budget.objects.get(org=w.futian, year=year).amount == 60000
    outside = admin.post(
        url("dispatch_budgets"), {"org": str(w.futian.parent.parent.pk), "year": year, "amount": "1"}
    )
    assert outside.status_code == 404
    assert staff_client("auditor").get(url("dispatch_budgets")).status_code == 403


def test_reports_page(w, staff_client):
    done = order(w.c1, org=w.hetao, status=S.CONFIRMED, expert=w.good)
    done.events.create(status=S.SUBMITTED, at=timezone.now() - dt.timedelta(hours=5))
    done.events.create(status=S.DISPATCHED, at=timezone.now() - dt.timedelta(hours=3))
    page = staff_client("futian_staff").get(url("dispatch_reports"), {"year": done.wanted_from.year})
    html = page.content.decode()
    assert page.status_code == 200
    assert "职场减压讲座" in html and "王心理" in html and "2.0" in html
    assert staff_client("expert_demo").get(url("dispatch_reports")).status_code == 403


def test_needs_survey_flow(w, staff_client):
    client = staff_client("futian_staff")
    bad = client.post(url("dispatch_surveys"), {"title": ""})
    assert bad.status_code == 200 and b'data-testid="error-title"' in bad.content
    response = client.post(url("dispatch_surveys"), {"title": "2026 年心理服务需求", "menu": str(w.menu.pk)})
    survey = NeedSurvey.objects.get()
    assert response.status_code == 302 and survey.org == w.futian and survey.menu == w.menu
    need = Need.objects.create(
        survey=survey, source=NeedSource.UNION, org=w.hetao, item=w.c1, people=30, text="想要减压讲座"
    )
    page = client.get(url("dispatch_survey_detail", survey.pk)).content.decode()
    assert "想要减压讲座" in page and 'data-testid="need-order"' in page
    form = client.get(url("dispatch_need_order", need.pk)).content.decode()
    assert f'value="{w.c1.pk}" selected' in form
    made = client.post(url("dispatch_need_order", need.pk), _order_post(item=str(w.c1.pk)))
    assert made.status_code == 302
    need.refresh_from_db()
    assert need.status == "ordered" and need.order.org == w.hetao
    other = Need.objects.create(survey=survey, source=NeedSource.UNION, org=w.hetao, text="x")
    client.post(url("dispatch_need_close", other.pk))
    other.refresh_from_db()
    assert other.status == "closed"
    client.post(url("dispatch_survey_close", survey.pk))
    survey.refresh_from_db()
    assert survey.status == "closed"
    assert staff_client("baoan_staff").get(url("dispatch_survey_detail", survey.pk)).status_code == 404


def test_board_and_order_list_query_counts_do_not_grow(w, staff_client, django_assert_max_num_queries):
    client = staff_client("futian_staff")
    for status in (S.DISPATCHED, S.ACCEPTED):
        order(w.c1, org=w.hetao, status=status, expert=w.good)
    with django_assert_max_num_queries(40) as board_few:
        client.get(url("dispatch_board"))
    with django_assert_max_num_queries(40) as list_few:
        client.get(url("dispatch_orders"))
    other = expert(w.futian)
    start = timezone.now() + dt.timedelta(days=10)
    for i, status in enumerate((S.DISPATCHED, S.ACCEPTED, S.DELIVERED, S.CONFIRMED, S.SETTLED) * 2):
        # one expert, never two bookings at the same time (PostgreSQL's exclusion constraint)
        order(w.c1, org=w.hetao, status=status, expert=other, starts_at=start + dt.timedelta(hours=3 * i))
    with django_assert_max_num_queries(len(board_few.captured_queries)):
        assert w.order.number in client.get(url("dispatch_board")).content.decode()
    with django_assert_max_num_queries(len(list_few.captured_queries)):
        assert w.order.number in client.get(url("dispatch_orders")).content.decode()
