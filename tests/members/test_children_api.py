"""/api/v1/me/children: the same services as the phone page, answers masked, 404 for someone
else's child, fuzzed input answered 400 naming the field (never a 500)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.activities.support import child, member, worker
from tests.hypothesis_profiles import examples
from tests.members.children_support import child_data, cn_id
from zhijia.accounts.tokens import token_issue
from zhijia.members.models import FamilyMember

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/children"


def as_user(api_client, user):
    api_client.token, _ = token_issue(user=user)
    return api_client


@pytest.fixture
def parent(demo, api_client):
    user, person = worker(demo.org("福田区总"))
    return as_user(api_client, user), person


def test_add_list_change_remove_with_masked_answers(parent):
    client, _person = parent
    number = cn_id("20180501")
    r = client.post(URL, child_data(id_number=number))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "张*明" and body["id_number"] == "4403" + "*" * 10 + number[-4:]
    assert number not in r.content.decode()
    assert body["birth_date"] == "2018-05-01" and body["gender"] == "male"
    again = client.post(URL, child_data(id_number=number))
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert [c["id"] for c in client.get(URL).json()] == [body["id"]]
    changed = client.patch(f"{URL}/{body['id']}", {"name": "张晓明"})
    assert changed.status_code == 200 and changed.json()["name"] == "张*明"
    assert FamilyMember.objects.get(pk=body["id"]).name == "张晓明"
    assert client.delete(f"{URL}/{body['id']}").status_code == 204
    assert client.get(URL).json() == []


def test_someone_elses_child_is_404_like_a_missing_one(parent, demo):
    client, _person = parent
    theirs = child(member(demo.org("福田区总")))
    for method, args in (("patch", ({"name": "x"},)), ("delete", ())):
        for ident in (theirs.pk, "00000000-0000-0000-0000-000000000000", "nope", "9" * 40):
            r = getattr(client, method)(f"{URL}/{ident}", *args)
            assert r.status_code == 404, (method, ident, r.status_code)
            assert r.json()["code"] == "not_found"
    assert FamilyMember.objects.get(pk=theirs.pk).name == theirs.name


def test_no_member_record_is_404_and_an_empty_list(api_client, demo):
    from tests.activities.support import worker_user

    client = as_user(api_client, worker_user())
    assert client.get(URL).json() == []
    assert client.post(URL, child_data()).status_code == 404


@pytest.mark.parametrize(
    "change, field",
    [
        ({"birth_date": "2030-01-01"}, "birth_date"),
        ({"birth_date": "2000-01-01"}, "birth_date"),
        ({"birth_date": "2016-02-30"}, "birth_date"),
        ({"birth_date": "2016-13-01"}, "birth_date"),
        ({"birth_date": 10**30}, "birth_date"),
        ({"birth_date": "x" * 5000}, "birth_date"),
        ({"name": "x" * 100_000}, "name"),
        ({"name": ["x"]}, "name"),
        ({"gender": "other"}, "gender"),
        ({"id_number": "440304201805011230"}, "id_number"),
        ({"guardian_consent": False}, "guardian_consent"),
        ({"guardian_consent": "maybe"}, "guardian_consent"),
    ],
)
def test_bad_input_is_400_naming_the_field(parent, change, field):
    client, _person = parent
    r = client.post(URL, child_data(**change))
    assert r.status_code == 400, (change, r.status_code, r.content)
    assert field in str(r.json()["fields"]), r.json()
    assert not FamilyMember.objects.exists()


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    max_examples=examples(40),
)
@given(
    body=st.dictionaries(
        st.sampled_from(["name", "birth_date", "gender", "id_type", "id_number", "guardian_consent", "x"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(allow_nan=True),
            st.text(max_size=300),
            st.lists(st.integers(), max_size=3),
        ),
    )
)
def test_fuzzed_bodies_never_500(parent, body):
    client, _person = parent
    r = client.post(URL, body)
    assert r.status_code in (200, 201, 400), (body, r.status_code, r.content)
    if r.status_code == 400:
        assert r.json()["fields"], body
