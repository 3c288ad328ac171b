"""A case staff open on a worker's behalf is linked to the member whose ID number they type — an
active member of the case's unit or a unit under it — so it shows on the member's phone, is in
their export and anonymisation, and its ledger rows count them. Anyone else's number leaves the
case unlinked, as before (a non-member is helped too), and says nothing about who is a member
where."""

import pytest

from tests.matrix.world import cn_id, member_of, person
from zhijia.casework.selectors import my_cases
from zhijia.casework.services.rights import person_cases
from zhijia.core.errors import ApplicationError
from zhijia.members.enums import MemberStatus
from zhijia.orgs.models import Org
from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord
from zhijia.records.services import person_key

from .support import counselling, expert_login, hardship, legal, staff, step, worker

pytestmark = pytest.mark.django_db


def test_a_members_id_number_links_the_case_to_them(demo):
    org = demo.org("福保街道")
    below = Org.objects.filter(parent=org).first()
    member = member_of(below, 7401, "赵会员", user=worker()).person
    case = legal(org, actor=staff(org), name="", id_number=cn_id(7401))
    assert case.person_id == member.pk
    assert case.subject_name == "赵会员"  # the member's name when none was typed
    assert list(my_cases(user=member.user)) == [case]
    assert list(person_cases(member)) == [case]

    user, expert = expert_login(org, name="调解员")
    step(case, "assign", None, expert_id=str(expert.pk))
    step(case, "session", user, both_parties=False)
    row = ServiceRecord.objects.get(source=RecordSource.LEGAL)
    assert row.person_key == person_key(member.pk)
    filed = hardship(org, actor=staff(org), n=7401)  # the applicant's ID number
    assert filed.person_id == member.pk


@pytest.mark.parametrize("who", ["elsewhere", "not_a_member", "withdrawn"])
def test_no_link_outside_the_unit_or_without_an_active_membership(demo, who):
    org = demo.org("福保街道")
    if who == "elsewhere":
        member_of(demo.org("大朗镇"), 7402, "别处会员")
    elif who == "not_a_member":
        person(7402, "非会员")
    else:
        left = member_of(org, 7402, "已退会")
        left.status = MemberStatus.WITHDRAWN
        left.save(update_fields=["status"])
    case = legal(org, actor=staff(org), id_number=cn_id(7402))
    assert case.person_id is None and case.subject_name == "张骑手"


def test_an_anonymous_booking_stays_anonymous(demo):
    org = demo.org("福保街道")
    member_of(org, 7403, "钱会员")
    case = counselling(org, actor=staff(org), name="", anonymous=True, id_number=cn_id(7403))
    assert case.person_id is None and case.subject_name == ""


@pytest.mark.parametrize("value", ["12345", 10**30, ["x"], {"a": 1}, "1" * 10_000, cn_id(7404)[:-1] + "X"])
def test_a_bad_id_number_is_named(demo, value):
    org = demo.org("福保街道")
    with pytest.raises(ApplicationError) as err:
        legal(org, actor=staff(org), id_number=value)
    assert "id_number" in err.value.fields


def test_the_api_and_the_console_link_alike(demo, api_client, staff_client):
    from zhijia.accounts.tokens import token_issue

    org = demo.org("福保街道")
    member = member_of(org, 7405, "孙会员").person
    api_client.token = token_issue(user=demo.user("fubao_staff"))[0]
    body = {"kind": "counselling", "org_id": str(org.pk), "name": "孙", "id_number": cn_id(7405)}
    r = api_client.post("/api/v1/cases", body)
    assert r.status_code == 201, r.content
    r = api_client.post("/api/v1/cases", {**body, "id_number": 10**30})
    assert r.status_code == 400 and "id_number" in r.json()["fields"], r.content

    console = staff_client("fubao_staff")
    assert "f-id_number" in console.get("/console/cases/new/legal/").content.decode()
    r = console.post(
        "/console/cases/new/legal/",
        {"org_id": str(org.pk), "name": "孙", "id_number": cn_id(7405), "employer": "某厂"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert list(person_cases(member).values_list("kind", flat=True).order_by("kind")) == [
        "counselling",
        "legal",
    ]
    page = console.get(r.url).content.decode()
    assert 'data-testid="case-member"' in page and cn_id(7405) not in page
