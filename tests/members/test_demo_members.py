"""Demo members: valid, varied, idempotent; the demo worker stays a non-member; --members N."""

from django.core.management import call_command

from tests.support import is_cn_id
from zhijia.accounts.models import User
from zhijia.demo.members import PEOPLE, UNIONS, generated_row, seed_generated, seed_members
from zhijia.demo.seed import WORKER_PHONE
from zhijia.members.enums import MemberStatus
from zhijia.members.models import Membership, Person
from zhijia.orgs.models import Org


def test_demo_members_are_valid_varied_and_idempotent(demo):
    first = seed_members()
    assert first.created == len(PEOPLE) >= 40 and first.retained >= 3
    again = seed_members()
    assert again.created == 0 and again.retained == 0
    people = list(Person.objects.all())
    assert len(people) == len(PEOPLE)
    assert all(p.id_type == "cn_resident" and is_cn_id(p.id_number) for p in people)
    assert WORKER_PHONE not in {p.phone for p in people}
    assert any("\U00020000" in p.name for p in people)  # a character beyond the BMP, kept
    occupations = {p.occupation for p in people}
    assert {"delivery_rider", "courier", "employee"} <= occupations
    unions = set(Membership.objects.values_list("org__short_name", flat=True))
    assert {"河套科创工会", "福保精密工会", "西乡街道", "固戍社区", "臣田园区"} <= unions
    assert Membership.objects.filter(status=MemberStatus.RETAINED).count() == first.retained
    assert len(set(Membership.objects.values_list("member_no", flat=True))) == len(PEOPLE)


def test_generated_members_are_distinct_and_idempotent(demo):
    numbers = {generated_row(i)["id_number"] for i in range(1, 5001)}
    assert len(numbers) == 5000 and all(is_cn_id(n) for n in list(numbers)[:500])
    assert seed_generated(30) == 30
    assert seed_generated(30) == 0
    assert seed_generated(35) == 5


def test_seed_demo_accepts_members(db, capsys):
    call_command("seed_demo", "--members", "12")
    assert "52 members and" in capsys.readouterr().out
    counts = (Person.objects.count(), Org.objects.count(), User.objects.count())
    call_command("seed_demo", "--members", "12")
    assert " 0 members and" in capsys.readouterr().out
    # A second run adds nothing: no demo adds a person, a unit or an account twice.
    assert (Person.objects.count(), Org.objects.count(), User.objects.count()) == counts
    # The demo members are the people in the member demo's unions: the named ones and the 12
    # generated. The other demos' people (the 中山 voucher claimers, 花都's members, the labour
    # registry's people) are counted by their own demos' tests.
    demo_members = Person.objects.filter(memberships__org__name__in=UNIONS.values()).distinct()
    assert demo_members.count() == len(PEOPLE) + 12
