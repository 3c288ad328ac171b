from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijia.core.fields import EncryptedTextField
from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import (
    ACTIVE,
    ActivityKind,
    ActivityStatus,
    CheckInMethod,
    Delivery,
    EnrolmentChannel,
    EnrolmentStatus,
)


class Slot(models.Model):
    """Capacity bookkeeping shared by Activity (whole-activity enrolment) and Session (drop-in
    courses with per-session capacity). Changed only by activities.services under the row lock
    that the guarded UPDATE takes:

    - `arrivals`: every enrolment request that got this far takes the next number — its place
      in the arrival order (Enrolment.arrival).
    - `taken`: places held (pending approval, confirmed, offered). Invariant: while anyone is on
      the waiting list, taken == capacity (a freed place goes to the head of the list first).
    - `last_placed`: the arrival number of the last request that got a place, so one
      `UPDATE … SET taken = taken + (taken < capacity), last_placed = CASE … RETURNING` tells the
      caller whether it was placed."""

    capacity = models.PositiveIntegerField(_("capacity"), default=0)
    taken = models.PositiveIntegerField(default=0)
    arrivals = models.BigIntegerField(default=0)
    last_placed = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class Activity(BaseModel, Slot):
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="activities", verbose_name=_("organiser")
    )
    co_organisers = models.ManyToManyField("orgs.Org", blank=True, related_name="co_activities")
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    delivery = models.CharField(
        _("delivery"), max_length=16, choices=Delivery.choices, default=Delivery.OFFLINE
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    service_item = models.ForeignKey(
        "catalog.ServiceItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    plan_entry = models.ForeignKey(
        "catalog.PlanEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    position = models.ForeignKey(
        "positions.Position", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    room = models.ForeignKey(
        "positions.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    place_note = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    per_session = models.BooleanField(_("enrol per session (drop-in)"), default=False)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    waitlist_enabled = models.BooleanField(_("waiting list"), default=True)
    offer_hold_minutes = models.PositiveIntegerField(
        _("hold an offered place for (minutes)"), default=24 * 60
    )
    requires_approval = models.BooleanField(_("approval required"), default=False)
    allow_walk_ins = models.BooleanField(_("walk-ins welcome"), default=False)
    # Eligibility, checked in one place (activities.eligibility) for every channel.
    members_only = models.BooleanField(_("members only"), default=True)
    eligible_org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("members of this union and its subtree"),
    )
    occupations = models.JSONField(_("occupations"), default=list, blank=True)  # members.enums.Occupation
    for_children = models.BooleanField(_("for members' children"), default=False)
    child_age_min = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    child_age_max = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)
    limit_group = models.CharField(
        _("limit group"), max_length=100, blank=True
    )  # e.g. "2027寒假托管": at most limit_count enrolments per person/child across the group
    limit_count = models.PositiveSmallIntegerField(
        _("at most per person in the group"), null=True, blank=True
    )
    # What each enrolment is asked (activities.questions: presets and free questions).
    questions = models.JSONField(_("questions"), default=list, blank=True)
    certificate = models.BooleanField(_("certificate of completion"), default=False)
    materials = models.TextField(_("materials"), blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    NOT_PERSONAL = ("title", "contact", "child_age_min", "child_age_max")  # a public desk; an age rule

    class Meta:
        ordering = ["starts_at", "title"]
        indexes = [
            models.Index(fields=["org", "starts_at"], name="activity_org_start"),
            models.Index(fields=["status", "starts_at"], name="activity_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(taken__lte=models.F("capacity")), name="activity_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Session(BaseModel, Slot):
    """One meeting of an activity. Per-session capacity (Slot) is used only when
    activity.per_session; otherwise the activity's slot counts."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    live_url = models.URLField(_("live stream link"), blank=True)
    replay_url = models.URLField(_("replay link"), blank=True)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(taken__lte=models.F("capacity")), name="session_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.activity} {self.starts_at:%Y-%m-%d %H:%M}"

    def replay_shown(self, at: Any) -> str:
        """The replay link people may follow at `at`: only once the session has ended (before
        that it is a placeholder or a previous recording); "" otherwise."""
        return self.replay_url if self.replay_url and self.ends_at <= at else ""


class Enrolment(BaseModel):
    """A person's (or their child's) enrolment. `holder` is "<person>:<child or ->:<session or ->",
    so one active enrolment per holder per activity is a plain unique constraint on both
    databases (nullable columns would let duplicates through). `arrival` is the slot's arrival
    number: the order that decides who is confirmed and who is offered a freed place."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="enrolments")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="enrolments")
    child = models.ForeignKey(
        "members.FamilyMember", null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    holder = models.CharField(max_length=120)
    status = models.CharField(_("status"), max_length=20, choices=EnrolmentStatus.choices)
    arrival = models.BigIntegerField()
    channel = models.CharField(max_length=8, choices=EnrolmentChannel.choices, default=EnrolmentChannel.SELF)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    # The answers to the activity's questions (JSON {question id: value}, activities.questions):
    # health notes, other people's phones — encrypted at rest, masked wherever shown.
    answers = EncryptedTextField(_("answers"), blank=True)

    PERSONAL_DATA = {
        "person": Category.MEMBERSHIP,
        "child": Category.MINOR,
        "holder": Category.MEMBERSHIP,
        "answers": Category.HEALTH,
    }

    class Meta:
        ordering = ["arrival"]
        indexes = [models.Index(fields=["activity", "status", "arrival"], name="enrolment_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "holder"], condition=Q(status__in=ACTIVE), name="one_active_enrolment"
            ),
            models.UniqueConstraint(  # a key names one request (core.idempotency), whatever the activity
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="enrolment_idempotency_per_creator",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="enrolment_rating"
            ),
        ]


class Attendance(BaseModel):
    """Someone attended a session: an enrolled person/child, a member card scanned at the door,
    or an anonymous walk-in with a visitor group. `holder` as on Enrolment ("anon:<uuid>" for an
    anonymous walk-in), unique per session, so a repeated scan changes nothing. Each attendance
    is one records.ServiceRecord (source=activity, source_id=attendance.id)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances")
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances"
    )
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances"
    )
    child = models.ForeignKey(
        "members.FamilyMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances"
    )
    holder = models.CharField(max_length=120)
    visitor_group = models.CharField(_("visitor group"), max_length=24, blank=True)
    method = models.CharField(max_length=16, choices=CheckInMethod.choices)
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    PERSONAL_DATA = {"person": Category.MEMBERSHIP, "child": Category.MINOR, "holder": Category.MEMBERSHIP}

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "holder"], name="one_attendance_per_holder")
        ]
