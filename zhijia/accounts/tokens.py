"""API bearer tokens: issued at login, stored hashed, expiring."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import ApiToken, User


def token_issue(*, user: User) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS)
    ApiToken.objects.create(user=user, key_hash=token_hash(token), expires_at=expires_at)
    return token, expires_at


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_revoke(*, user: User, token: str) -> None:
    """Revoke one of `user`'s bearer tokens (logout); unknown tokens are ignored."""
    ApiToken.objects.filter(key_hash=token_hash(token), user=user).update(revoked=True)


def token_user(token: str) -> Any:
    """The active user of a live (unrevoked, unexpired) API token, or None."""
    found = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=token_hash(token), revoked=False, expires_at__gt=timezone.now(), user__is_active=True
        )
        .first()
    )
    return found.user if found is not None else None
