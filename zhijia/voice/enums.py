from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Collecting opinions")  # 征集中
    CLOSED = "closed", _("Collection closed")  # 征集结束, compiling
    SENT = "sent", _("Sent to the legislature")  # 已报送基层立法联系点
    ANSWERED = "answered", _("Outcomes given")  # 已反馈


S = ConsultationStatus
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.OPEN,),
    S.OPEN: (S.CLOSED,),
    S.CLOSED: (S.SENT,),
    S.SENT: (S.ANSWERED,),
    S.ANSWERED: (),
}


class OpinionSource(models.TextChoices):
    WORKER = "worker", _("A worker")
    UNION = "union", _("A union")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Awaiting outcome")  # 待反馈
    ADOPTED = "adopted", _("Adopted")  # 采纳
    PARTLY = "partly", _("Partly adopted")  # 部分采纳
    NOT_ADOPTED = "not_adopted", _("Not adopted")  # 未采纳


class BoxStatus(models.TextChoices):
    OPEN = "open", _("Awaiting reply")
    REPLIED = "replied", _("Replied")
