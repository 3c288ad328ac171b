"""The phone page "My children" (/h5/children/): add with the guardian's consent, errors next
to their field (never a 500), ID numbers never echoed and shown masked, edit, remove, 404 for
someone else's child, and the way back to the activity the parent came from."""

import pytest
from django.test import Client

from tests.activities.support import activity, child, member, worker, worker_user
from tests.members.children_support import cn_id
from zhijia.members.models import Consent, FamilyMember

pytestmark = pytest.mark.django_db
NEW = "/h5/children/new/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def parent(demo):
    user, person = worker(demo.org("福田区总"))
    return logged_in(user), person


def form(**extra) -> dict:
    return {"name": "张小明", "birth_date": "2018-05-01", "gender": "male", "id_type": "cn_resident",
            "id_number": "", "guardian_consent": "on", **extra}  # fmt: skip


def test_add_shows_the_child_masked_and_asks_the_consent_only_once(parent):
    client, person = parent
    page = client.get(NEW).content.decode()
    assert 'data-testid="child-consent"' in page and 'data-testid="minor-notice"' in page
    number = cn_id("20180501")
    r = client.post(NEW, form(id_number=number))
    assert r.status_code == 302 and r["Location"] == "/h5/children/"
    listing = client.get("/h5/children/").content.decode()
    assert "张小明" in listing and number not in listing and "4403**********" + number[-4:] in listing
    assert Consent.objects.filter(person=person, purpose="minor").count() == 1
    assert 'data-testid="child-consent"' not in client.get(NEW).content.decode()


def test_errors_are_next_to_their_field_and_the_number_is_not_echoed(parent):
    client, _person = parent
    number = cn_id("20170501")  # disagrees with the birth date
    for data, field in [
        (form(birth_date="2030-01-01"), "birth_date"),
        (form(birth_date="2016-02-30"), "birth_date"),
        (form(birth_date="2000-01-01"), "birth_date"),
        (form(birth_date="x" * 5000), "birth_date"),
        (form(name="x" * 100_000), "name"),
        (form(guardian_consent=""), "guardian_consent"),
        (form(id_number=number), "birth_date"),
    ]:
        r = client.post(NEW, data)
        assert r.status_code == 200, (field, r.status_code)
        html = r.content.decode()
        assert f'data-testid="error-{field}"' in html, field
        assert number not in html
    assert not FamilyMember.objects.exists()


def test_edit_and_remove(parent):
    client, person = parent
    client.post(NEW, form(id_number=cn_id("20180501")))
    kid = FamilyMember.objects.get(person=person)
    page = client.get(f"/h5/children/{kid.pk}/edit/").content.decode()
    assert 'value="张小明"' in page and cn_id("20180501") not in page
    r = client.post(f"/h5/children/{kid.pk}/edit/", form(name="张晓明", guardian_consent=""))
    assert r.status_code == 302
    kid.refresh_from_db()
    assert kid.name == "张晓明" and kid.id_number == cn_id("20180501")  # empty number: kept
    assert client.post(f"/h5/children/{kid.pk}/remove/").status_code == 302
    assert not FamilyMember.objects.filter(pk=kid.pk).exists()


def test_someone_elses_child_is_404(parent, demo):
    client, _person = parent
    theirs = child(member(demo.org("福田区总")))
    assert client.get(f"/h5/children/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/h5/children/{theirs.pk}/edit/", form()).status_code == 404
    assert client.post(f"/h5/children/{theirs.pk}/remove/").status_code == 404
    assert FamilyMember.objects.filter(pk=theirs.pk).exists()


def test_without_a_member_record_the_page_says_how_to_join(demo):
    client = logged_in(worker_user())
    for url in ("/h5/children/", NEW):
        html = client.get(url).content.decode()
        assert 'data-testid="children-no-person"' in html


def test_a_childrens_activity_leads_to_adding_a_child_and_back(parent, demo):
    client, _person = parent
    camp = activity(demo.org("福田区总"), for_children=True)
    detail = client.get(f"/h5/activities/{camp.pk}/").content.decode()
    assert 'data-testid="add-child"' in detail and 'data-testid="no-children"' in detail
    back = f"/h5/activities/{camp.pk}/#enrol"
    r = client.post(NEW, {**form(), "next": back})
    assert r.status_code == 302 and r["Location"] == back
    assert (
        client.post(NEW, {**form(name="张小红"), "next": "https://evil.example/"})["Location"]
        == "/h5/children/"
    )
    assert 'data-testid="enrol-child"' in client.get(f"/h5/activities/{camp.pk}/").content.decode()
