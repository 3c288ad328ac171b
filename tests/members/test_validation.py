"""clean_person: the one set of rules every way into the registry uses."""

import pytest

from zhijia.core.errors import ValidationFailed
from zhijia.members.validation import clean_person, id_index

VALID = "11010519491231002X"


def test_identity_gives_birth_date_and_gender_and_blank_cells_do_not_erase_them():
    out = clean_person(
        {
            "name": "张三",
            "id_type": "cn_resident",
            "id_number": "110105 19491231 002x",
            "gender": "",
            "birth_date": "",
        }
    )
    assert out["id_number"] == VALID
    assert str(out["birth_date"]) == "1949-12-31"
    assert out["gender"] == "female"


def test_lower_and_upper_x_are_one_person():
    assert (
        id_index("cn_resident", "11010519491231002X")
        == clean_person({"name": "张三", "id_type": "cn_resident", "id_number": "11010519491231002x"})[
            "id_index"
        ]
    )


def test_every_bad_field_is_named_at_once():
    with pytest.raises(ValidationFailed) as exc:
        clean_person(
            {
                "name": "",
                "id_type": "cn_resident",
                "id_number": VALID,
                "gender": "male",
                "birth_date": "1950-01-01",
                "phone": "12345",
                "ethnicity": "99",
            }
        )
    assert set(exc.value.fields) == {"name", "gender", "birth_date", "phone", "ethnicity"}


def test_an_impossible_birth_date_is_a_field_error():
    with pytest.raises(ValidationFailed) as exc:
        clean_person(
            {"name": "张三", "id_type": "passport", "id_number": "E12345678", "birth_date": "1990-02-30"}
        )
    assert "birth_date" in exc.value.fields


def test_names_keep_characters_beyond_the_bmp_and_refuse_control_characters():
    assert (
        clean_person({"name": "𠀀小明", "id_type": "passport", "id_number": "E12345678"})["name"] == "𠀀小明"
    )
    with pytest.raises(ValidationFailed) as exc:
        clean_person({"name": "小\x07明", "id_type": "passport", "id_number": "E12345678"})
    assert "name" in exc.value.fields


def test_phone_is_normalised_and_indexed():
    out = clean_person(
        {"name": "李四", "id_type": "passport", "id_number": "E12345678", "phone": "+86 138-0013-8000"}
    )
    assert (out["phone"], out["phone_last4"]) == ("13800138000", "8000")
    assert len(out["phone_index"]) == 64


@pytest.mark.django_db
def test_an_unclaimed_record_cannot_be_taken_over_under_another_name(demo):
    """Applying with someone's ID number must neither overwrite nor claim their record."""
    from zhijia.accounts.services import worker_for_phone
    from zhijia.core.errors import Conflict
    from zhijia.members.models import Membership, Person
    from zhijia.members.services.joining import join_apply
    from zhijia.members.services.people import person_upsert

    victim, _ = person_upsert(
        actor=None,
        data={"name": "王真名", "id_type": "cn_resident", "id_number": VALID, "phone": "13911112222"},
    )
    intruder = worker_for_phone(phone="13933334444")
    with pytest.raises(Conflict) as exc:
        join_apply(
            actor=intruder,
            data={"name": "冒名者", "id_type": "cn_resident", "id_number": VALID},
            work_org_id=demo.org("福保街道").pk,
            notify_employer=False,
            consent_version="2026-11",
            source="h5",
        )
    assert exc.value.code == "person_mismatch"
    victim.refresh_from_db()
    assert (victim.name, victim.phone, victim.user_id) == ("王真名", "13911112222", None)
    assert not Membership.objects.filter(person=victim).exists()
    assert not Person.objects.filter(name="冒名者").exists()
