"""Benefits (普惠): voucher campaigns, release rounds, vouchers, lotteries, merchants and
redemption. Writes go through benefits.services only.

Stock is scarce and locked in the database: a round's `claimed` grows only through one guarded
`UPDATE … SET claimed = claimed + 1 WHERE claimed < stock` (a check constraint backs it), and a
voucher's `claim_key` is unique per campaign, so no round oversells and no person (one Person
per normalised ID number, whatever accounts they have) holds more than the campaign allows."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijia.core.fields import EncryptedTextField
from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import Allocation, CampaignStatus, EntryStatus, Experience, VoucherKind, VoucherStatus


class Merchant(BaseModel):
    """A partner merchant signed by a union (`org`); its cashiers redeem at its outlets."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="merchants")
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    PERSONAL_DATA = {"contact_name": Category.CONTACT, "contact_phone": Category.CONTACT}
    NOT_PERSONAL = ("name",)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Outlet(BaseModel):
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="outlets")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    NOT_PERSONAL = ("name", "address")  # a shop

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cashier(BaseModel):
    """商户核销员: a user who may redeem at an outlet (with the benefits.redeem capability)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cashier_at")
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="cashiers")

    PERSONAL_DATA = {"user": Category.IDENTITY}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "outlet"], name="one_cashier_per_outlet")]


class Campaign(BaseModel):
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("funding union")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("voucher kind"), max_length=12, choices=VoucherKind.choices)
    experience = models.CharField(_("experience"), max_length=16, choices=Experience.choices, blank=True)
    face_value = models.DecimalField(_("face value (yuan)"), max_digits=10, decimal_places=2)
    threshold = models.DecimalField(
        _("minimum bill (yuan)"), max_digits=10, decimal_places=2, default=0
    )  # 满 threshold 减 face_value
    total = models.PositiveIntegerField(_("total quantity"))
    allocation = models.CharField(
        _("allocation"), max_length=12, choices=Allocation.choices, default=Allocation.FIRST_COME
    )
    carry_over = models.BooleanField(_("unclaimed stock carries over to the next round"), default=True)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    valid_days = models.PositiveSmallIntegerField(
        _("valid for days after claiming"), null=True, blank=True
    )  # empty: until valid_until
    merchants = models.ManyToManyField(Merchant, blank=True, related_name="campaigns")
    outlets = models.ManyToManyField(Outlet, blank=True, related_name="campaigns")  # empty: all outlets
    # Eligibility, checked in one place (benefits.eligibility) for claims and lottery entries.
    eligible_org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("members of this union and its subtree"),
    )  # empty: the funding union's subtree
    occupations = models.JSONField(_("occupations"), default=list, blank=True)  # members.enums.Occupation
    joined_before = models.DateField(_("joined before"), null=True, blank=True)
    per_person = models.PositiveSmallIntegerField(_("at most per person"), default=1)
    per_day = models.BooleanField(_("one per person per day"), default=False)
    # Lottery: register in the window, draw with the seed whose SHA-256 was published in advance.
    register_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    register_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    seed_hash = models.CharField(max_length=64, blank=True)  # published when the campaign is
    seed = models.CharField(max_length=64, blank=True)  # revealed at the draw
    entries_count = models.PositiveIntegerField(default=0)  # lottery entry numbers, guarded counter
    drawn_at = models.DateTimeField(null=True, blank=True)
    reserve_list = models.BooleanField(_("keep a reserve list"), default=True)
    redeem_within_days = models.PositiveSmallIntegerField(
        _("winners must redeem within (days)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")), name="campaign_validity"
            ),
            models.CheckConstraint(condition=Q(face_value__gt=0, threshold__gte=0), name="campaign_values"),
            models.CheckConstraint(condition=Q(per_person__gte=1), name="campaign_per_person"),
        ]

    def __str__(self) -> str:
        return self.title


class Round(BaseModel):
    """A release round with its own stock (e.g. 1,000 a day at 10:00). `claimed` changes only by
    the guarded UPDATE in benefits.services.claim. With carry-over, a round's leftover is moved
    to the next round once it has closed (`carried` marks it done)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    stock = models.PositiveIntegerField(_("stock"))
    claimed = models.PositiveIntegerField(default=0)
    carried = models.BooleanField(default=False)

    class Meta:
        ordering = ["campaign", "number"]
        indexes = [models.Index(fields=["campaign", "opens_at"], name="round_campaign_opens")]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="round_number"),
            models.CheckConstraint(condition=Q(claimed__lte=models.F("stock")), name="round_not_oversold"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="round_window"),
        ]


