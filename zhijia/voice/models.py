"""Workers' voice to the legislature (职工心声, 立法信息采集) and the standing opinion box
(意见建议箱). Writes go through voice.services only.

Opinions are real-name inside (the author's account and member record are kept, masked when
shown to staff) and anonymous to other workers (the public view of a consultation shows the
text of opinions, never who wrote them)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import BoxStatus, ConsultationStatus, OpinionSource, Outcome


class Consultation(BaseModel):
    """A draft law or regulation put to the workers, by a union acting as a 基层立法联系点 /
    立法信息采集点. `sent_to` and `sent_on` record where and when the compiled report went."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="consultations")
    title = models.CharField(_("title"), max_length=200)
    draft_title = models.CharField(_("draft law or regulation"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    closes_on = models.DateField(_("collect until"))
    status = models.CharField(
        max_length=12, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT
    )
    sent_to = models.CharField(_("sent to"), max_length=200, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)

    NOT_PERSONAL = ("title", "draft_title")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Article(BaseModel):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="articles")
    number = models.CharField(_("article"), max_length=40)  # 第一条
    text = models.TextField(_("text"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.number


class Opinion(BaseModel):
    """One opinion on an article or on the whole draft, from a worker or a union."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="opinions")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="opinions"
    )
    source = models.CharField(max_length=8, choices=OpinionSource.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    union = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the union that gave it (source union)
    text = models.TextField(_("opinion"))
    tags = models.JSONField(default=list, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_DATA = {"author": Category.IDENTITY, "person": Category.IDENTITY}

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class BoxMessage(BaseModel):
    """A message to a unit's standing opinion box, answered by `due_on` (working days)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="box_messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("message"))
    due_on = models.DateField(_("reply by"))
    status = models.CharField(max_length=8, choices=BoxStatus.choices, default=BoxStatus.OPEN)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    PERSONAL_DATA = {"author": Category.IDENTITY}

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.subject
