"""Expert services (基层点单、工会派单、专家接单): menus, the expert pool, needs surveys, orders and
budgets. Writes go through dispatch.services only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijia.core.fields import EncryptedTextField
from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import (
    ExpertKind,
    ItemFormat,
    MenuStatus,
    NeedSource,
    NeedStatus,
    OrderStatus,
    Payer,
    SurveyStatus,
)


class Menu(BaseModel):
    """One version of a union's service menu (服务菜单). Versions of the same menu share `family`;
    at most one is published and one is a draft. A published version never changes: editing
    starts a draft copied from it (items keep their `code`), publishing it supersedes the old one.
    Orders point at the item of the version they were placed from."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="menus")
    family = models.UUIDField(db_index=True)
    number = models.PositiveIntegerField(default=1)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    payer = models.CharField(_("who pays"), max_length=12, choices=Payer.choices, default=Payer.DISPATCHING)
    status = models.CharField(max_length=12, choices=MenuStatus.choices, default=MenuStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["title", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["family", "number"], name="menu_version_number"),
            models.UniqueConstraint(fields=["family"], condition=Q(status="draft"), name="one_draft_menu"),
            models.UniqueConstraint(
                fields=["family"], condition=Q(status="published"), name="one_published_menu"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MenuItem(BaseModel):
    """A service on a menu. `code` is stable across versions (experts' specialties name codes)."""

    menu = models.ForeignKey(Menu, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=40)
    category = models.CharField(_("category"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=16, choices=ItemFormat.choices)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=120)
    audience_min = models.PositiveIntegerField(_("smallest audience"), default=1)
    audience_max = models.PositiveIntegerField(_("largest audience"), default=100)
    cost = models.DecimalField(_("cost standard (yuan)"), max_digits=10, decimal_places=2, default=0)
    qualification = models.CharField(
        _("qualification required"), max_length=100, blank=True
    )  # e.g. "心理咨询师": the expert needs an unexpired certificate of that name
    orderable_org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who may order (union and its subtree)"),
    )  # empty: the menu's union and its subtree
    paused = models.BooleanField(_("paused"), default=False)
    order = models.PositiveIntegerField(default=0)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["order", "category", "title"]
        constraints = [
            models.UniqueConstraint(fields=["menu", "code"], name="menu_item_code"),
            models.CheckConstraint(
                condition=Q(audience_max__gte=models.F("audience_min")), name="menu_item_audience"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="menu_item_cost"),
        ]

    def __str__(self) -> str:
        return self.title


class Expert(BaseModel):
    """An expert or a team in a union's pool (专家库). `user` is their login to the expert
    workspace (H5); they see only orders dispatched to them."""

    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="experts", verbose_name=_("pool of")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ExpertKind.choices, default=ExpertKind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)  # 国家二级心理咨询师, 劳动模范
    bio = models.TextField(_("introduction"), blank=True)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="expert"
    )
    members = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="teams", verbose_name=_("team members")
    )
    specialties = models.JSONField(_("specialties (menu item codes)"), default=list, blank=True)
    service_areas = models.ManyToManyField(
        "orgs.Org", blank=True, related_name="+", verbose_name=_("service area (unions and subtrees)")
    )  # empty: the pool's union and its subtree
    monthly_capacity = models.PositiveSmallIntegerField(_("orders per month at most"), default=8)
    active = models.BooleanField(_("active"), default=True)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)

    PERSONAL_DATA = {"name": Category.IDENTITY, "phone": Category.CONTACT, "user": Category.IDENTITY}
    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None


class Qualification(BaseModel):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="qualifications")
    name = models.CharField(_("qualification"), max_length=100)
    certificate_no = models.CharField(_("certificate number"), max_length=64, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)  # empty: does not expire

    PERSONAL_DATA = {"certificate_no": Category.IDENTITY}
    NOT_PERSONAL = ("name",)  # the qualification's name (心理咨询师), not a person's

    class Meta:
        ordering = ["name"]


class Unavailability(BaseModel):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="unavailable")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="unavailable_range")
        ]


