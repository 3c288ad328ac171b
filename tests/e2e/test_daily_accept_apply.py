"""Issue 16 "Daily use" at 375 px, in English and traditional Chinese: the expert sees what the
union asked and may call its contact before accepting, nothing is pre-filled that the union did
not ask for, and the expert accepts proposing a day, a time and a note that the union then sees;
a worker applies online (在线申请) for a listed service and follows the union's answer."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.activities.support import worker
from tests.catalog.conftest import make_list
from tests.conftest import DEMO_PASSWORD
from tests.dispatch.support import budget, expert_login, menu, order, staff
from zhijia.accounts import sms
from zhijia.catalog import services
from zhijia.catalog.models import ServiceApplication
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.models import ServiceOrder

from .conftest import PHONE, shot
from .test_members_journeys import staff_login, worker_login

LANGUAGES = ["en", "zh-hant"]


def _in(page, live_server, language):
    page.context.add_cookies([{"name": "zhijia_language", "value": language, "url": live_server.url}])
    return page


def _top(page):
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.parametrize("language", LANGUAGES)
def test_expert_sees_what_was_asked_calls_and_accepts_proposing_a_time(demo, phone, live_server, language):
    county = demo.org("新丰县总")
    lecture = menu(county, items=[{"title": "《职场压力与情绪管理》", "cost": 1800}]).items.get(code="C1")
    budget(county, amount=50000)
    user, _expert = expert_login(county, name="刘思远", specialties=["C1"])
    user.set_password(DEMO_PASSWORD)
    user.save()
    today = timezone.localdate()
    o = order(
        lecture,
        status=OrderStatus.DISPATCHED,
        expert=_expert,
        wanted_from=today + dt.timedelta(days=7),
        wanted_to=today + dt.timedelta(days=10),
        contact_name="钟海燕",
        contact_phone="13800002101",
    )
    ServiceOrder.objects.filter(pk=o.pk).update(
        place="丰华电子厂三楼培训室", note="一线员工约30人，请控制在两小时内"
    )

    page = _in(phone, live_server, language)
    page.goto(f"/h5/expert/orders/{o.pk}/")  # → the console login, then back to the order
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=accept-form]")
    details = page.inner_text("[data-testid=order-details]")
    assert "丰华电子厂三楼培训室" in details and "请控制在两小时内" in details and "钟*燕" in details
    assert page.input_value("[data-testid=accept-date]") == ""
    assert page.input_value("[data-testid=accept-time]") == ""
    assert page.get_attribute("[data-testid=accept-date]", "min") == o.wanted_from.isoformat()
    _top(page)
    shot(page, f"daily-expert-asked-{language}")
    page.click("[data-testid=contact-reveal]")  # before accepting: to agree on the time
    page.wait_for_selector("[data-testid=contact-call]")
    assert page.inner_text("[data-testid=contact-call]").strip() == "13800002101"
    day = o.wanted_from + dt.timedelta(days=2)
    page.fill("[data-testid=accept-date]", day.isoformat())
    page.fill("[data-testid=accept-time]", "14:30")
    page.fill("[data-testid=accept-note]", "已与钟海燕电话确认：下午两点半开始，请准备投影。")
    _top(page)
    shot(page, f"daily-expert-proposes-{language}")
    page.click("[data-testid=accept-submit]")
    page.wait_for_selector("[data-testid=order-expert-note]")
    assert "14:30" in page.inner_text("[data-testid=order-when]")
    _top(page)
    shot(page, f"daily-expert-accepted-{language}")
    o.refresh_from_db()
    assert o.status == OrderStatus.ACCEPTED and o.expert_note.startswith("已与钟海燕电话确认")
    assert timezone.localtime(o.starts_at).strftime("%Y-%m-%d %H:%M") == f"{day.isoformat()} 14:30"


@pytest.mark.parametrize("language", LANGUAGES)
def test_worker_applies_online_and_sees_the_unions_answer(demo, phone, desktop, live_server, language):
    sms.outbox.clear()
    fubao = demo.org("福保街道")
    clerk = staff(fubao)
    service_list = make_list(
        fubao, clerk, title="福保街道职工服务清单", publish=False, categories=(("维权服务", ()),)
    )
    category = service_list.versions.get().categories.get()
    item = services.item_add(
        actor=clerk,
        category=category,
        name="法律咨询预约",
        description="劳动合同、工资拖欠、工伤认定等法律咨询，由驻站律师一对一解答。",
        access_modes=["online", "phone"],
        audience="辖区职工",
        contact="0755-83000000",
    )
    services.item_add(actor=clerk, category=category, name="职工书屋", access_modes=["walk_in"])
    services.service_list_publish(actor=clerk, service_list=service_list)
    worker(fubao, phone="13700001111", name="林小梅")

    page = _in(phone, live_server, language)
    page.goto(f"/h5/services/{service_list.pk}/")
    assert page.locator("[data-testid=apply-online]").count() == 1
    _top(page)
    shot(page, f"daily-apply-list-{language}")
    page.click("[data-testid=apply-online]")
    worker_login(page, "13700001111")
    page.wait_for_selector("[data-testid=apply-form]")
    assert page.input_value("[data-testid=apply-name]") == "林小梅"
    page.fill("[data-testid=apply-note]", "公司拖欠三个月工资，想预约律师咨询。")
    _top(page)
    shot(page, f"daily-apply-form-{language}")
    page.click("[data-testid=apply-submit]")
    page.wait_for_selector("[data-testid=application][data-status=submitted]")
    application = ServiceApplication.objects.get()
    assert application.item == item and application.note.startswith("公司拖欠")

    # the street union's clerk answers in the console (at phone width too)
    clerk.set_password(DEMO_PASSWORD)
    clerk.save()
    _in(desktop, live_server, language).set_viewport_size(PHONE)
    staff_login(desktop, clerk.username)
    desktop.goto("/console/catalog/applications/")
    desktop.click("[data-testid=application-row]")
    desktop.wait_for_selector("[data-testid=accept-form]")
    assert "137****1111" in desktop.inner_text("[data-testid=application-name]")
    desktop.fill("[data-testid=answer-reply]", "请于周三上午九点带劳动合同到福保街道职工服务站。")
    shot(desktop, f"daily-apply-console-{language}")
    desktop.click("[data-testid=accept-submit]")
    desktop.wait_for_selector("[data-testid=deliver-form]")
    application.refresh_from_db()
    assert application.status == "accepted"
    page.reload()
    page.wait_for_selector("[data-testid=application][data-status=accepted]")
    assert "劳动合同" in page.inner_text("[data-testid=application-reply]")
    _top(page)
    shot(page, f"daily-apply-answered-{language}")
