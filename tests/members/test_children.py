"""A member's own children (members.services.children): the minor's data rules — the
guardian's consent recorded once and asked again after a withdrawal, minimal fields, dates and
ages checked naming the field, the same child twice is the first one, someone else's child is
404, every change audited, identity numbers encrypted at rest."""

import pytest
from django.db import connection

from tests.activities.support import activity, child, member
from tests.members.children_support import child_data, cn_id
from zhijia.activities.services.enrolment import enrolment_cancel, enrolment_create
from zhijia.core.audit import AuditEntry
from zhijia.core.errors import Conflict, NotFound, ValidationFailed
from zhijia.members.consent import consent_given
from zhijia.members.enums import ConsentPurpose
from zhijia.members.models import Consent, FamilyMember
from zhijia.members.services.children import child_add, child_remove, child_update, own_child
from zhijia.members.services.rights import consent_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent(demo):
    return member(demo.org("福田区总"))


def _fields(exc) -> set:
    return set(exc.value.fields)


def test_add_records_the_consent_once_and_audits_without_values(parent):
    kid, created = child_add(actor=None, person=parent, data=child_data(id_number=cn_id("20180501")))
    assert created and kid.relation == "child" and kid.person_id == parent.pk
    assert kid.gender == "male" and kid.id_index
    consent = Consent.objects.get(person=parent, purpose=ConsentPurpose.MINOR)
    assert consent.notice_version == "2026-11" and consent.withdrawn_at is None
    second, _ = child_add(actor=None, person=parent, data={"name": "张小红", "birth_date": "2020-03-03"})
    assert second.pk != kid.pk  # no second tick needed while the consent is live
    assert Consent.objects.filter(person=parent, purpose=ConsentPurpose.MINOR).count() == 1
    entries = AuditEntry.objects.filter(action="member.child_add").order_by("at", "pk")
    assert entries.count() == 2
    assert "张" not in str(entries[0].data) and "20180501" not in str(entries[0].data)


def test_identity_number_is_encrypted_at_rest(parent):
    number = cn_id("20180501")
    child_add(actor=None, person=parent, data=child_data(id_number=number))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM members_familymember")
        stored = [r[0] for r in cursor.fetchall()]
    assert stored and all(s and number not in s and "20180501" not in s for s in stored)


def test_the_consent_is_needed_first_and_again_after_a_withdrawal(parent):
    with pytest.raises(ValidationFailed) as exc:
        child_add(actor=None, person=parent, data=child_data(guardian_consent=False))
    assert _fields(exc) == {"guardian_consent"} and exc.value.code == "consent_required"
    assert not FamilyMember.objects.exists()
    kid, _ = child_add(actor=None, person=parent, data=child_data())
    live = Consent.objects.get(person=parent, purpose=ConsentPurpose.MINOR)
    consent_withdraw(actor=None, person=parent, consent_id=live.pk)
    assert not consent_given(parent, ConsentPurpose.MINOR)
    with pytest.raises(ValidationFailed) as exc:
        child_update(actor=None, person=parent, child=kid, data={"name": "张小亮"})
    assert _fields(exc) == {"guardian_consent"}
    child_update(actor=None, person=parent, child=kid, data={"name": "张小亮", "guardian_consent": True})
    assert consent_given(parent, ConsentPurpose.MINOR)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"birth_date": "2030-01-01"}, "birth_date"),  # in the future
        ({"birth_date": "2000-01-01"}, "birth_date"),  # an adult
        ({"birth_date": "2008-11-16"}, "birth_date"),  # 18 yesterday (the clock is 2026-11-17)
        ({"birth_date": "2016-02-30"}, "birth_date"),  # impossible
        ({"birth_date": "99999-01-01"}, "birth_date"),
        ({"birth_date": ""}, "birth_date"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "x" * 100_000}, "name"),
        ({"name": "小\x00明"}, "name"),
        ({"gender": "other"}, "gender"),
        ({"id_number": "440304201805011230"}, "id_number"),  # wrong check digit
        ({"id_number": cn_id("20170501")}, "birth_date"),  # disagrees with the birth date
        ({"id_number": "9" * 5000}, "id_number"),
    ],
)
def test_bad_input_names_the_field(parent, change, field):
    with pytest.raises(ValidationFailed) as exc:
        child_add(actor=None, person=parent, data=child_data(**change))
    assert field in _fields(exc)
    assert not FamilyMember.objects.exists()


