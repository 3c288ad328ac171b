from functools import wraps

from django.contrib.auth.views import redirect_to_login

from zhijia.accounts.models import UserKind


def worker_required(view):
    """A logged-in worker (phone + SMS code); anyone else goes to h5:login."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or user.kind != UserKind.WORKER:
            return redirect_to_login(request.get_full_path(), "h5:login")
        return view(request, *args, **kwargs)

    return wrapper
