from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist

from zhijia.accounts.otp import needs_otp


def expert_login_required(view):
    """Any logged-in account may open the expert workspace; experts log in on the console's login
    page (username, password and, when set up or required, a TOTP code), so anonymous visitors
    and staff whose second factor is not verified go there. Whether the account is an expert is
    the view's business (a friendly page when not); the orders are reached through
    dispatch.permissions.expert_order, which answers 404 for anyone else's."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or (needs_otp(user) and not user.is_verified()):
            return redirect_to_login(request.get_full_path(), "staff:login")
        return view(request, *args, **kwargs)

    return wrapper


def expert_of(user: Any) -> Any:
    """The active Expert row linked to the login (Expert.user), or None."""
    try:
        expert = user.expert
    except ObjectDoesNotExist:
        return None
    return expert if expert.active else None
