"""Position services: validation naming fields, datum conversion on input, hub rules, codes,
soft delete, rooms and photos, audit entries."""

import pytest

from zhijia.core.errors import Conflict, ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.positions import geo
from zhijia.positions.enums import FACILITY_BITS
from zhijia.positions.models import Position
from zhijia.positions.services import (
    photo_add,
    photo_delete,
    position_create,
    position_delete,
    position_update,
    room_delete,
    room_save,
)


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


PNG = _png()


class Upload:
    def __init__(self, content: bytes):
        self.content, self.size, self.pos = content, len(content), 0

    def seek(self, n):
        self.pos = n

    def read(self, n=-1):
        return self.content[self.pos :] if n < 0 else self.content[self.pos : self.pos + n]


def test_create_stores_wgs84_and_facility_bits(make_position, demo):
    gcj = geo.wgs84_to_gcj02(22.54, 114.06)
    p = make_position(lat=gcj[0], lng=gcj[1], datum="gcj02", facilities=["toilet", "charging", "toilet"])
    p.refresh_from_db()
    assert abs(p.lat - 22.54) < 1e-8 and abs(p.lng - 114.06) < 1e-8
    assert p.facilities == ["charging", "toilet"]  # enum order, no duplicates
    assert p.facility_bits == FACILITY_BITS["charging"] | FACILITY_BITS["toilet"]
    entry = AuditEntry.objects.get(action="position.create", object_id=str(p.pk))
    assert entry.org_id == demo.org("福田区总").pk


def test_create_names_every_bad_field(demo):
    admin = demo.user("province_admin")
    with pytest.raises(ValidationFailed) as err:
        position_create(
            actor=admin,
            org=demo.org("福田区总"),
            data={
                "kind": "nope",
                "name": "",
                "address": "x",
                "lat": 91,
                "lng": 10,
                "facilities": ["teleporter"],
            },
        )
    assert set(err.value.fields) == {"kind", "name", "lat", "facilities"}


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"lat": "abc", "lng": 114}, "lat", "bad_coordinates"),
        ({"lat": 22.5, "lng": 181}, "lng", "bad_coordinates"),
        ({"lat": 22.5}, "lng", "bad_coordinates"),
        ({"lat": 22.5, "lng": 114, "datum": "mars"}, "datum", "bad_datum"),
        ({"hours": "Mon-Fri 25:00-26:00"}, "hours", "bad_hours"),
        ({"hours_exceptions": {"2026-13-01": []}}, "hours_exceptions", "bad_hours"),
        ({"facilities": ["toilet", "jacuzzi"]}, "facilities", "unknown_facility"),
        ({"phone": "13800001111"}, "phone", "mobile_not_published"),
        ({"status": "gone"}, "status", "invalid"),
    ],
)
def test_update_errors_name_the_field(make_position, demo, data, field, code):
    p = make_position()
    with pytest.raises(ValidationFailed) as err:
        position_update(actor=demo.user("province_admin"), position=p, data=data)
    assert field in err.value.fields
    assert err.value.code == code


def test_update_partial_hours_text_and_audit(make_position, demo):
    p = make_position(phone="0755-8888 6666")
    position_update(
        actor=demo.user("futian_staff"),
        position=p,
        data={"hours": "Mon-Fri 08:00-20:00; Sat,Sun 09:00-17:00", "hours_exceptions": {"2026-10-01": []}},
    )
    p.refresh_from_db()
    assert p.hours["mon"] == [["08:00", "20:00"]] and p.hours["sun"] == [["09:00", "17:00"]]
    assert p.hours_exceptions == {"2026-10-01": []}
    assert p.phone == "0755-8888 6666"  # untouched
    entry = AuditEntry.objects.filter(action="position.update", object_id=str(p.pk)).get()
    assert entry.data["fields"] == ["hours", "hours_exceptions"]


def test_unchanged_update_writes_no_audit(make_position, demo):
    p = make_position()
    position_update(actor=demo.user("province_admin"), position=p, data={"name": p.name})
    assert not AuditEntry.objects.filter(action="position.update", object_id=str(p.pk)).exists()


def test_duplicate_code_is_409(make_position):
    make_position(code="SZ-001")
    with pytest.raises(Conflict) as err:
        make_position(code="SZ-001")
    assert err.value.code == "duplicate_code" and "code" in err.value.fields


def test_hub_must_be_managed_and_one_level(make_position, demo):
    hub = make_position(name="河套中心")
    spoke = make_position(name="驿站", hub_id=str(hub.pk))
    assert spoke.hub_id == hub.pk
    other = make_position(name="宝安站", org_short="宝安区总")
    futian = demo.user("futian_staff")
    with pytest.raises(ValidationFailed) as err:
        position_update(actor=futian, position=spoke, data={"hub_id": str(other.pk)})
    assert err.value.code == "hub_not_allowed"
    with pytest.raises(ValidationFailed):  # a spoke cannot be a hub
        position_update(actor=futian, position=make_position(), data={"hub_id": str(spoke.pk)})
    with pytest.raises(ValidationFailed):  # a hub with spokes cannot join another hub
        position_update(actor=futian, position=hub, data={"hub_id": str(make_position().pk)})
    with pytest.raises(ValidationFailed):
        position_update(actor=futian, position=hub, data={"hub_id": str(hub.pk)})
    position_update(actor=futian, position=spoke, data={"hub_id": None})
    spoke.refresh_from_db()
    assert spoke.hub_id is None


def test_delete_is_soft_and_frees_spokes(make_position, demo):
    hub = make_position()
    spoke = make_position(hub_id=str(hub.pk))
    position_delete(actor=demo.user("futian_staff"), position=hub)
    hub.refresh_from_db()
    spoke.refresh_from_db()
    assert hub.deleted_at is not None and spoke.hub_id is None
    assert Position.objects.filter(pk=hub.pk).exists()
    with pytest.raises(Conflict):
        position_delete(actor=demo.user("futian_staff"), position=hub)
    with pytest.raises(Conflict):
        position_update(actor=demo.user("futian_staff"), position=hub, data={"name": "x"})


def test_rooms(make_position, demo):
    p = make_position()
    before = Position.objects.get(pk=p.pk).updated_at
    actor = demo.user("futian_staff")
    room = room_save(actor=actor, position=p, data={"name": "多功能室", "category": "活动", "capacity": "40"})
    assert room.capacity == 40
    assert Position.objects.get(pk=p.pk).updated_at > before
    with pytest.raises(Conflict):
        room_save(actor=actor, position=p, data={"name": "多功能室"})
    with pytest.raises(ValidationFailed) as err:
        room_save(actor=actor, position=p, data={"name": "x", "capacity": "-3"})
    assert "capacity" in err.value.fields
    room_save(actor=actor, position=p, room=room, data={"name": "大会议室", "capacity": 60})
    room.refresh_from_db()
    assert room.name == "大会议室"
    room_delete(actor=actor, room=room)
    assert not p.rooms.exists()
    assert AuditEntry.objects.filter(action="position.room_delete").count() == 1


def test_photos_sniff_content(make_position, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = make_position()
    actor = demo.user("futian_staff")
    photo = photo_add(actor=actor, position=p, upload=Upload(PNG), caption="门口")
    assert photo.image.name.endswith(".png")
    with pytest.raises(ValidationFailed) as err:
        photo_add(actor=actor, position=p, upload=Upload(b"<svg onload=alert(1)>"))
    assert err.value.code == "bad_photo"
    with pytest.raises(ValidationFailed):
        photo_add(actor=actor, position=p, upload=Upload(b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024)))
    photo_delete(actor=actor, photo=photo)
    assert not p.photos.exists()