class Voucher(BaseModel):
    """A voucher held by a member: never without a person, not transferable. `claim_key` is
    "<person>:<n>" (the n-th of at most `per_person`) or "<person>:<YYYY-MM-DD>" (one a day),
    unique per campaign; revoking frees it. `code` is random; the QR carries it signed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="vouchers")
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.PROTECT, related_name="vouchers")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="vouchers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # the account that claimed it
    claim_key = models.CharField(max_length=80)
    code = models.CharField(max_length=16, unique=True)
    status = models.CharField(max_length=12, choices=VoucherStatus.choices, default=VoucherStatus.CLAIMED)
    face_value = models.DecimalField(max_digits=10, decimal_places=2)
    threshold = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    claimed_at = models.DateTimeField()
    valid_from = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # expired or revoked
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    PERSONAL_DATA = {
        "person": Category.MEMBERSHIP,
        "claim_key": Category.MEMBERSHIP,
        "user": Category.IDENTITY,
    }

    class Meta:
        ordering = ["-claimed_at"]
        indexes = [
            models.Index(fields=["campaign", "status"], name="voucher_campaign_status"),
            models.Index(fields=["person", "status"], name="voucher_person_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "claim_key"], name="voucher_claim_key"),
            models.UniqueConstraint(  # a key names one request (core.idempotency), whatever the campaign
                fields=["user", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="voucher_idempotency_per_user",
            ),
        ]


class Redemption(BaseModel):
    """A voucher redeemed at a till. At most one live (not reversed) redemption per voucher — a
    unique constraint, besides the guarded status UPDATE. Each is one records.ServiceRecord."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="redemptions")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="redemptions")
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    bill = models.DecimalField(_("bill (yuan)"), max_digits=10, decimal_places=2)
    face_value = models.DecimalField(max_digits=10, decimal_places=2)
    at = models.DateTimeField(db_index=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverse_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["outlet", "at"], name="redemption_outlet_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["voucher"], condition=Q(reversed_at__isnull=True), name="one_live_redemption"
            ),
            models.UniqueConstraint(
                fields=["cashier", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="redemption_idempotency",
            ),
            models.CheckConstraint(condition=Q(bill__gte=0), name="redemption_bill"),
        ]

    @property
    def to_pay(self) -> Decimal:
        """What the customer still pays at the till: the bill less the voucher, never below 0."""
        return max(Decimal("0.00"), self.bill - self.face_value)


class LotteryEntry(BaseModel):
    """A registration for a lottery campaign. `number` is the entry's sequence number (published
    with masked names); the draw ranks entries by HMAC-SHA256(seed, number) — see
    benefits.services.lottery — so anyone with the list and the revealed seed can re-run it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="lottery_entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=EntryStatus.choices, default=EntryStatus.REGISTERED)
    rank = models.PositiveIntegerField(null=True, blank=True)  # place in the draw
    voucher = models.OneToOneField(
        Voucher, null=True, blank=True, on_delete=models.SET_NULL, related_name="entry"
    )

    PERSONAL_DATA = {"person": Category.MEMBERSHIP, "user": Category.IDENTITY}

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="one_entry_per_person"),
            models.UniqueConstraint(fields=["campaign", "number"], name="entry_number"),
        ]
