from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeKind(models.TextChoices):
    COMMITTEE = "committee", _("Union committee")  # 工会委员会
    AUDIT = "audit", _("Audit committee")  # 经费审查委员会
    WOMEN = "women", _("Women workers' committee")  # 女职工委员会


class CongressStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")  # 筹备中: allotting seats, electing delegates
    IN_SESSION = "in_session", _("In session")  # 开会中
    CLOSED = "closed", _("Closed")


CONGRESS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CongressStatus.PREPARING: (CongressStatus.IN_SESSION,),
    CongressStatus.IN_SESSION: (CongressStatus.CLOSED,),
    CongressStatus.CLOSED: (),
}


class ElectionStatus(models.TextChoices):
    DRAFT = "draft", _("Candidate list")  # 候选人名单
    OPEN = "open", _("Voting")  # 投票中
    CLOSED = "closed", _("Counted")  # 已计票
    SUBMITTED = "submitted", _("Sent for approval")  # 已报批
    APPROVED = "approved", _("Approved")  # 已批复
    RETURNED = "returned", _("Returned")  # 退回


S = ElectionStatus
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.OPEN,),
    S.OPEN: (S.CLOSED,),
    S.CLOSED: (S.SUBMITTED,),
    S.SUBMITTED: (S.APPROVED, S.RETURNED),
    S.RETURNED: (S.SUBMITTED,),
    S.APPROVED: (),
}


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    PAPER = "paper", _("Paper")
