"""/api/v1/positions: the service network.

Public (no login): the finder `/nearby`, incremental sync (`GET ""`), one position, anonymous
feedback (rate-limited: 429 feedback_rate_limited). Staff: create (positions.manage on the
union), change and delete (positions.manage on the position's union), check a visitor in
(positions.visits): 404 outside the caller's scope, 403 inside without the capability.
Coordinates are accepted and returned in `datum` (wgs84 default, gcj02, bd09); errors name
the field: `{"code": "bad_coordinates", "fields": {"lat": [...]}}`.
"""

import hashlib
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from zhijia.core.errors import field_error
from zhijia.core.masking import mask_name
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.positions import geo, services
from zhijia.positions.permissions import access_position
from zhijia.positions.selectors import (
    position_public_get,
    position_to_dict,
    positions_feed,
    positions_feed_head,
    positions_nearby,
    positions_sync,
)

router = Router(tags=["positions"])
SYNC_PAGE = 500


def _datum(value: str | None) -> str:
    try:
        return geo.parse_datum(value).value
    except geo.GeoError as exc:
        raise field_error(exc.field, exc.message, "bad_datum") from None


@router.get("/nearby", auth=None)
def nearby(
    request: HttpRequest,
    lat: str | None = None,
    lng: str | None = None,
    datum: str | None = None,
    radius_m: str | None = None,
    type: str | None = None,
    facility: list[str] = Query(None),  # noqa: B008  (ninja's way to declare a repeated parameter)
    open_now: bool = False,
    limit: str | None = None,
):
    """Positions within `radius_m` (default 3000, at most 50000) of (lat, lng) in `datum`,
    nearest first: `{"items": [position + "distance_m"], "datum", "radius_m", "count"}`.
    `type`: one position type; `facility`: repeat or comma-separate (all must be present);
    `open_now=true`: only those open now (Asia/Shanghai); `limit` 1-50 (default 20). Items'
    coordinates are in the request's datum. 400 bad_coordinates / bad_radius / bad_datum /
    unknown_facility / bad_limit naming the field."""
    found = positions_nearby(
        lat=lat,
        lng=lng,
        datum=datum,
        radius_m=radius_m,
        kind=type,
        facilities=facility or (),
        open_now=open_now,
        limit=limit,
    )
    out_datum = _datum(datum)
    items = [{**position_to_dict(n.position, out_datum), "distance_m": round(n.distance_m, 1)} for n in found]
    radius = geo.validate_radius(radius_m)
    return {"items": items, "datum": out_datum, "radius_m": radius, "count": len(items)}


def _since(value: str | None, field: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value.strip().replace(" ", "+"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise field_error(field, _("Give an ISO 8601 time with a time zone, e.g. 2026-05-01T08:00:00+08:00."))
    return parsed


@router.get("", auth=None)
def sync(
    request: HttpRequest,
    updated_since: str | None = None,
    cursor: str | None = None,
    changes: str | None = None,
    datum: str | None = None,
):
    """Incremental sync for mini-programs, 500 per page:
    `{"items": [...], "tombstones": [{"id", "deleted_at"}], "next", "until", "changes"}`.

    Recommended (commit-ordered, never misses or repeats a change): a first sync without
    parameters lists every live position (page on with `cursor` = `next`); keep `changes` of
    its first page. Then send `changes=<kept>`: the positions changed since, each once in its
    current state, deleted ones as tombstones; while `next` is not null ask again with
    `changes=<next>`; keep the last page's `changes` for next time.

    Older clients: `updated_since` (an ISO time; `cursor` = `next` to page on, then `until` as
    the next `updated_since`) still works, but can miss a change that commits late.
    400 naming the bad parameter."""
    out_datum = _datum(datum)
    if changes is not None:
        feed_page = positions_feed(cursor=changes, limit=SYNC_PAGE)
        return {
            "items": [position_to_dict(p, out_datum) for p in feed_page.items],
            "tombstones": [
                {"id": str(pk), "deleted_at": deleted.isoformat()} for pk, deleted in feed_page.tombstones
            ],
            "next": feed_page.cursor if feed_page.more else None,
            "until": None,
            "changes": feed_page.cursor,
        }
    head = positions_feed_head() if not cursor else None  # before the listing is read
    since = _since(cursor, "cursor") if cursor else _since(updated_since, "updated_since")
    page = positions_sync(since=since, limit=SYNC_PAGE)
    return {
        "items": [position_to_dict(p, out_datum) for p in page.items],
        "tombstones": [{"id": str(pk), "deleted_at": deleted.isoformat()} for pk, deleted in page.tombstones],
        "next": page.next.isoformat() if page.next else None,
        "until": page.until.isoformat() if page.until else None,
        "changes": head,
    }


class PositionFields(Schema):
    kind: str | None = None
    name: str | None = Field(None, max_length=200)
    code: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=300)
    division_code: str | None = Field(None, max_length=12)
    division_name: str | None = Field(None, max_length=100)
    lat: float | str | None = None
    lng: float | str | None = None
    datum: str | None = Field(None, description="Of lat/lng: wgs84 (default), gcj02 or bd09.")
    phone: str | None = Field(None, max_length=40)
    description: str | None = Field(None, max_length=5000)
    hours: str | dict[str, Any] | None = Field(
        None, description='"Mon-Fri 08:00-20:00; Sat,Sun 09:00-17:00" or {"mon": [["08:00", "20:00"]], …}'
    )
    hours_exceptions: dict[str, Any] | None = Field(None, description='{"2026-10-01": [] (closed), …}')
    hours_note: str | None = Field(None, max_length=200)
    status: str | None = None
    verified: bool | None = None
    facilities: list[str] | None = None
    visitor_groups: list[str] | None = None
    hub_id: UUID | None = None


class PositionIn(PositionFields):
    org_id: UUID


_NULLABLE = {"hub_id", "code"}


def _data(payload: Schema, exclude: set[str] | None = None) -> dict[str, Any]:
    raw = payload.dict(exclude_unset=True, exclude=exclude or set())
    return {k: v for k, v in raw.items() if v is not None or k in _NULLABLE}


@router.post("", response={201: dict})
def create_position(request: HttpRequest, payload: PositionIn):
    """Create a position of union `org_id` (positions.manage there). 400 naming the fields;
    409 duplicate_code, org_dissolved."""
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.POSITIONS_MANAGE)
    position = services.position_create(actor=request.user, org=org, data=_data(payload, {"org_id"}))
    return Status(201, position_to_dict(position_public_get(id=position.pk), _datum(payload.datum)))


