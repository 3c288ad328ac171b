from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordSource(models.TextChoices):
    """Where a ledger row comes from. Each producing domain writes its own source; membership
    events (join, transfer, leave) are rows too, but they are not services (see SERVICE_SOURCES)."""

    VISIT = "visit", _("Station visit")
    ACTIVITY = "activity", _("Activity attendance")
    EXPERT = "expert", _("Expert service")
    VOUCHER = "voucher", _("Voucher redemption")
    HARDSHIP = "hardship", _("Hardship help")  # 困难帮扶
    LEGAL = "legal", _("Legal help")  # 法律咨询、劳动争议调解
    COUNSELLING = "counselling", _("Counselling")  # 心理咨询
    LABOUR = "labour", _("Service team work")  # 服务队 work days, job placement help
    CONTEST = "contest", _("Competition")  # 劳动竞赛, 技能竞赛
    LISTED = "listed", _("Listed service")  # a 服务清单 item applied for online and delivered
    MEMBER_JOIN = "member_join", _("Member joined")
    MEMBER_TRANSFER = "member_transfer", _("Member transferred")
    MEMBER_LEAVE = "member_leave", _("Member left")
    OTHER = "other", _("Other")


# Counted as services given (服务人次 / 服务人数). Membership events are counted apart.
MEMBERSHIP_SOURCES = frozenset(
    {RecordSource.MEMBER_JOIN, RecordSource.MEMBER_TRANSFER, RecordSource.MEMBER_LEAVE}
)
SERVICE_SOURCES = frozenset(set(RecordSource) - MEMBERSHIP_SOURCES)
# Sensitive sources: counts below 5 are suppressed outside the unit that owns them.
SENSITIVE_SOURCES = frozenset({RecordSource.HARDSHIP, RecordSource.LEGAL, RecordSource.COUNSELLING})
