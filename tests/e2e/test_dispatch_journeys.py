"""Issue 6 "Expert services", the whole loop (基层点单、工会派单、专家接单): a factory union in
新丰县 orders a psychological lecture from the county union's 心理服务直通车 menu on a phone;
the county union's dispatcher dispatches it to expert A from the ranked suggestions; A declines
on her phone with a reason; the dispatcher dispatches to expert B, who accepts with a date and
time; on the day 30 attendees are checked in (28 set up through the service, one by B typing a
member card code, one worker scanning B's rotating QR with her own phone); B reports the
delivery with a photo; the factory confirms and rates 5 stars; the budget page shows the cost
committed, and once settled, spent."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import segno
from django.utils import timezone

from tests.activities.support import member, worker
from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import PHONE, shot
from tests.e2e.test_members_journeys import staff_login, worker_login
from zhijia.accounts import sms
from zhijia.accounts.services import user_create
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.models import Budget, OrderAttendance, OrderPhoto, ServiceOrder
from zhijia.dispatch.services.budget import budget_set
from zhijia.dispatch.services.checkin import order_checkin
from zhijia.dispatch.services.experts import expert_link_user, expert_save, qualification_save
from zhijia.dispatch.services.menus import item_save, menu_create, menu_publish
from zhijia.members.models import Membership
from zhijia.members.services.card import card_token_issue
from zhijia.orgs.models import Role
from zhijia.orgs.services import role_grant

S = OrderStatus
LECTURE = "《职场压力与情绪管理》"
WORKER_PHONE = "13800003030"


def _staff(username, org, role, display):
    user = user_create(actor=None, username=username, password=DEMO_PASSWORD, org=org, display_name=display)
    role_grant(actor=None, user=user, org=org, role=Role.objects.get(code=role), include_subtree=True)
    return user


def _expert(county, name, username, phone):
    expert = expert_save(
        actor=None,
        org=county,
        name=name,
        title="国家二级心理咨询师",
        phone=phone,
        specialties=["XL-01"],
    )
    qualification_save(actor=None, expert=expert, name="心理咨询师", expires_on=dt.date(2030, 12, 31))
    user = user_create(actor=None, username=username, password=DEMO_PASSWORD, org=county, display_name=name)
    return expert_link_user(actor=None, expert=expert, user=user)


@pytest.fixture
def xinfeng(demo):
    """新丰县总工会 with its 心理服务直通车 menu, a 50,000-yuan budget for this year, two experts
    with logins (A: 陈静怡, B: 刘思远), a dispatcher; under it a factory union in 马头镇 with a
    clerk, 29 members, and one of them a worker with the phone app."""
    county = demo.org("新丰县总")
    factory = demo.org("丰华电子厂工会")  # under 新丰县马头镇总工会 in the demo tree
    menu = menu_create(actor=None, org=county, title="心理服务直通车")
    item_save(
        actor=None,
        menu=menu,
        code="XL-01",
        category="心理讲座",
        title=LECTURE,
        description="面向工业园区企业职工：高强度工作压力、职场人际关系、安全生产心理调适。",
        format="lecture",
        duration_minutes=120,
        audience_min=20,
        audience_max=300,
        cost=1800,
        qualification="心理咨询师",
    )
    menu_publish(actor=None, menu=menu)
    budget_set(actor=None, org=county, year=timezone.localdate().year + 1, amount=50000)
    budget_set(actor=None, org=county, year=timezone.localdate().year, amount=50000)
    a = _expert(county, "陈静怡", "expert_a", "13800002001")
    b = _expert(county, "刘思远", "expert_b", "13800002002")
    _staff("xinfeng_dispatcher", county, "admin", "县总工会派单员")
    _staff("factory_clerk", factory, "clerk", "电子厂工会干事")
    members = [member(factory, name=f"职工{i:02d}") for i in range(29)]
    _user, person = worker(factory, phone=WORKER_PHONE)
    return {"county": county, "factory": factory, "a": a, "b": b, "members": members, "person": person}


def _png() -> bytes:
    buffer = io.BytesIO()
    segno.make("心理服务直通车").save(buffer, kind="png", scale=8)
    return buffer.getvalue()


def _phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15000)
    return context.new_page()


def _dispatch_to(page, order, name):
    page.goto(f"/console/dispatch/orders/{order.pk}/")
    page.wait_for_selector("[data-testid=suggestions]")
    page.locator(f"[data-testid=suggestion][data-expert='{name}'] [data-testid=suggestion-pick]").check()
    page.click("[data-testid=dispatch-submit]")
    page.wait_for_selector("[data-testid=order-expert]")
    assert name in page.inner_text("[data-testid=order-expert]")


def _top(page):
    """Full-page shots from the top (the header is sticky)."""
    page.evaluate("window.scrollTo(0, 0)")


def _budget(page, year):
    page.goto(f"/console/dispatch/budgets/?year={year}")
    row = page.locator("[data-testid=budget-row][data-org='新丰县总工会']")
    return row.locator("[data-testid=budget-committed]").inner_text(), row.locator(
        "[data-testid=budget-spent]"
    ).inner_text()


def test_factory_orders_county_dispatches_expert_declines_next_accepts_delivers_and_it_is_settled(
    xinfeng, phone, desktop, browser, live_server
):
    sms.outbox.clear()
    wanted = timezone.localdate() + dt.timedelta(days=7)

    # 1. The factory union's clerk orders the lecture on her phone.
    staff_login(phone, "factory_clerk")
    phone.goto("/console/dispatch/catalog/")
    item = phone.locator("[data-testid=browse-item][data-code='XL-01']")
    assert LECTURE in item.inner_text()
    shot(phone, "dispatch-1-factory-browses-menu")
    item.locator("[data-testid=order-item-button]").click()
    phone.wait_for_selector("[data-testid=order-form]")
    phone.fill("[data-testid=wanted_from]", wanted.isoformat())
    phone.fill("[data-testid=wanted_to]", (wanted + dt.timedelta(days=3)).isoformat())
    phone.fill("[data-testid=place]", "丰华电子厂三楼培训室")
    phone.fill("[data-testid=audience]", "30")
    phone.fill("[data-testid=contact_name]", "钟海燕")
    phone.fill("[data-testid=contact_phone]", "13800002101")
    shot(phone, "dispatch-2-factory-order-form")
    phone.click("[data-testid=order-submit]")
    phone.wait_for_selector("[data-testid=order-number]")
    order = ServiceOrder.objects.get(org=xinfeng["factory"])
    assert order.status == S.SUBMITTED and order.cost == Decimal("1800")
    assert phone.inner_text("[data-testid=order-number]") == order.number

    # 2. The county dispatcher sees the suggestions with their reasons and dispatches to A.
    staff_login(desktop, "xinfeng_dispatcher")
    desktop.goto(f"/console/dispatch/orders/{order.pk}/")
    desktop.wait_for_selector("[data-testid=suggestions]")
    names = desktop.locator("[data-testid=suggestion]").evaluate_all("els => els.map(e => e.dataset.expert)")
    assert set(names) >= {"陈静怡", "刘思远"}
    assert desktop.locator("[data-testid=suggestion][data-expert='陈静怡'] [data-testid=reason]").count() > 0
    shot(desktop, "dispatch-3-dispatcher-suggestions")
    _dispatch_to(desktop, order, "陈静怡")
    order.refresh_from_db()
    assert order.status == S.DISPATCHED and order.expert == xinfeng["a"]
    assert any(
        m["template"] == "dispatch_order_dispatched" and m["phone"] == "13800002001" for m in sms.outbox
    )

    # 3. Expert A opens her workspace on the phone and declines with a reason.
    a_phone = _phone(browser, live_server)
    a_phone.goto("/h5/expert/")  # → the console login, then straight back to the workspace
    a_phone.fill("input[name=username]", "expert_a")
    a_phone.fill("input[name=password]", DEMO_PASSWORD)
    with a_phone.expect_navigation():  # logged in before the next page is asked for
        a_phone.click("[data-testid=login-submit]")
    a_phone.goto("/h5/expert/")
    card = a_phone.locator(f"[data-testid=expert-order][data-id='{order.pk}']")
    assert "丰华电子厂" in card.inner_text()
    assert card.locator("[data-testid=accept-by]").count() == 1
    shot(a_phone, "dispatch-4-expert-a-new-order")
    card.locator("a").click()
    a_phone.wait_for_selector("[data-testid=accept-box]")
    assert "138****2101" in a_phone.inner_text("[data-testid=order-contact]")
    a_phone.click("[data-testid=decline-open]")
    a_phone.click("[data-testid=decline-submit]")  # no reason: the browser keeps the form
    a_phone.fill("[data-testid=decline-reason]", "那一周在韶关市区有培训，无法前往。")
    _top(a_phone)
    shot(a_phone, "dispatch-5-expert-a-declines")
    a_phone.click("[data-testid=decline-submit]")
    a_phone.wait_for_selector("[data-testid=order-tabs]")
    assert a_phone.locator(f"[data-testid=expert-order][data-id='{order.pk}']").count() == 0
    order.refresh_from_db()
    assert (order.status, order.expert, order.decline_reason) == (
        S.DECLINED,
        None,
        "那一周在韶关市区有培训，无法前往。",
    )

    # 4. Back with the dispatcher, who sees why and dispatches to B.
    desktop.goto(f"/console/dispatch/orders/{order.pk}/")
    assert "那一周在韶关市区有培训" in desktop.inner_text("[data-testid=decline-reason]")
    _dispatch_to(desktop, order, "刘思远")
    order.refresh_from_db()
    assert order.expert == xinfeng["b"]
    a_phone.goto(f"/h5/expert/orders/{order.pk}/")
    assert "404" in a_phone.title() or a_phone.locator("[data-testid=order-title]").count() == 0

    # 5. Expert B accepts on his phone with a date and a start time.
    b_phone = _phone(browser, live_server)
    b_phone.goto("/console/login/")
    b_phone.fill("input[name=username]", "expert_b")
    b_phone.fill("input[name=password]", DEMO_PASSWORD)
    with b_phone.expect_navigation():  # logged in before the next page is asked for
        b_phone.click("[data-testid=login-submit]")
    b_phone.goto(f"/h5/expert/orders/{order.pk}/")
    b_phone.wait_for_selector("[data-testid=accept-form]")
    # nothing pre-filled that the union did not ask for (it asked for a four-day window)
    assert b_phone.input_value("[data-testid=accept-date]") == ""
    assert b_phone.input_value("[data-testid=accept-time]") == ""
    # he calls the union's contact before accepting, to agree on the time
    b_phone.click("[data-testid=contact-reveal]")
    b_phone.wait_for_selector("[data-testid=contact-call]")
    assert b_phone.inner_text("[data-testid=contact-call]").strip() == "13800002101"
    day = wanted + dt.timedelta(days=1)
    b_phone.fill("[data-testid=accept-date]", day.isoformat())
    b_phone.fill("[data-testid=accept-time]", "14:30")
    b_phone.fill("[data-testid=accept-note]", "已与钟海燕电话确认：下午两点半开始，请准备投影。")
    _top(b_phone)
    shot(b_phone, "dispatch-6-expert-b-accepts")
    b_phone.click("[data-testid=accept-submit]")
    b_phone.wait_for_selector("[data-testid=checkin-box]")
    assert "14:30" in b_phone.inner_text("[data-testid=order-when]")
    assert "请准备投影" in b_phone.inner_text("[data-testid=order-expert-note]")
    order.refresh_from_db()
    assert order.status == S.ACCEPTED
    assert timezone.localtime(order.starts_at).strftime("%Y-%m-%d %H:%M") == f"{day.isoformat()} 14:30"
    committed, spent = _budget(desktop, wanted.year)
    assert (committed, spent) == ("1800.00", "0.00")
    shot(desktop, "dispatch-6b-budget-committed")

    # 6. On the day: 28 checked in beforehand, one by B typing her member card code, one
    # worker scanning the QR on B's screen.
    for person in xinfeng["members"][:28]:
        order_checkin(actor=None, order=order, person=person)
    b_phone.click("[data-testid=open-checkin]")
    b_phone.wait_for_selector("[data-testid=checkin-qr] svg")
    assert b_phone.inner_text("[data-testid=present-count]") == "28"
    last = xinfeng["members"][28]
    token = card_token_issue(membership=Membership.objects.get(person=last)).token
    b_phone.fill("[data-testid=scan-token]", token)
    b_phone.click("[data-testid=scan-submit]")
    b_phone.wait_for_selector("[data-testid=scan-result][data-ok='1']")
    assert b_phone.inner_text("[data-testid=present-count]") == "29"
    qr_url = b_phone.get_attribute("[data-testid=checkin-qr]", "data-url")
    assert re.search(r"/h5/expert/checkin/[^/]+/$", qr_url)
    shot(b_phone, "dispatch-7-expert-b-checkin-screen")

    worker_phone = _phone(browser, live_server)
    worker_phone.goto(qr_url)  # the worker's camera opened the QR: log in by SMS, then checked in
    worker_login(worker_phone, WORKER_PHONE)
    worker_phone.wait_for_selector("[data-testid=checkin-result][data-state='done']")
    assert LECTURE in worker_phone.inner_text("[data-testid=checkin-service]")
    shot(worker_phone, "dispatch-8-worker-checked-in")
    assert OrderAttendance.objects.filter(order=order).count() == 30
    b_phone.wait_for_function(
        "() => document.querySelector('[data-testid=present-count]').textContent.trim() === '30'",
        timeout=40000,
    )

    # 7. B reports the delivery with a photo.
    b_phone.goto(f"/h5/expert/orders/{order.pk}/")
    b_phone.wait_for_selector("[data-testid=deliver-form]")
    assert b_phone.input_value("[data-testid=deliver-attendees]") == "30"
    b_phone.fill("[data-testid=deliver-summary]", "讲座顺利开展，职工互动积极，OH卡牌体验环节反响热烈。")
    b_phone.set_input_files(
        "[data-testid=deliver-photos]",
        files=[{"name": "scene.png", "mimeType": "image/png", "buffer": _png()}],
    )
    _top(b_phone)
    shot(b_phone, "dispatch-9-expert-b-report")
    b_phone.click("[data-testid=deliver-submit]")
    b_phone.wait_for_selector("[data-testid=report]")
    order.refresh_from_db()
    assert (order.status, order.attendees) == (S.DELIVERED, 30)
    assert OrderPhoto.objects.filter(order=order).count() == 1
    b_phone.locator("label[for='r-5']").click()
    b_phone.click("[data-testid=rate-submit]")
    b_phone.wait_for_selector("[data-testid=my-rating]")
    shot(b_phone, "dispatch-10-expert-b-delivered")

    # 8. The factory confirms on the phone and rates 5 stars.
    phone.goto(f"/console/dispatch/orders/{order.pk}/")
    phone.wait_for_selector("[data-testid=confirm-form]")
    assert "讲座顺利开展" in phone.inner_text("[data-testid=order-summary]")
    phone.check("[data-testid=confirm-form] input[name=rating][value='5']")
    phone.fill("[data-testid=confirm-form] textarea[name=comment]", "老师讲得接地气，职工收获很大。")
    phone.click("[data-testid=confirm-submit]")
    phone.wait_for_selector("[data-testid=order-rating]")
    shot(phone, "dispatch-11-factory-confirms")
    order.refresh_from_db()
    assert (order.status, order.rating) == (S.CONFIRMED, 5)
    assert order.expert.rating == 5.0

    # 9. The budget: committed until settled, then spent.
    assert _budget(desktop, wanted.year) == ("1800.00", "0.00")
    desktop.goto(f"/console/dispatch/orders/{order.pk}/")
    desktop.click("[data-testid=order-settle]")
    desktop.wait_for_selector("[data-testid=order-number]")
    committed, spent = _budget(desktop, wanted.year)
    assert (committed, spent) == ("0.00", "1800.00")
    shot(desktop, "dispatch-12-budget")
    budget = Budget.objects.get(org=xinfeng["county"], year=wanted.year)
    assert (budget.committed, budget.spent) == (Decimal("0"), Decimal("1800"))
    order.refresh_from_db()
    assert order.status == S.SETTLED


def test_demo_expert_workspace_and_a_worker_answers_the_needs_survey(demo, phone, browser, live_server):
    """The demo (zhijia.demo.dispatch) as its users see it: expert_demo (陈静怡) has a new
    dispatch to accept, a lecture to deliver and a settled one; a member of the 马头镇 factory
    answers the county's needs survey by picking a service."""
    from zhijia.demo.dispatch import FACTORY, seed_dispatch
    from zhijia.dispatch.models import Need
    from zhijia.orgs.models import Org

    sms.outbox.clear()
    seed_dispatch()
    factory = Org.objects.get(name=FACTORY)
    worker(factory, phone=WORKER_PHONE)

    staff_login(phone, "expert_demo")
    phone.goto("/h5/expert/")
    phone.wait_for_selector("[data-testid=order-tabs]")
    new = phone.locator("[data-testid=expert-order]")
    assert new.count() == 1 and "OH卡牌团体心理辅导" in new.inner_text()
    assert phone.inner_text("[data-testid=expert-name]") == "陈静怡"
    shot(phone, "dispatch-demo-expert-new")
    phone.click("[data-testid=tab-todo]")
    phone.wait_for_selector("[data-testid=expert-order][data-status=accepted]")
    assert "《职场压力与情绪管理》" in phone.inner_text("[data-testid=expert-order]")
    shot(phone, "dispatch-demo-expert-todo")
    phone.click("[data-testid=tab-done]")
    phone.wait_for_selector("[data-testid=expert-order][data-status=settled]")
    phone.locator("[data-testid=expert-order] a").click()
    phone.wait_for_selector("[data-testid=report]")
    assert phone.locator("[data-testid=union-rating]").count() == 1
    _top(phone)
    shot(phone, "dispatch-demo-expert-settled")

    worker_phone = _phone(browser, live_server)
    worker_phone.goto("/h5/expert/needs/")
    worker_login(worker_phone, WORKER_PHONE)
    worker_phone.wait_for_selector("[data-testid=survey]")
    assert "2026年职工心理健康服务需求调研" in worker_phone.inner_text("[data-testid=survey]")
    worker_phone.click("[data-testid=survey]")
    worker_phone.wait_for_selector("[data-testid=need-form]")
    worker_phone.locator("[data-testid=need-item][data-code='TF-02']").check()
    worker_phone.fill("[data-testid=need-people]", "15")
    shot(worker_phone, "dispatch-demo-worker-need-form")
    worker_phone.click("[data-testid=need-submit]")
    worker_phone.wait_for_selector("[data-testid=need-done]")
    shot(worker_phone, "dispatch-demo-worker-need-done")
    need = Need.objects.get(source="worker")
    assert (need.item.code, need.people, need.org) == ("TF-02", 15, factory)
