from django.db import models
from django.utils.translation import gettext_lazy as _


class HonourKind(models.TextChoices):
    MODEL_WORKER = "model_worker", _("Model worker")  # 劳动模范
    MAY_DAY_MEDAL = "may_day_medal", _("May Day Labour Medal")  # 五一劳动奖章
    CRAFTSMAN = "craftsman", _("Craftsman")  # 工匠
    PIONEER = "pioneer", _("Workers' Pioneer")  # 工人先锋号 (a team or unit)


UNIT_KINDS = frozenset({HonourKind.PIONEER})  # honours given to a team / unit, not a person


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Taking nominations")  # 推荐中
    REVIEWING = "reviewing", _("Under review")  # 审核中
    PUBLICITY = "publicity", _("Public notice")  # 公示中
    CLOSED = "closed", _("Awarded")  # 已表彰


C = CampaignStatus
CAMPAIGN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    C.DRAFT: (C.OPEN,),
    C.OPEN: (C.REVIEWING,),
    C.REVIEWING: (C.PUBLICITY,),
    C.PUBLICITY: (C.CLOSED,),
    C.CLOSED: (),
}


class NominationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 拟推荐, the nominating union still edits
    SUBMITTED = "submitted", _("Under review")  # 逐级审核
    RETURNED = "returned", _("Returned")  # 退回修改
    APPROVED = "approved", _("Approved")  # 审核通过
    REJECTED = "rejected", _("Not approved")  # 未通过
    PUBLICITY = "publicity", _("Public notice")  # 公示中
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 撤销 (an objection upheld, or the union withdrew it)
    AWARDED = "awarded", _("Awarded")  # 授予


N = NominationStatus
NOMINATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    N.DRAFT: (N.SUBMITTED, N.WITHDRAWN),
    N.SUBMITTED: (N.SUBMITTED, N.APPROVED, N.RETURNED, N.REJECTED),
    N.RETURNED: (N.DRAFT, N.WITHDRAWN),
    N.APPROVED: (N.PUBLICITY,),
    N.REJECTED: (),
    N.PUBLICITY: (N.AWARDED, N.WITHDRAWN),
    N.WITHDRAWN: (),
    N.AWARDED: (),
}
LIVE = (N.DRAFT, N.SUBMITTED, N.RETURNED, N.APPROVED, N.PUBLICITY, N.AWARDED)  # count against quota


class Category(models.TextChoices):
    FRONTLINE = "frontline", _("Frontline worker")  # 一线职工
    TECHNICAL = "technical", _("Technical staff")  # 专业技术人员
    MANAGER = "manager", _("Enterprise manager")  # 企业负责人
    OTHER = "other", _("Other")


class Decision(models.TextChoices):
    FORWARD = "forward", _("Endorsed and sent up")  # 同意上报
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")
    REJECT = "reject", _("Not approved")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting decision")
    UPHELD = "upheld", _("Upheld")  # 异议成立: the nomination is withdrawn
    DISMISSED = "dismissed", _("Dismissed")  # 异议不成立


class MaterialKind(models.TextChoices):
    DEEDS = "deeds", _("Account of deeds")  # 事迹材料
    FORM = "form", _("Nomination form")  # 推荐表
    CERTIFICATE = "certificate", _("Certificate")  # 证书
    OTHER = "other", _("Other")
