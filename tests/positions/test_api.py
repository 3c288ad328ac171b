"""The staff endpoints of /api/v1/positions: create, change, delete; scoping (404 outside the
caller's subtree, 403 inside without the capability); the public detail."""

from zhijia.core.models import AuditEntry
from zhijia.positions import geo
from zhijia.positions.models import Position

URL = "/api/v1/positions"


def _new(org, **extra):
    return {
        "org_id": str(org.pk),
        "kind": "outdoor_station",
        "name": "福田口岸驿站",
        "address": "福田口岸",
        "lat": 22.52,
        "lng": 114.07,
        **extra,
    }


def test_create_patch_delete(api_client, demo):
    api = api_client.login("futian_staff")
    gcj = geo.wgs84_to_gcj02(22.52, 114.07)
    response = api.post(
        URL,
        _new(
            demo.org("福保街道"),
            lat=gcj[0],
            lng=gcj[1],
            datum="gcj02",
            hours="周一至周五 08:00-20:00",
            facilities=["charging"],
            phone="0755-83000000",
        ),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["datum"] == "gcj02" and abs(body["lat"] - gcj[0]) < 1e-6
    assert body["hours"]["mon"] == [["08:00", "20:00"]] and body["hours"]["sat"] == []
    assert body["kind_label"] and body["org_name"] and body["rooms"] == [] and body["photos"] == []
    stored = Position.objects.get(pk=body["id"])
    assert geo.haversine_m(stored.lat, stored.lng, 22.52, 114.07) < 0.01
    pid = body["id"]
    response = api.patch(f"{URL}/{pid}", {"status": "maintenance", "verified": True})
    assert response.status_code == 200 and response.json()["status"] == "maintenance"
    assert api.get(f"{URL}/{pid}").json()["verified"] is True
    assert api.delete(f"{URL}/{pid}").status_code == 204
    assert api.get(f"{URL}/{pid}").status_code == 404
    assert api.patch(f"{URL}/{pid}", {"name": "x"}).status_code == 404
    actions = set(AuditEntry.objects.filter(object_id=pid).values_list("action", flat=True))
    assert actions == {"position.create", "position.update", "position.delete"}


def test_create_errors(api_client, demo):
    api = api_client.login("futian_staff")
    response = api.post(URL, _new(demo.org("福田区总"), lat="north"))
    assert response.status_code == 400
    assert response.json()["code"] == "bad_coordinates" and "lat" in response.json()["fields"]
    response = api.post(URL, _new(demo.org("福田区总"), hours="whenever"))
    assert response.status_code == 400 and response.json()["code"] == "bad_hours"
    assert api.post(URL, _new(demo.org("福田区总"), code="A1")).status_code == 201
    response = api.post(URL, _new(demo.org("福田区总"), code="A1"))
    assert response.status_code == 409 and response.json()["code"] == "duplicate_code"


def test_futian_staff_cannot_see_or_edit_baoan_position(api_client, demo, make_position):
    baoan = make_position(org_short="宝安区总")
    api = api_client.login("futian_staff")
    assert api.post(URL, _new(demo.org("宝安区总"))).status_code == 404
    assert api.patch(f"{URL}/{baoan.pk}", {"name": "改"}).status_code == 404
    assert api.delete(f"{URL}/{baoan.pk}").status_code == 404
    visit = {"visitor_group": "courier", "services": ["water"]}
    assert api.post(f"{URL}/{baoan.pk}/visits", visit).status_code == 404
    baoan.refresh_from_db()
    assert baoan.deleted_at is None and baoan.name != "改"
    # the public detail stays public
    assert api.get(f"{URL}/{baoan.pk}").status_code == 200


def test_inside_scope_without_capability_is_403(api_client, make_position, user_with_role):
    p = make_position(org_short="福田区总")
    user_with_role("futian_viewer", "viewer", "福田区总")
    keeper = user_with_role("futian_keeper", "station_keeper", "福田区总")
    viewer_api = api_client.login("futian_viewer")
    assert viewer_api.patch(f"{URL}/{p.pk}", {"name": "x"}).status_code == 403
    assert viewer_api.post(f"{URL}/{p.pk}/visits", {"visitor_group": "courier"}).status_code == 403
    keeper_api = type(api_client)().login(keeper.username)
    assert keeper_api.patch(f"{URL}/{p.pk}", {"name": "x"}).status_code == 403
    assert keeper_api.post(f"{URL}/{p.pk}/visits", {"visitor_group": "courier"}).status_code == 201


def test_anonymous_staff_endpoints_are_401(client, make_position, demo):
    p = make_position()
    assert client.post(URL, _new(demo.org("福田区总")), content_type="application/json").status_code == 401
    assert client.patch(f"{URL}/{p.pk}", {}, content_type="application/json").status_code == 401
    assert client.delete(f"{URL}/{p.pk}").status_code == 401


def test_public_detail_datums_and_bad_ids(client, make_position):
    p = make_position(lat=22.54, lng=114.06)
    body = client.get(f"{URL}/{p.pk}", {"datum": "bd09"}).json()
    assert body["datum"] == "bd09"
    assert geo.haversine_m(*geo.to_wgs84(body["lat"], body["lng"], "bd09"), 22.54, 114.06) < 1
    assert client.get(f"{URL}/not-a-uuid").status_code == 404
    assert client.get(f"{URL}/{p.pk}", {"datum": "x"}).status_code == 400


def test_hub_id_through_api(api_client, make_position):
    hub, spoke = make_position(), make_position()
    api = api_client.login("futian_staff")
    assert api.patch(f"{URL}/{spoke.pk}", {"hub_id": str(hub.pk)}).json()["hub_id"] == str(hub.pk)
    assert api.patch(f"{URL}/{spoke.pk}", {"hub_id": None}).json()["hub_id"] is None


def test_patch_with_datum_but_no_coordinates(api_client, make_position):
    p = make_position(lat=22.54, lng=114.06)
    api = api_client.login("futian_staff")
    body = api.patch(f"{URL}/{p.pk}", {"status": "temporarily_closed", "datum": "gcj02"}).json()
    assert body["status"] == "temporarily_closed" and body["datum"] == "gcj02"
    p.refresh_from_db()
    assert (p.lat, p.lng) == (22.54, 114.06)
