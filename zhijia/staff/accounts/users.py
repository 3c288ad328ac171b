"""Users and role grants: list, create, detail, enable/disable, unlock, reset 2FA or password,
grant and revoke. Each view: parse -> access check -> service/selector -> render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from zhijia.accounts import otp, selectors, services
from zhijia.accounts.permissions import access_grant, access_user
from zhijia.core.errors import ApplicationError, ValidationFailed
from zhijia.orgs.access import check, has_cap, require_cap, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required

from .forms import GrantForm, NewPasswordForm, UserCreateForm, show_error

# Errors the access layer raises are pages (404/403); the rest belong on the form.
PAGE_ERRORS = {"not_found", "permission_denied"}


@staff_required
def user_list(request):
    require_cap(request.user, Cap.USERS_VIEW)
    search = request.GET.get("q", "")
    page = Paginator(selectors.user_list(actor=request.user, search=search), 50).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "q": search, "can_create": has_cap(request.user, Cap.USERS_MANAGE)}
    return render(request, "staff/accounts/user_list.html", context)


@staff_required
@sensitive_post_parameters("password")
def user_create(request):
    """New staff account with an initial password the holder must change at first login."""
    require_cap(request.user, Cap.USERS_MANAGE)
    form = UserCreateForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check(request.user, Cap.USERS_MANAGE, data["org"])
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                org=data["org"],
                display_name=data["display_name"],
                must_change=True,
            )
        except ValidationFailed as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("The account has been created."))
            return redirect("staff:user_detail", pk=user.pk)
    return render(request, "staff/accounts/user_form.html", {"form": form})


@staff_required
def user_detail(request, pk):
    return _detail(request, access_user(actor=request.user, id=pk))


def _detail(request, user, grant_form=None, password_form=None, status=200):
    """The detail page; the forms come back filled in, with errors, after a failed POST."""
    actor = request.user
    context = {
        "account": user,
        "grants": selectors.grant_list(user=user),
        "has_device": otp.has_device(user),
        "can_manage": scope_for(actor, Cap.USERS_MANAGE).contains(user.org),
        "can_security": scope_for(actor, Cap.USERS_SECURITY).contains(user.org),
        "can_grant": has_cap(actor, Cap.ROLES_GRANT),
        "grant_form": grant_form or GrantForm(actor),
        "password_form": password_form or NewPasswordForm(),
        "is_self": user.pk == actor.pk,
    }
    return render(request, "staff/accounts/user_detail.html", context, status=status)


@staff_required
@require_POST
def user_set_active(request, pk):
    user = access_user(actor=request.user, id=pk, write=True)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=user, active=active)
    except ApplicationError as exc:
        return _page_or_message(request, exc, pk)
    messages.success(request, _("The account is enabled.") if active else _("The account is disabled."))
    return redirect("staff:user_detail", pk=pk)


@staff_required
@require_POST
def user_unlock(request, pk):
    user = access_user(actor=request.user, id=pk, cap=Cap.USERS_SECURITY)
    services.user_unlock(actor=request.user, user=user)
    messages.success(request, _("Login lockouts for this account have been cleared."))
    return redirect("staff:user_detail", pk=pk)


@staff_required
@require_POST
def user_reset_otp(request, pk):
    user = access_user(actor=request.user, id=pk, cap=Cap.USERS_SECURITY)
    services.user_reset_otp(actor=request.user, user=user)
    messages.success(
        request, _("The two-factor device has been removed; a new one is set up at the next login.")
    )
    return redirect("staff:user_detail", pk=pk)


@staff_required
@require_POST
@sensitive_post_parameters("password")
def user_reset_password(request, pk):
    """Administrator's reset: keeps the second factor, and forces a change at the next login."""
    user = access_user(actor=request.user, id=pk, cap=Cap.USERS_SECURITY)
    form = NewPasswordForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=user, password=form.cleaned_data["password"], must_change=True
            )
        except ValidationFailed as exc:
            show_error(form, exc)
        else:
            messages.success(
                request, _("The password has been reset; the user must change it at the next login.")
            )
            return redirect("staff:user_detail", pk=pk)
    return _detail(request, user, password_form=form, status=400)


@staff_required
@require_POST
def grant_create(request, pk):
    """Grant a role on a unit where the actor holds roles.grant (三员分立 enforced by the service)."""
    user = access_user(actor=request.user, id=pk)
    require_cap(request.user, Cap.ROLES_GRANT)
    form = GrantForm(request.user, request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        check(request.user, Cap.ROLES_GRANT, data["org"])
        try:
            services.grant_add(
                actor=request.user,
                user=user,
                org=data["org"],
                role=data["role"],
                include_subtree=data["include_subtree"],
            )
        except ApplicationError as exc:
            if exc.code in PAGE_ERRORS:
                raise
            show_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("The role has been granted."))
            return redirect("staff:user_detail", pk=pk)
    return _detail(request, user, grant_form=form, status=status)


@staff_required
@require_POST
def grant_revoke(request, pk, grant_id):
    user = access_user(actor=request.user, id=pk)
    grant = access_grant(actor=request.user, user=user, id=grant_id)
    try:
        services.grant_remove(actor=request.user, grant=grant)
    except ApplicationError as exc:
        return _page_or_message(request, exc, pk)
    messages.success(request, _("The role has been revoked."))
    return redirect("staff:user_detail", pk=pk)


def _page_or_message(request, exc: ApplicationError, pk):
    if exc.code in PAGE_ERRORS:
        raise exc
    messages.error(request, str(exc.message))
    return redirect("staff:user_detail", pk=pk)
