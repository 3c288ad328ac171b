from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from zhijia.accounts.models import ApiToken
from zhijia.accounts.tokens import token_hash


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token."""

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(
                key_hash=token_hash(token), revoked=False, expires_at__gt=timezone.now(), user__is_active=True
            )
            .first()
        )
        if found is None:
            return None
        request.user = found.user
        return found.user


# Bearer tokens for clients; the browser session (with CSRF) for the console and H5 pages.
AUTH = [BearerAuth(), django_auth]
