"""Writes of the orgs domain: create, update, move, dissolve, their refusals and audit entries."""

import pytest

from zhijia.core.errors import Conflict, ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.demo.tree import demo_uscc
from zhijia.orgs import error_codes
from zhijia.orgs.enums import OrgLevel, OrgStatus
from zhijia.orgs.models import Org
from zhijia.orgs.services import org_create, org_dissolve, org_move, org_update


@pytest.fixture
def admin(demo):
    return demo.user("shenzhen_admin")


def audit(action, org):
    return AuditEntry.objects.filter(action=action, object_id=str(org.pk))


def test_create_allocates_a_child_path_and_audits(demo, admin):
    fubao = demo.org("福保街道")
    org = org_create(
        actor=admin,
        parent=fubao,
        name=" 新企业工会 ",
        level=OrgLevel.GRASSROOTS,
        uscc=demo_uscc("新企业工会", "440304").lower(),
        contact_phone="０７５５-８８８８ ８８８８",
    )
    assert org.name == "新企业工会"
    assert org.path.startswith(fubao.path) and len(org.path) == len(fubao.path) + 5
    assert org.depth == fubao.depth + 1
    assert org.uscc == demo_uscc("新企业工会", "440304")
    assert org.contact_phone == "0755-88888888"
    assert org.name_initials == "xqygh"
    assert audit("org.create", org).count() == 1


def test_create_refuses_a_level_above_the_parent(demo, admin):
    with pytest.raises(ValidationFailed) as exc:
        org_create(actor=admin, parent=demo.org("福保街道"), name="错误层级", level=OrgLevel.CITY)
    assert exc.value.code == error_codes.BAD_LEVEL


def test_create_refuses_a_bad_contact_phone(demo, admin):
    with pytest.raises(ValidationFailed) as exc:
        org_create(
            actor=admin,
            parent=demo.org("福保街道"),
            name="某工会",
            level=OrgLevel.GRASSROOTS,
            contact_phone="call me",
        )
    assert "contact_phone" in exc.value.fields


def test_update_changes_fields_recomputes_pinyin_and_audits(demo, admin):
    org = demo.org("福保精密工会")
    org_update(
        actor=admin,
        org=org,
        name="深圳福保新材料有限公司工会委员会",
        short_name="福保新材料",
        contact_phone="13812345678",
    )
    org.refresh_from_db()
    assert org.short_name == "福保新材料"
    assert org.name_initials.startswith("szfbxcl")
    assert org.contact_phone == "13812345678"
    entry = audit("org.update", org).get()
    assert set(entry.data["changed"]) == {"name", "short_name", "contact_phone"}
    assert "13812345678" not in str(entry.data)


def test_update_with_nothing_changed_writes_nothing(demo, admin):
    org = demo.org("福保精密工会")
    org_update(actor=admin, org=org, name=org.name)
    assert not audit("org.update", org).exists()


def test_update_refuses_a_level_clash_with_parent_or_children(demo, admin):
    street = demo.org("福保街道")
    with pytest.raises(ValidationFailed) as exc:
        org_update(actor=admin, org=street, level=OrgLevel.GRASSROOTS)  # its children are grassroots
    assert exc.value.code == error_codes.BAD_LEVEL
    with pytest.raises(ValidationFailed):
        org_update(actor=admin, org=street, level=OrgLevel.DISTRICT)  # its parent is a district
    org_update(actor=admin, org=street, level=OrgLevel.FEDERATION)  # between both: allowed
    street.refresh_from_db()
    assert street.level == OrgLevel.FEDERATION


def test_update_refuses_another_units_uscc(demo, admin):
    org = demo.org("福保精密工会")
    with pytest.raises(Conflict) as exc:
        org_update(actor=admin, org=org, uscc=demo.org("河套科创工会").uscc)
    assert exc.value.code == error_codes.USCC_TAKEN
    org.refresh_from_db()
    assert org.uscc != demo.org("河套科创工会").uscc