class Budget(BaseModel):
    """A unit's yearly budget for expert services. `committed` grows when an order is accepted
    and moves to `spent` when it is settled; cancelling an accepted order gives it back. Changed
    only by guarded UPDATEs in dispatch.services.budget (never below zero; over `amount` only
    when a dispatcher with dispatch.budget overrode it — the reports show the overrun)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="expert_budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2)
    committed = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    spent = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="one_budget_per_year"),
            models.CheckConstraint(
                condition=Q(amount__gte=0, committed__gte=0, spent__gte=0), name="budget_not_negative"
            ),
        ]


class NeedSurvey(BaseModel):
    """需求调研: a union collects needs from its workers and grassroots unions."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="need_surveys")
    menu = models.ForeignKey(Menu, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    status = models.CharField(max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.OPEN)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["-created_at"]


class Need(BaseModel):
    survey = models.ForeignKey(NeedSurvey, on_delete=models.CASCADE, related_name="needs")
    source = models.CharField(max_length=8, choices=NeedSource.choices)
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union")
    )  # the grassroots union it comes from (a worker's: their membership's union)
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item = models.ForeignKey(MenuItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("what is needed"), blank=True)
    people = models.PositiveIntegerField(_("how many people"), null=True, blank=True)
    status = models.CharField(max_length=8, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    order = models.ForeignKey(
        "ServiceOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    PERSONAL_DATA = {"person": Category.MEMBERSHIP}

    class Meta:
        ordering = ["-created_at"]


class ServiceOrder(BaseModel):
    """An order from a menu. `org` ordered it; `menu.org` dispatches it (`dispatcher`, kept on the
    row for scoping). `expert` is the current assignee: re-dispatch replaces it, and the previous
    expert loses sight of the order on their next request. On PostgreSQL an exclusion constraint
    (migration 0002) keeps one expert from holding two booked orders at overlapping times."""

    number = models.CharField(_("order number"), max_length=20, unique=True)
    item = models.ForeignKey(MenuItem, on_delete=models.PROTECT, related_name="orders")
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="expert_orders", verbose_name=_("ordered by")
    )
    dispatcher = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="dispatched_orders", verbose_name=_("dispatcher")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    wanted_from = models.DateField(_("wanted from"))
    wanted_to = models.DateField(_("wanted until"))
    place = models.CharField(_("place"), max_length=200)
    audience = models.PositiveIntegerField(_("expected attendance"))
    note = models.TextField(_("note"), blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    cost = models.DecimalField(_("cost (yuan)"), max_digits=10, decimal_places=2, default=0)
    budget = models.ForeignKey(Budget, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    budget_override = models.BooleanField(default=False)
    expert = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accept_by = models.DateTimeField(null=True, blank=True, db_index=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    expert_note = models.CharField(
        _("note from the expert"), max_length=300, blank=True
    )  # what the expert said when accepting and proposing the time (the union sees it)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attendees = models.PositiveIntegerField(_("attendees"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    dispute_reason = models.CharField(_("reason"), max_length=300, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)  # by the ordering union
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    expert_rating = models.PositiveSmallIntegerField(null=True, blank=True)  # the expert rates the union
    expert_comment = models.CharField(max_length=500, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, blank=True)

    PERSONAL_DATA = {"contact_name": Category.CONTACT, "contact_phone": Category.CONTACT}

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["dispatcher", "status"], name="order_dispatcher_status"),
            models.Index(fields=["org", "status"], name="order_org_status"),
            models.Index(fields=["expert", "status"], name="order_expert_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(wanted_to__gte=models.F("wanted_from")), name="order_wanted_range"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="order_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="order_rating"
            ),
            models.CheckConstraint(
                condition=Q(expert_rating__isnull=True) | Q(expert_rating__gte=1, expert_rating__lte=5),
                name="order_expert_rating",
            ),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotency",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderEvent(BaseModel):
    """The order's timeline: every transition, with the expert concerned and a note."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=OrderStatus.choices)
    expert = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "created_at"]


class OrderPhoto(BaseModel):
    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="dispatch/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]


class OrderAttendance(BaseModel):
    """A worker checked in at the delivered service (member card scanned by the expert, or the
    order's rotating code on the worker's phone). One per person per order; each is one
    records.ServiceRecord (source=expert, source_id=attendance.id)."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    PERSONAL_DATA = {"person": Category.MEMBERSHIP}

    class Meta:
        ordering = ["at"]
        constraints = [models.UniqueConstraint(fields=["order", "person"], name="one_order_attendance")]
