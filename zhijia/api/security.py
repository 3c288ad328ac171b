from ninja.security import HttpBearer, django_auth

from zhijia.accounts.tokens import token_user


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token."""

    def authenticate(self, request, token):
        user = token_user(token)
        if user is None:
            return None
        request.user = user
        return user


# Bearer tokens for clients; the browser session (with CSRF) for the console and H5 pages.
AUTH = [BearerAuth(), django_auth]
