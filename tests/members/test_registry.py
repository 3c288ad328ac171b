"""Registry services and selectors: registration, corrections, status changes, family,
the dissolve guard, search by every key, scope and reveal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhijia.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.members.models import FamilyMember, Membership, MembershipEvent, Person
from zhijia.members.selectors.registry import member_get, member_list
from zhijia.members.services import registry
from zhijia.orgs.services import org_dissolve

from . import registry_support as support
from .registry_support import cn_id, person_data

grant_user = support.grant_user  # a shared fixture
register = support.register  # a shared fixture


def x_id() -> str:
    """A valid number whose check character is X."""
    for seq in range(100, 999):
        number = cn_id(birth="19850612", seq=str(seq))
        if number.endswith("X"):
            return number
    raise AssertionError("no X number found")


def test_register_issues_number_event_and_audit(demo, register):
    m = register()
    assert m.status == "member" and m.member_no.startswith("440304")
    assert [e.kind for e in m.events.all()] == ["joined"]
    entry = AuditEntry.objects.get(action="member.register", object_id=str(m.pk))
    assert entry.org_id == demo.org("河套科创工会").pk


def test_one_active_membership_with_x_and_lower_x(demo, register):
    number = x_id()
    register(id_number=number)
    with pytest.raises(Conflict) as exc:
        register("西乡工联会", id_number=number.lower())
    assert exc.value.code == "already_member"
    assert Membership.objects.count() == 1


def test_register_refused_in_a_dissolved_union(demo, register):
    org = demo.org("福保精密工会")
    org_dissolve(actor=None, org=org)
    with pytest.raises(Conflict):
        register("福保精密工会")
    assert not Membership.objects.exists()


def test_update_lists_changed_field_names_only(demo, register):
    m = register()
    registry.member_update(actor=demo.user("futian_staff"), membership=m, data={"phone": "13698765432"})
    m.person.refresh_from_db()
    assert m.person.phone == "13698765432" and m.person.phone_last4 == "5432"
    event = m.events.get(kind="corrected")
    assert event.note == "phone"
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.data == {"fields": ["phone"]}
    assert "13698765432" not in str(entry.data)


def test_update_validates_and_refuses_anothers_identity(demo, register):
    m = register()
    other = register("西乡工联会", name="李四", id_number=cn_id(seq="456"), phone="13911112222")
    with pytest.raises(ValidationFailed) as exc:
        registry.member_update(actor=None, membership=m, data={"phone": "12345"})
    assert "phone" in exc.value.fields
    with pytest.raises(Conflict) as exc:
        registry.member_update(actor=None, membership=m, data={"id_number": other.person.id_number})
    assert exc.value.code == "identity_taken"


def test_status_transitions_are_guarded(demo, register):
    m = register()
    actor = demo.user("futian_staff")
    with pytest.raises(Conflict) as exc:
        registry.member_reinstate(actor=actor, membership=m)
    assert exc.value.code == "invalid_transition"
    with pytest.raises(ValidationFailed):
        registry.member_retain(actor=actor, membership=m, reason="holiday")
    registry.member_retain(actor=actor, membership=m, reason="retirement")
    assert m.status == "retained"
    registry.member_reinstate(actor=actor, membership=m)
    registry.member_withdraw(actor=actor, membership=m, note="moved away")
    assert m.status == "withdrawn" and m.ended_on is not None
    with pytest.raises(Conflict):
        registry.member_retain(actor=actor, membership=m, reason="lay_off")
    kinds = list(MembershipEvent.objects.filter(membership=m).values_list("kind", flat=True))
    assert kinds == ["joined", "retained", "reinstated", "withdrawn"]
    assert AuditEntry.objects.filter(action__in=["member.retain", "member.withdraw"]).count() == 2


def test_family_validation_and_encrypted_child_id(demo, register):
    m = register()
    with pytest.raises(ValidationFailed) as exc:
        registry.family_add(actor=None, membership=m, data={"relation": "cousin", "birth_date": "2999-01-01"})
    assert {"name", "relation", "birth_date"} <= set(exc.value.fields)
    child_id = cn_id(birth="20180501", seq="222")
    with pytest.raises(ValidationFailed) as exc:
        registry.family_add(
            actor=None,
            membership=m,
            data={"relation": "child", "name": "张小", "birth_date": "2018-05-02", "id_number": child_id},
        )
    assert "birth_date" in exc.value.fields
    child = registry.family_add(
        actor=None,
        membership=m,
        data={"relation": "child", "name": "张小", "birth_date": "2018-05-01", "id_number": child_id.lower()},
    )
    assert child.gender == "female" and child.id_index
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM members_familymember WHERE id = %s", [child.pk.hex])
        raw = cursor.fetchone()
    if raw is None:  # PostgreSQL stores the uuid natively
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number FROM members_familymember WHERE id = %s", [str(child.pk)])
            raw = cursor.fetchone()
    assert child_id not in raw[0] and raw[0].startswith("v1:")
    other = register("西乡工联会", name="李四", id_number=cn_id(seq="456"), phone="13911112222")
    with pytest.raises(NotFound):
        registry.family_remove(actor=None, membership=other, family_id=child.pk)
    registry.family_remove(actor=None, membership=m, family_id=child.pk)
    assert not FamilyMember.objects.exists()


def test_dissolve_refused_while_the_union_has_active_members(demo, register):
    m = register()
    org = demo.org("河套科创工会")
    with pytest.raises(Conflict) as exc:
        org_dissolve(actor=None, org=org)
    assert exc.value.code == "has_active_members"
    assert str(exc.value.message) and demo.org("河套科创工会").status == "active"
    registry.member_withdraw(actor=None, membership=m)
    assert org_dissolve(actor=None, org=org).status == "dissolved"


@pytest.fixture
def cast(demo, register):
    zs = register(name="张三", id_number=x_id(), phone="13912345678")
    ls = register("河套联合工会", name="李四", id_number=cn_id(seq="456"), phone="13911112222")
    ww = register("西乡工联会", name="王五", id_number=cn_id(seq="789"), phone="13933334444")
    return {"zs": zs, "ls": ls, "ww": ww}


def found(actor, **kwargs):
    return {m.person.name for m in member_list(actor=actor, **kwargs)}


@pytest.mark.parametrize(
    "query",
    ["张", "zhangsan", "ZhangSan", "zs", "z", "5678", "13912345678"],
)
def test_search_finds_zhang_san_by_each_key(demo, cast, query):
    assert found(demo.user("shenzhen_admin"), q=query) == {"张三"}


def test_search_by_member_number_and_exact_identity(demo, cast):
    actor = demo.user("shenzhen_admin")
    zs = cast["zs"]
    assert found(actor, q=zs.member_no) == {"张三"}
    number = zs.person.id_number
    assert found(actor, q=number.lower()) == {"张三"}  # lower-case x
    assert found(actor, q=" ".join([number[:6], number[6:14], number[14:]])) == {"张三"}
    assert found(actor, q=number[:-1]) == set()  # no partial identity matches
    assert found(actor, q="lisi", status="member") == {"李四"}
    assert found(actor, status="withdrawn") == set()


def test_list_and_get_respect_scope(demo, cast):
    futian = demo.user("futian_staff")
    assert found(futian) == {"张三", "李四"}
    assert found(futian, q="王") == set()
    with pytest.raises(NotFound):
        member_get(actor=futian, id=cast["ww"].pk)
    assert found(demo.user("baoan_staff")) == {"王五"}
    assert found(demo.user("shenzhen_admin"), org=demo.org("河套联合工会")) == {"李四"}


def test_member_list_query_count_is_constant(demo, register):
    actor = demo.user("shenzhen_admin")

    def count():
        actor.__dict__.pop("_zhijia_grants", None)
        with CaptureQueriesContext(connection) as ctx:
            rows = [(m.person.name, m.org.name, m.member_no) for m in member_list(actor=actor)]
        return len(ctx.captured_queries), len(rows)

    register()
    few = count()
    for seq in range(300, 305):
        register("西乡工联会", name=f"员工{seq}", id_number=cn_id(seq=str(seq)), phone=f"1390000{seq}0")
    many = count()
    assert many[1] == few[1] + 5 and many[0] == few[0]


def test_reveal_needs_the_capability_and_is_audited(demo, register):
    m = register()
    with pytest.raises(PermissionDenied):
        registry.member_reveal(actor=demo.user("futian_staff"), membership=m, field="id_number")
    with pytest.raises(NotFound):
        registry.member_reveal(actor=demo.user("baoan_staff"), membership=m, field="phone")
    assert not AuditEntry.objects.filter(action="member.reveal").exists()
    value = registry.member_reveal(actor=demo.user("shenzhen_admin"), membership=m, field="id_number")
    assert value == person_data()["id_number"]
    entry = AuditEntry.objects.get(action="member.reveal")
    assert entry.data == {"field": "id_number"} and entry.object_id == str(m.pk)
    with pytest.raises(ValidationFailed):
        registry.member_reveal(actor=demo.user("shenzhen_admin"), membership=m, field="name")


def test_reveal_fails_closed_when_the_audit_cannot_be_written(demo, register, monkeypatch):
    m = register()

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(registry, "audit_log", broken)
    result = None
    with pytest.raises(RuntimeError):
        result = registry.member_reveal(actor=demo.user("shenzhen_admin"), membership=m, field="phone")
    assert result is None


@pytest.mark.parametrize("limit", [1000, 1, 0])
def test_search_answers_the_same_below_and_past_the_people_limit(demo, cast, monkeypatch, limit):
    """Up to SEARCH_PEOPLE_LIMIT people the memberships are fetched and their unions checked for
    scope and district on their own; past it the database joins. Both give the same rows, and a
    matching person with no membership (a labour-registry person) is simply not listed."""
    monkeypatch.setattr("zhijia.members.selectors.registry.SEARCH_PEOPLE_LIMIT", limit)
    Person.objects.create(name="张三丰", name_pinyin="zhangsanfeng", name_initials="zsf")  # no membership
    admin, futian = demo.user("shenzhen_admin"), demo.user("futian_staff")
    assert found(admin, q="张") == {"张三"}
    assert found(admin, q="z") == {"张三"}
    assert found(futian, q="李") == {"李四"} and found(futian, q="王") == set()  # scope
    assert found(admin, q="李", org=demo.org("河套联合工会")) == {"李四"}  # district
    assert found(admin, q="李", org=demo.org("西乡工联会")) == set()
    assert found(admin, q="13933334444", org=demo.org("西乡工联会")) == {"王五"}