def test_move_rewrites_the_whole_subtree(demo, admin):
    xixiang = demo.org("西乡街道")
    futian = demo.org("福田区总")
    descendants = list(Org.objects.filter(path__startswith=xixiang.path).exclude(pk=xixiang.pk))
    assert len(descendants) == 3
    moved = org_move(actor=admin, org=xixiang, new_parent=futian)
    assert moved.parent == futian
    assert moved.path.startswith(futian.path) and moved.depth == futian.depth + 1
    for org in Org.objects.filter(pk__in=[d.pk for d in descendants]).select_related("parent"):
        assert org.path == org.parent.path + org.path[-5:]
        assert org.depth == org.parent.depth + 1
        assert org.path.startswith(moved.path)
    assert audit("org.move", moved).get().data["to_parent"] == str(futian.pk)


def test_move_into_own_subtree_is_refused(demo, admin):
    futian = demo.org("福田区总")
    before = futian.path
    for target in (futian, demo.org("福保街道")):
        with pytest.raises(ValidationFailed) as exc:
            org_move(actor=admin, org=futian, new_parent=target)
        assert exc.value.code == error_codes.MOVE_INTO_OWN_SUBTREE
    futian.refresh_from_db()
    assert futian.path == before


def test_move_under_a_dissolved_unit_is_refused(demo, admin):
    target = demo.org("南沙区总")
    org_dissolve(actor=admin, org=target)
    with pytest.raises(Conflict) as exc:
        org_move(actor=admin, org=demo.org("福保精密工会"), new_parent=target)
    assert exc.value.code == error_codes.PARENT_DISSOLVED


def test_move_refuses_a_level_clash(demo, admin):
    with pytest.raises(ValidationFailed) as exc:
        org_move(actor=admin, org=demo.org("福田区总"), new_parent=demo.org("西乡街道"))
    assert exc.value.code in {error_codes.BAD_LEVEL}


def test_create_after_move_uses_the_new_path(demo, admin):
    fubao = demo.org("福保街道")
    stale = Org.objects.get(pk=fubao.pk)
    org_move(actor=admin, org=fubao, new_parent=demo.org("宝安区总"))
    child = org_create(actor=admin, parent=stale, name="新工会", level=OrgLevel.GRASSROOTS)
    fubao.refresh_from_db()
    assert child.path.startswith(fubao.path)


def test_dissolve_refuses_while_children_are_active(demo, admin):
    street = demo.org("福保街道")
    with pytest.raises(Conflict) as exc:
        org_dissolve(actor=admin, org=street)
    assert exc.value.code == error_codes.HAS_ACTIVE_CHILDREN
    for child in Org.objects.filter(parent=street):
        org_dissolve(actor=admin, org=child)
    org_dissolve(actor=admin, org=street)
    street.refresh_from_db()
    assert street.status == OrgStatus.DISSOLVED
    assert audit("org.dissolve", street).count() == 1
    with pytest.raises(Conflict) as exc:
        org_dissolve(actor=admin, org=street)
    assert exc.value.code == error_codes.ALREADY_DISSOLVED


def test_dissolved_units_are_frozen(demo, admin):
    org = demo.org("河套联合工会")
    org_dissolve(actor=admin, org=org)
    with pytest.raises(Conflict) as exc:
        org_update(actor=admin, org=org, short_name="改名")
    assert exc.value.code == error_codes.ALREADY_DISSOLVED
    with pytest.raises(Conflict) as exc:
        org_move(actor=admin, org=org, new_parent=demo.org("西乡街道"))
    assert exc.value.code == error_codes.ALREADY_DISSOLVED
    district = demo.org("南沙区总")
    org_dissolve(actor=admin, org=district)
    with pytest.raises(Conflict) as exc:
        org_create(actor=admin, parent=demo.org("南沙区总"), name="子工会", level=OrgLevel.GRASSROOTS)
    assert exc.value.code == error_codes.PARENT_DISSOLVED
