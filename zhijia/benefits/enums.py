from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VoucherKind(models.TextChoices):
    DISCOUNT = "discount", _("Discount (spend X, save Y)")  # 满减
    FIXED = "fixed", _("Fixed value")  # 代金券
    EXPERIENCE = "experience", _("Experience")  # 疗休养 / 体检 / 观影


class Experience(models.TextChoices):
    RECUPERATION = "recuperation", _("Recuperation trip")  # 疗休养
    HEALTH_CHECK = "health_check", _("Health check")  # 体检
    CINEMA = "cinema", _("Cinema")  # 观影
    OTHER = "other", pgettext_lazy("experience", "Other")


class Allocation(models.TextChoices):
    FIRST_COME = "first_come", _("First come, first served")
    LOTTERY = "lottery", _("Lottery")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    PUBLISHED = "published", _("Published")  # 已发布 (visible, not yet open)
    RUNNING = "running", _("Running")  # 进行中
    ENDED = "ended", _("Ended")  # 已结束


class VoucherStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")  # 已领取
    REDEEMED = "redeemed", _("Redeemed")  # 已核销
    EXPIRED = "expired", _("Expired")  # 已过期
    REVOKED = "revoked", _("Revoked")  # 已撤销


class EntryStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WON = "won", _("Won")
    RESERVE = "reserve", _("On the reserve list")
    LOST = "lost", _("Not drawn")
