"""Every saved position appends to the sync change feed (positions.feed), whoever saved it."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from .feed import change_record
from .models import Position


@receiver(post_save, sender=Position, dispatch_uid="positions.feed")
def _position_saved(sender: Any, instance: Position, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        change_record([instance.pk])