def test_a_child_of_17_is_accepted(parent):
    kid, _ = child_add(actor=None, person=parent, data=child_data(birth_date="2008-11-18"))
    assert kid.pk


def test_the_same_child_twice_is_the_first_one(parent):
    number = cn_id("20180501")
    first, created = child_add(actor=None, person=parent, data=child_data(id_number=number))
    again, again_created = child_add(actor=None, person=parent, data=child_data(id_number=number.lower()))
    assert created and not again_created and again.pk == first.pk
    by_name, made = child_add(actor=None, person=parent, data=child_data(name=" 张小明 "))
    assert by_name.pk == first.pk and not made
    assert FamilyMember.objects.filter(person=parent).count() == 1
    assert AuditEntry.objects.filter(action="member.child_add").count() == 1


def test_update_keeps_the_number_and_refuses_becoming_another_child(parent):
    number = cn_id("20180501")
    kid, _ = child_add(actor=None, person=parent, data=child_data(id_number=number))
    other, _ = child_add(actor=None, person=parent, data=child_data(name="张小红", birth_date="2020-01-01"))
    updated = child_update(actor=None, person=parent, child=kid, data={"name": "张晓明"})
    assert updated.name == "张晓明" and updated.id_number == number
    entry = AuditEntry.objects.filter(action="member.child_update").latest("at")
    assert entry.data["changed"] == ["name"]
    with pytest.raises(Conflict) as exc:
        child_update(
            actor=None, person=parent, child=other, data={"name": "张晓明", "birth_date": "2018-05-01"}
        )
    assert exc.value.code == "child_exists"
    cleared = child_update(actor=None, person=parent, child=kid, data={"clear_id_number": True})
    assert cleared.id_number == "" and cleared.id_index == ""


def test_someone_elses_child_and_malformed_ids_are_404(parent, demo):
    stranger = member(demo.org("福田区总"))
    theirs = child(stranger)
    for person, ident in ((parent, theirs.pk), (parent, "nope"), (parent, 10**30), (None, theirs.pk)):
        with pytest.raises(NotFound):
            own_child(person=person, id=ident)
    assert own_child(person=stranger, id=theirs.pk) == theirs
    spouse = child(parent, relation="spouse")
    with pytest.raises(NotFound):
        own_child(person=parent, id=spouse.pk)


def test_remove_is_audited_and_refused_while_enrolments_point_at_the_child(parent, demo):
    futian = demo.org("福田区总")
    kid, _ = child_add(actor=None, person=parent, data=child_data())
    camp = activity(futian, for_children=True)
    enrolment = enrolment_create(actor=None, activity=camp, person=parent, child=kid)
    with pytest.raises(Conflict) as exc:
        child_remove(actor=None, person=parent, child=kid)
    assert exc.value.code == "child_enrolled"
    enrolment_cancel(actor=None, enrolment=enrolment)
    with pytest.raises(Conflict):  # a past enrolment still points at the child
        child_remove(actor=None, person=parent, child=kid)
    other, _ = child_add(actor=None, person=parent, data=child_data(name="张小红", birth_date="2020-01-01"))
    child_remove(actor=None, person=parent, child=other)
    assert not FamilyMember.objects.filter(pk=other.pk).exists()
    assert AuditEntry.objects.filter(action="member.child_remove").count() == 1


def test_a_withdrawn_consent_stops_enrolling_the_children_until_given_again(parent, demo):
    from zhijia.activities.eligibility import eligibility_check
    from zhijia.core.errors import PermissionDenied

    futian = demo.org("福田区总")
    kid, _ = child_add(actor=None, person=parent, data=child_data())
    camp = activity(futian, for_children=True)
    eligibility_check(activity=camp, person=parent, child=kid)
    live = Consent.objects.get(person=parent, purpose=ConsentPurpose.MINOR)
    consent_withdraw(actor=None, person=parent, consent_id=live.pk)
    with pytest.raises(PermissionDenied) as exc:
        enrolment_create(actor=None, activity=camp, person=parent, child=kid)
    assert set(exc.value.fields) == {"guardian_consent"}
    child_update(actor=None, person=parent, child=kid, data={"guardian_consent": True})
    assert enrolment_create(actor=None, activity=camp, person=parent, child=kid).pk
    registered_on_paper = member(futian)  # no consent record at all: not stopped
    assert enrolment_create(
        actor=None, activity=camp, person=registered_on_paper, child=child(registered_on_paper)
    ).pk
