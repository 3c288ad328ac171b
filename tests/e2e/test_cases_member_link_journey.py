"""A clerk at the street's legal service room opens a wage case for a member who came to the desk,
typing the member's ID number; the case page says it is linked to a member, and the member sees
the case on their phone."""

from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import staff_login, worker_login
from tests.matrix.world import cn_id, member_of
from zhijia.accounts import sms
from zhijia.accounts.models import User, UserKind
from zhijia.accounts.phones import phone_index
from zhijia.casework.models import Case


def test_clerk_opens_a_case_for_a_member_who_then_sees_it_on_the_phone(demo, phone, desktop):
    fubao = demo.org("福保街道")
    me = User.objects.create(
        username="w-link", kind=UserKind.WORKER, phone="13800000077", phone_index=phone_index("13800000077")
    )
    member_of(fubao, 9201, "孙会员", user=me)

    staff_login(desktop, "fubao_staff")
    desktop.goto("/console/cases/new/legal/")
    desktop.select_option("[data-testid=f-org]", str(fubao.pk))
    desktop.fill("[data-testid=f-id_number]", cn_id(9201))
    desktop.fill("[data-testid=f-summary]", "公司拖欠两个月工资")
    shot(desktop, "cases-link-01-console-form")
    desktop.click("[data-testid=case-new-submit]")
    desktop.wait_for_selector("[data-testid=case-member]")
    assert desktop.inner_text("[data-testid=case-title]").endswith("孙*员")  # the member's name, masked
    assert cn_id(9201) not in desktop.content()
    shot(desktop, "cases-link-02-console-case")
    case = Case.objects.get()
    assert case.person.user == me

    sms.outbox.clear()
    phone.goto("/h5/cases/")
    worker_login(phone, "13800000077")
    phone.goto("/h5/cases/")
    phone.wait_for_selector(f"[data-testid=my-case][data-number='{case.number}']")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 376
    shot(phone, "cases-link-03-phone-list")
