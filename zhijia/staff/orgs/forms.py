"""Console forms for the organisation tree. They only parse input and show errors: the rules live
in orgs.services (errors come back as ValidationFailed and are put next to their field).
Status, parent and path are never form fields, so they cannot be mass-assigned."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from zhijia.orgs.enums import OrgLevel
from zhijia.orgs.models import Org
from zhijia.orgs.selectors import orgs_choice


def _attrs(testid: str, css: str = "form-control", **extra) -> dict:
    return {"class": css, "data-testid": testid, **extra}


class OrgForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs=_attrs("org-name"))
    )
    short_name = forms.CharField(
        label=_("Short name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=_attrs("org-short-name")),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=OrgLevel.choices,
        widget=forms.Select(attrs=_attrs("org-level", "form-select")),
    )
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs=_attrs("org-uscc", autocapitalize="characters", spellcheck="false")),
    )
    division_code = forms.CharField(
        label=_("Administrative division code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=_attrs("org-division-code", inputmode="numeric")),
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs=_attrs("org-contact")),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs=_attrs("org-contact-phone", inputmode="tel", autocomplete="off")),
    )

    def __init__(self, *args, masked_phone: str | None = None, **kwargs):
        """`masked_phone` is given (possibly "") on edit forms: the stored number is never sent
        to the browser, and a blank phone field keeps it (see changes())."""
        super().__init__(*args, **kwargs)
        self.editing = masked_phone is not None
        if masked_phone:
            self.fields["contact_phone"].help_text = _("Now %(phone)s. Leave blank to keep it.") % {
                "phone": masked_phone
            }

    def changes(self) -> dict[str, str]:
        """The cleaned values, as keyword arguments for org_create / org_update."""
        data = dict(self.cleaned_data)
        if self.editing and not data.get("contact_phone"):
            data.pop("contact_phone", None)
        return data


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        # Indent by depth so the tree's shape shows in a plain <select>.
        return "\u3000" * obj.depth + obj.name


class MoveForm(forms.Form):
    parent = OrgChoiceField(
        label=_("New parent unit"),
        queryset=None,
        widget=forms.Select(attrs=_attrs("move-parent", "form-select")),
    )

    def __init__(self, *args, targets: list[Org], **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["parent"])
        field.queryset = orgs_choice(ids=[t.pk for t in targets])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        widget=forms.ClearableFileInput(attrs=_attrs("import-file", accept=".xlsx")),
    )
