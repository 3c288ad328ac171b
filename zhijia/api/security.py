from ninja.security import HttpBearer, SessionAuth

from zhijia.accounts.otp import needs_otp
from zhijia.accounts.policy import require_current_password
from zhijia.accounts.tokens import token_user

LOGOUT_PATH = "/api/v1/auth/logout"  # logging out is always allowed


def _password_rule(request, user) -> None:
    if request.path != LOGOUT_PATH:
        require_current_password(user)


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token. A staff account whose password
    must be changed (set by an administrator, or older than the maximum age) gets 403
    `password_change_required` on every request, like its console session."""

    def authenticate(self, request, token):
        user = token_user(token)
        if user is None:
            return None
        request.user = user
        _password_rule(request, user)
        return user


class ConsoleSession(SessionAuth):
    """The browser session (with CSRF), held to the console's rules: a staff session that has not
    passed its second factor is not logged in here either; the password rule is applied to every
    session request by accounts.middleware.SecurityPolicyMiddleware (and again here)."""

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated:
            return None
        if needs_otp(user) and not user.is_verified():
            return None
        _password_rule(request, user)
        return user


# Bearer tokens for clients; the browser session (with CSRF) for the console and H5 pages.
AUTH = [BearerAuth(), ConsoleSession()]
