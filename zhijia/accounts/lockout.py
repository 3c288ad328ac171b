from django.http import JsonResponse
from django.shortcuts import render

from .login import LockedOut


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """django-axes lockout answer (AXES_LOCKOUT_CALLABLE): the API's JSON error body with 429 and
    code "locked_out"; elsewhere the console's error page with 429."""
    error = LockedOut()
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_dict(), status=error.status)
    context = {"status": error.status, "message": error.message, "code": error.code}
    return render(request, "error.html", context, status=error.status)
