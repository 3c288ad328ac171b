"""Permission-matrix entries for the positions routes (merged into tests/matrix/table.ROUTES)."""

from .table import Check

ROUTES: dict = {}


def extend(unit: dict, demo) -> None:
    """Add this domain's objects for one unit of the matrix world: `unit["org"]` is the unit,
    `unit["user"]` a viewer there. Put objects under keys that Check.target names, and any
    extra URL parameter values in `unit["url_values"]`."""
    api_objects(unit)
    console_objects(unit)


def snapshot() -> list:
    """Rows a denied request must not change."""
    return [*api_snapshot(), *console_snapshot()]


# --- API routes /api/v1/positions (helper A) ----------------------------------------------------
from zhijia.orgs.capabilities import Cap as _ApiCap  # noqa: E402

from .reference import scoped as _api_scoped  # noqa: E402


def _api_pos(cap, method, body=lambda org, o: {}):
    """An API call on the unit's position, checked against `cap` on its union."""
    return Check(
        "rule",
        method,
        api=True,
        target="position",
        rule=lambda u, org, o: _api_scoped(u, cap, org),
        body=body,
    )


ROUTES.update(
    {
        "/api/v1/positions": [
            Check("public"),  # incremental sync
            Check(
                "rule",
                "post",
                api=True,
                rule=lambda u, org, o: _api_scoped(u, _ApiCap.POSITIONS_MANAGE, org),
                body=lambda org, o: {
                    "org_id": str(org.pk),
                    "kind": "outdoor_station",
                    "name": "矩阵新驿站",
                    "address": "矩阵路2号",
                    "lat": 22.5,
                    "lng": 114.0,
                },
            ),
        ],
        "/api/v1/positions/nearby": [Check("public", body=lambda org, o: {"lat": 22.5, "lng": 114.0})],
        "/api/v1/positions/<position_id>": [
            Check("public", target="position"),
            _api_pos(_ApiCap.POSITIONS_MANAGE, "patch", body=lambda org, o: {"name": "矩阵改名"}),
            _api_pos(_ApiCap.POSITIONS_MANAGE, "delete"),
        ],
        "/api/v1/positions/<position_id>/visits": [
            _api_pos(
                _ApiCap.POSITIONS_VISITS,
                "post",
                body=lambda org, o: {"visitor_group": "courier", "services": ["water"]},
            ),
        ],
        "/api/v1/positions/<position_id>/feedback": [
            Check(
                "public", "post", api=True, target="position", body=lambda org, o: {"rating": 5, "text": "好"}
            )
        ],
    }
)


def api_objects(unit: dict) -> None:
    """For the API routes: one station owned by the unit (`position`, URL value `position_id`)."""
    from zhijia.positions.models import Position

    org = unit["org"]
    if "position" not in unit:
        unit["position"] = Position.objects.create(
            org=org,
            kind="outdoor_station",
            name=f"矩阵驿站{org.pk}",
            address="矩阵路1号",
            lat=22.5,
            lng=114.0,
        )
    unit["url_values"]["position_id"] = unit["position"].pk


def api_snapshot() -> list:
    """Rows a denied API request must not change: positions, visits, the ledger, feedback."""
    from zhijia.positions.models import Feedback, Position, Visit
    from zhijia.records.models import ServiceRecord

    return [
        list(
            Position.objects.order_by("pk").values_list(
                "pk", "name", "org_id", "status", "hub_id", "deleted_at", "updated_at"
            )
        ),
        list(Visit.objects.order_by("pk").values_list("pk", "position_id")),
        list(Feedback.objects.order_by("pk").values_list("pk")),
        list(ServiceRecord.objects.order_by("pk").values_list("pk", "source_id")),
    ]


# --- console and H5 pages (helper B) -----------------------------------------------------------
from zhijia.orgs.capabilities import Cap as _Cap  # noqa: E402

from .reference import has as _has  # noqa: E402
from .reference import scoped as _scoped  # noqa: E402


def _any(*caps):
    """A page not tied to one object: one of `caps` somewhere, else 403."""
    return lambda u, org, o: next((r for r in (_has(u, c) for c in caps) if r is None), 403)


def _pos(cap=_Cap.POSITIONS_MANAGE, method="get", **kw):
    """A position (or its room / photo) checked against `cap` on its union."""
    return Check("rule", method, target="position", rule=lambda u, org, o: _scoped(u, cap, org), **kw)


