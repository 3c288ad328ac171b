from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import PositionKind, PositionStatus, VisitorGroup


class Position(BaseModel):
    """A service position (阵地): a station, centre, reading room… owned by one union.

    Coordinates are stored in WGS-84 (`lat`, `lng`); interfaces accept and return GCJ-02 and
    BD-09 through positions.geo. `hours` / `hours_exceptions` hold positions.hours JSON.
    `facilities` is the list of Facility codes; `facility_bits` is the same set as a bit mask
    (enums.FACILITY_BITS) so the finder filters with one integer test on both databases — the
    services keep the two in step. Deleting is soft (`deleted_at`), so incremental sync can
    report tombstones. `code` is an optional station code, unique when given, used by imports
    to update rather than duplicate."""

    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="positions", verbose_name=_("union")
    )
    kind = models.CharField(_("type"), max_length=24, choices=PositionKind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("station code"), max_length=40, null=True, blank=True, unique=True)
    address = models.CharField(_("address"), max_length=300)
    division_code = models.CharField(_("administrative division code"), max_length=12, blank=True)
    division_name = models.CharField(_("administrative division"), max_length=100, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"))
    lng = models.FloatField(_("longitude (WGS-84)"))
    phone = models.CharField(_("service phone"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    hours = models.JSONField(_("weekly opening hours"), default=dict, blank=True)
    hours_exceptions = models.JSONField(_("opening-hour exceptions"), default=dict, blank=True)
    hours_note = models.CharField(_("note on hours"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=PositionStatus.choices, default=PositionStatus.OPEN
    )
    verified = models.BooleanField(_("verified"), default=False)
    facilities = models.JSONField(_("facilities"), default=list, blank=True)
    facility_bits = models.BigIntegerField(default=0)
    visitor_groups = models.JSONField(_("visitor groups served"), default=list, blank=True)
    hub = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spokes",
        verbose_name=_("hub"),
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    NOT_PERSONAL = ("name", "phone", "address", "division_name")  # a station: public name, desk phone, place

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["lat", "lng"], name="position_lat_lng"),
            models.Index(fields=["updated_at"], name="position_updated"),
            models.Index(fields=["org", "kind"], name="position_org_kind"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(lat__gte=-90, lat__lte=90), name="position_lat_range"),
            models.CheckConstraint(condition=Q(lng__gte=-180, lng__lte=180), name="position_lng_range"),
        ]

    def __str__(self) -> str:
        return self.name


class Room(BaseModel):
    """A function room of a position (大朗: 24 rooms in 4 categories)."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=50, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    NOT_PERSONAL = ("name",)

    class Meta:
        ordering = ["category", "name"]
        constraints = [models.UniqueConstraint(fields=["position", "name"], name="room_name_unique")]

    def __str__(self) -> str:
        return self.name


class PositionPhoto(BaseModel):
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="positions/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "created_at"]


class Visit(BaseModel):
    """A visitor checked in at a station: a member (card scanned: `person` set) or anonymous with
    a visitor group. `services` are VisitService codes. Each visit is also a records.ServiceRecord."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="visits")
    at = models.DateTimeField(_("time"), db_index=True)
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="station_visits"
    )
    visitor_group = models.CharField(_("visitor group"), max_length=24, choices=VisitorGroup.choices)
    services = models.JSONField(_("services given"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    PERSONAL_DATA = {"person": Category.MEMBERSHIP}

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["position", "at"], name="visit_position_at")]


class Feedback(BaseModel):
    """Anonymous feedback on a station (rate-limited per client in the service)."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.CharField(_("comment"), max_length=500, blank=True)

    PERSONAL_DATA = {"text": Category.IDENTITY}  # free text may name someone

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating")
        ]


class PositionChange(models.Model):
    """The sync change feed: one row per change of a position (save, delete, rooms or photos
    touched), written in the changing transaction. On PostgreSQL `txid` is that transaction's
    id (txid_current()); readers only take rows whose transaction is older than every one
    still in flight (txid_snapshot_xmin), in (txid, seq) order, so a change that commits late
    is never skipped by a cursor that has moved on. SQLite has one writer at a time, so `seq`
    alone is commit order there (txid 0). See positions.selectors.feed."""

    seq = models.BigAutoField(primary_key=True)
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    txid = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["txid", "seq"], name="position_change_order")]

    def __str__(self) -> str:
        return f"{self.txid}:{self.seq}"
