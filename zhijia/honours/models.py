"""Honours (荣誉): nomination campaigns with quotas per unit and composition rules, nominations
sent up the tree for review, the 公示 period with objections, and the award register per
person and unit. Writes go through honours.services only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhijia.core.models import BaseModel
from zhijia.core.pii import Category as Pii

from .enums import (
    CampaignStatus,
    Category,
    Decision,
    HonourKind,
    MaterialKind,
    NominationStatus,
    ObjectionStatus,
)


class Campaign(BaseModel):
    """A nomination campaign (评选) run by `org` for one honour of one year."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="honour_campaigns")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("honour"), max_length=16, choices=HonourKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    closes_on = models.DateField(_("nominations until"))
    frontline_min_pct = models.PositiveSmallIntegerField(_("frontline workers at least (%)"), default=0)
    managers_max_pct = models.PositiveSmallIntegerField(_("managers at most (%)"), default=100)
    publicity_days = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    publicity_from = models.DateField(null=True, blank=True)
    publicity_until = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Quota(BaseModel):
    """How many a union below the organiser may nominate (名额分配)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "org"], name="honours_quota_once")]

    def __str__(self) -> str:
        return f"{self.org_id}: {self.quota}"


class Nomination(BaseModel):
    """One nominee — a person, or a team / unit for a unit honour — put forward by `org` (the
    nominating union). While under review `at_org` is the union whose turn it is."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="nominations")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="honour_nominations")
    at_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="honour_nominations"
    )
    team_title = models.CharField(_("team or unit"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    job_title = models.CharField(_("post"), max_length=100, blank=True)
    deeds = models.TextField(_("deeds"))  # 先进事迹材料
    status = models.CharField(max_length=12, choices=NominationStatus.choices, default=NominationStatus.DRAFT)

    PERSONAL_DATA = {"person": Pii.IDENTITY}
    NOT_PERSONAL = ("team_title", "job_title")

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return self.team_title or str(self.pk)


class Material(BaseModel):
    """A file the nominating union attaches to a nomination (事迹材料, 推荐表, certificates): a
    photo or PDF checked by its content (core.uploads.read_document), at most 5 MB, kept in the
    database (never at a public media URL), only ever served as an audited download to those
    who may read the nomination — never on the public 公示 page."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(max_length=16, choices=MaterialKind.choices)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    PERSONAL_DATA = {"content": Pii.IDENTITY, "uploaded_by": Pii.IDENTITY}
    NOT_PERSONAL = ("caption",)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}.{self.extension}"


class Review(BaseModel):
    """One step of the review up the tree."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    PERSONAL_DATA = {"by": Pii.IDENTITY}

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.decision


class Objection(BaseModel):
    """An objection raised during the 公示 period (real-name, kept from other viewers)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="objections")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("objection"))
    status = models.CharField(max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField(_("finding"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_DATA = {"author": Pii.IDENTITY}

    class Meta:
        ordering = ["created_at"]


class Award(BaseModel):
    """The honours register (荣誉档案): one honour given to a person or a team of a unit."""

    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="award")
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="honours"
    )
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="honours")  # the unit
    kind = models.CharField(max_length=16, choices=HonourKind.choices)
    title = models.CharField(max_length=200)
    team_title = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField()
    awarded_on = models.DateField()
    awarded_by = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")

    PERSONAL_DATA = {"person": Pii.IDENTITY}
    NOT_PERSONAL = ("title", "team_title")

    class Meta:
        ordering = ["-awarded_on", "title"]


# -- star-rated unions (星级工会, 模范职工之家) -----------------------------------------------------------


class CriteriaSet(BaseModel):
    """The criteria of one year's star rating, issued by `org` for the unions below it.
    `thresholds` are the totals that earn 1, 2, … stars (ascending)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="star_criteria")
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    thresholds = models.JSONField(default=list)
    valid_days = models.PositiveSmallIntegerField(default=365)  # a star lapses without fresh evidence
    published = models.BooleanField(default=False)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Criterion(BaseModel):
    criteria = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("item"), max_length=200)
    weight = models.DecimalField(_("points"), max_digits=6, decimal_places=2)  # the item's full marks
    pass_line = models.DecimalField(_("pass line"), max_digits=6, decimal_places=2, default=0)
    evidence = models.CharField(max_length=24, blank=True)  # a key of honours.stars.EVIDENCE
    order = models.PositiveSmallIntegerField(default=0)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title


class Assessment(BaseModel):
    """One union's assessment: self-assessed by the union, scored by the issuing union."""

    criteria = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="assessments")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="star_assessments")
    status = models.CharField(max_length=12, default="draft")  # draft → submitted → scored
    evidence = models.JSONField(default=dict, blank=True)  # what Zhijia holds, pulled in at creation
    self_total = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    stars = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["criteria", "org"], name="honours_assessment_once")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.status}"


class AssessmentItem(BaseModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="honours_assessment_item_once")
        ]

    def __str__(self) -> str:
        return str(self.criterion_id)


class Evidence(BaseModel):
    """A file the assessed union uploads for one criteria item Zhijia cannot compute (the rest
    of the evidence, 其余佐证材料): a photo or PDF checked like a nomination's materials, read by
    the assessed union and the scoring union only, as an audited download."""

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="files")
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    PERSONAL_DATA = {"content": Pii.IDENTITY, "uploaded_by": Pii.IDENTITY}
    NOT_PERSONAL = ("caption",)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id}.{self.extension}"


class StarAward(BaseModel):
    """Stars given to a union for a year; lapsed after `valid_until` ("not for life")."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="star_awards")
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="award")
    year = models.PositiveSmallIntegerField()
    stars = models.PositiveSmallIntegerField()
    valid_from = models.DateField()
    valid_until = models.DateField()

    class Meta:
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["org", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.org_id} ★{self.stars}"
