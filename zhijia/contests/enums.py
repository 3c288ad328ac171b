from django.db import models
from django.utils.translation import gettext_lazy as _


class ContestStatus(models.TextChoices):
    OPEN = "open", _("Registration open")  # 报名中
    RUNNING = "running", _("Under way")  # 比赛中 (registration closed, judges score)
    LOCKED = "locked", _("Results locked")  # 成绩锁定 (the chief judge)


class EntryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AspectKind(models.TextChoices):
    MEASUREMENT = "measurement", _("Measurement")  # 测量分 (objective points, one judge)
    JUDGEMENT = "judgement", _("Judgement")  # 评价分 (three judges, 0–3 each)


class Award(models.TextChoices):
    FIRST = "first", _("First prize")  # 一等奖
    SECOND = "second", _("Second prize")  # 二等奖
    THIRD = "third", _("Third prize")  # 三等奖
    MERIT = "merit", _("Award of merit")  # 优胜奖
