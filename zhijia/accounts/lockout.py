from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, credentials=None, *args, **kwargs):
    """django-axes lockout page for the console (the API answers 429 itself)."""
    context = {"status": 429, "message": _("Too many failed attempts. This account is locked for 30 minutes from this address.")}
    return render(request, "error.html", context, status=429)