_MANAGE_OR_VISITS = _any(_Cap.POSITIONS_MANAGE, _Cap.POSITIONS_VISITS)
ROUTES.update(
    {
        "/console/positions/": [Check("rule", rule=_MANAGE_OR_VISITS)],
        "/console/positions/new/": [Check("rule", rule=_any(_Cap.POSITIONS_MANAGE))],
        "/console/positions/import/": [Check("rule", rule=_any(_Cap.POSITIONS_MANAGE))],
        "/console/positions/import/<uuid:pk>/": [
            Check(
                "rule",
                target="position_import",
                rule=lambda u, org, o: _scoped(u, _Cap.POSITIONS_MANAGE, org),
            )
        ],
        "/console/positions/import/<uuid:pk>/errors.xlsx": [
            Check(
                "rule",
                target="position_import",
                rule=lambda u, org, o: _scoped(u, _Cap.POSITIONS_MANAGE, org),
            )
        ],
        "/console/positions/export.xlsx": [Check("rule", rule=_MANAGE_OR_VISITS)],
        "/console/positions/template.xlsx": [Check("staff")],  # an empty template
        "/console/positions/poi/": [Check("rule", rule=_MANAGE_OR_VISITS)],
        "/console/positions/visits/new/": [
            Check("rule", rule=_any(_Cap.POSITIONS_VISITS)),
            Check(
                "rule",
                "post",
                rule=_any(_Cap.POSITIONS_VISITS),
                body=lambda org, o: {"position": str(o["position"].pk), "visitor_group": "courier"},
            ),
        ],
        "/console/positions/visits/stats/": [Check("rule", rule=_any(_Cap.POSITIONS_VISITS))],
        "/console/positions/today/": [Check("rule", rule=_any(_Cap.POSITIONS_VISITS))],
        "/console/positions/<uuid:pk>/": [_pos()],
        "/console/positions/<uuid:pk>/edit/": [_pos()],
        "/console/positions/<uuid:pk>/hours/": [_pos()],
        "/console/positions/<uuid:pk>/delete/": [_pos(), _pos(method="post")],
        "/console/positions/<uuid:pk>/rooms/new/": [_pos()],
        "/console/positions/<uuid:pk>/rooms/<uuid:room_id>/delete/": [_pos(method="post")],
        "/console/positions/<uuid:pk>/photos/new/": [_pos()],
        "/console/positions/<uuid:pk>/photos/<uuid:photo_id>/delete/": [_pos(method="post")],
        "/console/records/": [Check("rule", rule=_any(_Cap.RECORDS_VIEW))],
        "/console/records/export.xlsx": [Check("rule", rule=_any(_Cap.RECORDS_VIEW))],
        "/h5/stations/": [Check("public")],
        "/h5/stations/<uuid:pk>/": [Check("public", target="position")],
        "/h5/stations/<uuid:pk>/feedback/": [
            Check("public", "post", target="position", body=lambda org, o: {"rating": "5", "text": "好"})
        ],
    }
)


def console_objects(unit: dict) -> None:
    """For the console / H5 routes: a station of the unit with a room and a photo, and a
    positions import job (kept apart from the API's objects; called from extend)."""
    from zhijia.core.models import ImportJob
    from zhijia.positions.models import Position, PositionPhoto, Room
    from zhijia.positions.permissions import POSITION_IMPORT_KIND

    org = unit["org"]
    position = unit.get("position") or Position.objects.create(
        org=org, kind="outdoor_station", name=f"矩阵驿站{org.pk}", address="矩阵路1号", lat=22.5, lng=114.0
    )
    unit["position"] = position
    unit["position_import"] = ImportJob.objects.create(
        kind=POSITION_IMPORT_KIND, org=org, created_by=unit["user"], filename="p.xlsx", source=b""
    )
    room = Room.objects.create(position=position, name=f"矩阵室{org.pk}")
    photo = PositionPhoto.objects.create(position=position, image="positions/matrix.png")
    unit["url_values"].update({"room_id": room.pk, "photo_id": photo.pk})


def console_snapshot() -> list:
    """Rows a denied console request must not change (called from snapshot)."""
    from zhijia.positions.models import Position, PositionPhoto, Room, Visit

    return [
        list(
            Position.objects.order_by("pk").values_list(
                "pk", "name", "status", "hours", "deleted_at", "updated_at"
            )
        ),
        list(Room.objects.order_by("pk").values_list("pk", "name")),
        list(PositionPhoto.objects.order_by("pk").values_list("pk")),
        Visit.objects.count(),
    ]