@router.get("/{position_id}", auth=None)
def get_position(request: HttpRequest, position_id: str, datum: str | None = None):
    """One non-deleted position (any status), coordinates in `datum`; 404 otherwise."""
    return position_to_dict(position_public_get(id=position_id), _datum(datum))


@router.patch("/{position_id}")
def update_position(request: HttpRequest, position_id: str, payload: PositionFields):
    """Change the fields sent (lat and lng together, in `datum`); `hub_id: null` leaves the
    network. 404 outside your scope, 403 without positions.manage."""
    position = access_position(actor=request.user, id=position_id)
    services.position_update(actor=request.user, position=position, data=_data(payload))
    return position_to_dict(position_public_get(id=position.pk), _datum(payload.datum))


@router.delete("/{position_id}", response={204: None})
def delete_position(request: HttpRequest, position_id: str):
    """Soft-delete: sync reports it as a tombstone from now on."""
    position = access_position(actor=request.user, id=position_id)
    services.position_delete(actor=request.user, position=position)
    return Status(204, None)


class VisitIn(Schema):
    visitor_group: str = Field("", max_length=24)
    services: list[str] = Field(default_factory=list, max_length=20)
    card_token: str = Field("", max_length=500)
    at: datetime | None = None
    note: str = Field("", max_length=200)


@router.post("/{position_id}/visits", response={201: dict})
def record_visit(request: HttpRequest, position_id: str, payload: VisitIn):
    """Check a visitor in (positions.visits on the position's union): anonymous with
    `visitor_group`, or a member by the scanned `card_token`. One visit = one service record.
    400 card_invalid / card_expired (field card_token), unknown_visitor_group, unknown_service."""
    position = access_position(actor=request.user, id=position_id, cap=Cap.POSITIONS_VISITS)
    visit = services.visit_record(actor=request.user, position=position, **payload.dict())
    return Status(
        201,
        {
            "id": str(visit.pk),
            "position_id": str(position.pk),
            "at": visit.at.isoformat(),
            "visitor_group": visit.visitor_group,
            "services": visit.services,
            "member": visit.person_id is not None,
            "name": mask_name(visit.person.name) if visit.person else "",
        },
    )


class FeedbackIn(Schema):
    rating: int
    text: str = Field("", max_length=500)


@router.post("/{position_id}/feedback", auth=None, response={201: dict})
def send_feedback(request: HttpRequest, position_id: str, payload: FeedbackIn):
    """Anonymous feedback on a station: rating 1-5 and an optional comment. At most 3 per hour per
    station and 10 per day from one address (429 feedback_rate_limited)."""
    position = position_public_get(id=position_id)
    client_key = hashlib.sha256(f"feedback:{request.META.get('REMOTE_ADDR', '')}".encode()).hexdigest()[:32]
    feedback = services.feedback_submit(
        position=position, rating=payload.rating, text=payload.text, client_key=client_key
    )
    return Status(201, {"id": str(feedback.pk), "rating": feedback.rating})
