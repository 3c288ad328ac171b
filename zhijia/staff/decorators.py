from functools import wraps

from django.contrib.auth.views import redirect_to_login

from zhijia.accounts.models import UserKind
from zhijia.accounts.otp import needs_otp


def staff_required(view):
    """Logged-in staff account, with a verified second factor when 2FA is required or set up."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or user.kind != UserKind.STAFF:
            return redirect_to_login(request.get_full_path(), "staff:login")
        if needs_otp(user) and not user.is_verified():
            return redirect_to_login(request.get_full_path(), "staff:login")
        return view(request, *args, **kwargs)

    return wrapper
