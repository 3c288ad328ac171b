"""Console forms for login, own security and user administration.

Forms only parse and show errors; rules live in accounts services. Unit and role choices are
limited to the actor's scope, and fields like kind, is_active or org never come from the body
except through these limited choices (no mass assignment).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhijia.accounts.selectors import orgs_where, role_choices
from zhijia.core.errors import ApplicationError
from zhijia.orgs.capabilities import Cap


def _attrs(testid: str, **extra) -> dict:
    return {"class": "form-control", "data-testid": testid, **extra}


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Indent by depth so the tree shape shows in a plain <select>.
        return "\u3000" * max(0, obj.depth - 1) + obj.name


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs=_attrs("username", autocomplete="username", autofocus=True)),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs=_attrs("password", autocomplete="current-password")),
    )


class OtpForm(forms.Form):
    otp = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs=_attrs("otp", autocomplete="one-time-code", inputmode="numeric", autofocus=True)
        ),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs=_attrs("old-password", autocomplete="current-password")),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs=_attrs("new-password1", autocomplete="new-password")),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs=_attrs("new-password2", autocomplete="new-password")),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("Your current password is not correct."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords do not match."))
        return data


class NewPasswordForm(forms.Form):
    """An administrator's reset: the holder must change it at the next login."""

    password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs=_attrs("reset-password", autocomplete="new-password")),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs=_attrs("username", autocomplete="off")),
    )
    display_name = forms.CharField(
        label=_("Name"), max_length=100, required=False, widget=forms.TextInput(attrs=_attrs("display-name"))
    )
    org = OrgChoiceField(
        label=_("Home unit"),
        queryset=None,
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "org"}),
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        max_length=256,
        help_text=_("The user must change it at the first login."),
        widget=forms.PasswordInput(attrs=_attrs("password", autocomplete="new-password")),
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs_where(actor=actor, cap=Cap.USERS_MANAGE)


class GrantForm(forms.Form):
    role = forms.ModelChoiceField(
        label=_("Role"),
        queryset=None,
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "grant-role"}),
    )
    org = OrgChoiceField(
        label=_("Unit"),
        queryset=None,
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "grant-org"}),
    )
    include_subtree = forms.BooleanField(
        label=_("Include all units below"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "data-testid": "grant-subtree"}),
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = role_choices()
        self.fields["org"].queryset = orgs_where(actor=actor, cap=Cap.ROLES_GRANT)


def show_error(form: forms.Form, exc: ApplicationError) -> None:
    """Put a service's error next to the fields it names (the rest above the form), and keep its
    stable code on the form for the template (data-error-code) and for tests."""
    form.error_code = exc.code
    placed = False
    for field, messages in exc.fields.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))
