"""Worker H5: "My children" — a member adds, changes and removes their own children (the
minor's data rules are members.services.children's; `/api/v1/me/children` calls the same).
Only the person linked to the account is reached; someone else's child is 404. Mounted at
/h5/children/. A `next` parameter (a local path, e.g. the activity the parent came from)
is where "save" returns to."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.errors import ApplicationError, NotFound
from zhijia.core.validators.identity import mask_identity
from zhijia.members.consent import MINOR_NOTICE_VERSION, consent_given, consent_withdrawn
from zhijia.members.enums import ConsentPurpose, Gender, IdType
from zhijia.members.selectors.children import my_children
from zhijia.members.services import card
from zhijia.members.services.children import child_add, child_remove, child_update, own_child
from zhijia.web.responses import apply_errors, run_step

from ..accounts.decorators import worker_required

T = "h5/members/children/"


def _attrs(testid: str, css: str = "form-control form-control-lg", **extra) -> dict:
    return {"class": css, "data-testid": testid, **extra}


class ChildForm(forms.Form):
    """Parses only; the rules (dates, age, identity number, consent) are the service's."""

    name = forms.CharField(
        label=gettext_lazy("Child's name"), max_length=100, widget=forms.TextInput(attrs=_attrs("child-name"))
    )
    birth_date = forms.CharField(
        label=gettext_lazy("Birth date"),
        max_length=20,
        widget=forms.DateInput(attrs=_attrs("child-birth-date", type="date")),
    )
    gender = forms.ChoiceField(
        label=gettext_lazy("Gender"),
        required=False,
        choices=[("", "—"), *Gender.choices],
        widget=forms.Select(attrs=_attrs("child-gender", "form-select form-select-lg")),
    )
    id_type = forms.ChoiceField(
        label=gettext_lazy("Identity document (optional)"),
        required=False,
        choices=IdType.choices,
        initial=IdType.CN_RESIDENT,
        widget=forms.Select(attrs=_attrs("child-id-type", "form-select")),
    )
    id_number = forms.CharField(
        label=gettext_lazy("Document number (optional)"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs=_attrs("child-id-number", autocomplete="off", spellcheck="false")),
    )
    guardian_consent = forms.BooleanField(
        label=gettext_lazy(
            "I am this child's parent or guardian, and I agree that the union processes my "
            "child's information to enrol them in activities."
        ),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "data-testid": "child-consent"}),
    )


def _person(request):
    return card.person_of(request.user)


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted if wanted.startswith("/") else ""
    return ""


def _row(child) -> dict:
    return {
        "c": child,
        "id_masked": mask_identity(child.id_type, child.id_number) if child.id_number else "",
    }


@never_cache
@worker_required
@require_GET
def children_page(request):
    """The member's children (ID numbers masked) with "add", "edit" and "remove"."""
    person = _person(request)
    context = {
        "person": person,
        "rows": [_row(c) for c in my_children(person=person)],
        "consent": consent_given(person, ConsentPurpose.MINOR),
        "withdrawn": consent_withdrawn(person, ConsentPurpose.MINOR),
    }
    return render(request, T + "list.html", context)


def _form_page(request, form, person, child=None, status=200):
    context = {
        "form": form,
        "child": child,
        "next": _next(request),
        "needs_consent": not consent_given(person, ConsentPurpose.MINOR),
        "notice_version": MINOR_NOTICE_VERSION,
        "id_masked": mask_identity(child.id_type, child.id_number) if child and child.id_number else "",
    }
    return render(request, T + "form.html", context, status=status)


def _saved(request, message: str):
    messages.success(request, message)
    return redirect(_next(request) or "h5:my_children")


def _no_person(request):
    return render(request, T + "list.html", {"person": None, "rows": []})


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def child_new(request):
    person = _person(request)
    if person is None:
        return _no_person(request)
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child, created = child_add(actor=request.user, person=person, data=form.cleaned_data)
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_errors(form, exc)
        else:
            if created:
                return _saved(request, _("%(name)s was added.") % {"name": child.name})
            return _saved(request, _("%(name)s is already registered.") % {"name": child.name})
    return _form_page(request, _blank_id(form), person)


def _blank_id(form):
    """Never echo an identity number back into the page."""
    if form.is_bound:
        data = form.data.copy()
        data["id_number"] = ""
        form.data = data
    return form


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def child_edit(request, pk):
    person = _person(request)
    child = own_child(person=person, id=pk)
    initial = {
        "name": child.name,
        "birth_date": child.birth_date.isoformat() if child.birth_date else "",
        "gender": child.gender,
        "id_type": child.id_type or IdType.CN_RESIDENT,
    }
    form = ChildForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["id_number"]:  # left empty: keep the stored number
            data.pop("id_number")
            data.pop("id_type")
        try:
            child = child_update(actor=request.user, person=person, child=child, data=data)
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_errors(form, exc)
        else:
            return _saved(request, _("Changes saved."))
    return _form_page(request, _blank_id(form), person, child=child)


@worker_required
@require_POST
def child_remove_view(request, pk):
    person = _person(request)
    child = own_child(person=person, id=pk)
    done = _("%(name)s was removed.") % {"name": child.name}
    run_step(request, child_remove, done, person=person, child=child)
    return redirect("h5:my_children")
