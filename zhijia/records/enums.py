from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordSource(models.TextChoices):
    VISIT = "visit", _("Station visit")
    ACTIVITY = "activity", _("Activity attendance")
    EXPERT = "expert", _("Expert service")
    VOUCHER = "voucher", _("Voucher redemption")
    OTHER = "other", _("Other")
