"""Issue "Service network" journey: staff publish a service list and print it (desktop), and
the public page of the list on a 375-px phone screen."""

from tests.e2e.conftest import SHOTS, shot
from tests.e2e.test_foundation_journeys import _login
from zhijia.catalog.enums import VersionStatus
from zhijia.catalog.models import ServiceList


def _add_item(page, name, description, modes):
    page.click("[data-testid=item-new] >> nth=-1")
    page.fill("[data-testid=item-name]", name)
    page.fill("[data-testid=item-description]", description)
    page.fill("[data-testid=item-audience]", "辖区职工")
    for mode in modes:
        page.check(f"[data-testid=access-{mode}]")
    page.click("[data-testid=item-submit]")
    page.wait_for_selector(f"[data-testid=item][data-name='{name}']")


def test_staff_publish_a_service_list_and_print_it(demo, desktop, phone):
    page = desktop
    _login(page, "futian_staff")
    page.goto("/console/catalog/")
    page.click("[data-testid=list-new]")
    page.fill("[data-testid=list-title]", "福田区职工服务清单")
    page.fill("[data-testid=list-intro]", "福田区总工会面向辖区职工提供的服务。")
    page.click("[data-testid=list-submit]")
    page.wait_for_selector("[data-testid=list-heading]")

    page.fill("[data-testid=category-name]", "权益保障")
    page.click("[data-testid=category-add]")
    page.wait_for_selector("[data-testid=category][data-name='权益保障']")
    _add_item(page, "法律咨询", "律师驻点提供劳动法律咨询，每周二、四下午。", ["walk_in", "phone"])
    _add_item(page, "心理关爱", "心理咨询师一对一咨询与团体辅导。", ["activity"])
    page.fill("[data-testid=category-name]", "技能提升")
    page.click("[data-testid=category-add]")
    page.wait_for_selector("[data-testid=category][data-name='技能提升']")
    _add_item(page, "AI技能工作坊", "AI办公实操课程，小班教学。", ["activity", "online"])
    shot(page, "catalog-draft-editor")

    page.click("[data-testid=list-publish]")
    page.wait_for_selector("[data-testid=readonly-note]")
    service_list = ServiceList.objects.get(title="福田区职工服务清单")
    assert service_list.versions.get().status == VersionStatus.PUBLISHED
    shot(page, "catalog-published")

    with page.expect_popup() as popup:
        page.click("[data-testid=list-print]")
    printed = popup.value
    printed.wait_for_selector("[data-testid=print-sheet]")
    assert printed.locator("[data-testid=print-table]").count() == 2
    assert "福田区职工服务清单" in printed.inner_text("[data-testid=print-title]")
    printed.emulate_media(media="print")
    assert not printed.is_visible("[data-testid=print-button]")  # print CSS hides the buttons
    shot(printed, "catalog-print")
    pdf = printed.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 1
    (SHOTS / "catalog-print.pdf").write_bytes(pdf)

    phone.goto(f"/h5/services/{service_list.pk}/")
    phone.wait_for_selector("[data-testid=list-title]")
    assert phone.locator("[data-testid=list-item]").count() == 3
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width  # nothing sticks out sideways on a phone
    shot(phone, "catalog-public-phone")
    phone.goto(f"/h5/services/{service_list.pk}/print/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "catalog-print-phone")
