"""Console forms of the member registry. They only parse input and show errors: the rules live
in members.validation and members.services (errors come back as ValidationFailed and are put
next to their field). Status, union and member number are never person-form fields."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhijia.members.enums import (
    ETHNICITIES,
    DataRequestStatus,
    Education,
    Gender,
    IdType,
    Occupation,
    PoliticalStatus,
    Relation,
    SkillLevel,
)
from zhijia.members.services.registry import RETAIN_REASONS
from zhijia.orgs.models import Org


def _attrs(testid: str, css: str = "form-control", **extra: Any) -> dict[str, Any]:
    return {"class": css, "data-testid": testid, **extra}


class NoEchoTextInput(forms.TextInput):
    """A text box that never sends its value back to the browser: after an error the number is
    typed again rather than travelling (and being cached) in a response."""

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        return super().get_context(name, None, attrs)


def _secret(label: Any, testid: str, **extra: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=40,
        required=False,
        widget=NoEchoTextInput(attrs=_attrs(testid, autocomplete="off", spellcheck="false", **extra)),
    )


def _text(label: Any, testid: str, *, required: bool = False, max_length: int = 200, **extra: Any):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs=_attrs(testid, **extra)),
    )


def _choice(label: Any, choices: Any, testid: str, *, required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "—"), *choices],
        required=required,
        widget=forms.Select(attrs=_attrs(testid, "form-select")),
    )


class PersonForm(forms.Form):
    """Create (`masked` None) or edit: on edit the stored identity number and phone are never
    sent to the browser; a blank field keeps them (see changes())."""

    name = _text(pgettext_lazy("person", "Name"), "member-name", required=True, max_length=100)
    id_type = _choice(_("Identity document"), IdType.choices, "member-id-type", required=True)
    id_number = _secret(_("Document number"), "member-id-number")
    gender = _choice(_("Gender"), Gender.choices, "member-gender")
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=forms.DateInput(attrs=_attrs("member-birth-date", type="date"), format="%Y-%m-%d"),
    )
    ethnicity = _choice(_("Ethnicity"), ETHNICITIES, "member-ethnicity")
    phone = _secret(_("Mobile phone"), "member-phone", inputmode="tel")
    education = _choice(_("Education"), Education.choices, "member-education")
    political_status = _choice(_("Political status"), PoliticalStatus.choices, "member-political")
    hukou_place = _text(_("Household registration place"), "member-hukou")
    residence = _text(_("Current residence"), "member-residence")
    employer = _text(_("Employer"), "member-employer")
    job_title = _text(_("Job"), "member-job", max_length=100)
    occupation = _choice(_("Occupation"), Occupation.choices, "member-occupation")
    migrant_worker = forms.BooleanField(
        label=_("Migrant worker"),
        required=False,
        widget=forms.CheckboxInput(attrs=_attrs("member-migrant", "form-check-input")),
    )
    skill_level = _choice(_("Skill level"), SkillLevel.choices, "member-skill")

    def __init__(self, *args: Any, masked: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.editing = masked is not None
        if masked is not None:
            for key in ("id_number", "phone"):
                if masked.get(key):
                    self.fields[key].help_text = _("Now %(value)s. Leave blank to keep it.") % {
                        "value": masked[key]
                    }
        else:
            self.fields["id_number"].required = True

    def changes(self) -> dict[str, Any]:
        """The cleaned values for member_register / member_update. Blank gender and birth date
        are left out (the identity number decides them); on edit, a blank number or phone too."""
        data = dict(self.cleaned_data)
        for key in ("gender", "birth_date"):
            if not data.get(key):
                data.pop(key, None)
        if self.editing:
            for key in ("id_number", "phone"):
                if not data.get(key):
                    data.pop(key, None)
        return data


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return "\u3000" * obj.depth + obj.name


class RegisterForm(PersonForm):
    org = OrgChoiceField(
        label=_("Union"),
        queryset=None,
        widget=forms.Select(attrs=_attrs("member-org", "form-select")),
    )
    joined_on = forms.DateField(
        label=_("Joined on"),
        required=False,
        widget=forms.DateInput(attrs=_attrs("member-joined-on", type="date"), format="%Y-%m-%d"),
    )

    field_order = ["org", "joined_on"]

    def __init__(self, *args: Any, targets: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["org"]).queryset = targets

    def changes(self) -> dict[str, Any]:
        data = super().changes()
        data.pop("org", None)
        data.pop("joined_on", None)
        return data


class FamilyForm(forms.Form):
    relation = _choice(_("Relation"), Relation.choices, "family-relation", required=True)
    name = _text(pgettext_lazy("person", "Name"), "family-name", required=True, max_length=100)
    birth_date = forms.DateField(
        label=_("Birth date"), widget=forms.DateInput(attrs=_attrs("family-birth-date", type="date"))
    )
    gender = _choice(_("Gender"), Gender.choices, "family-gender")
    id_type = _choice(_("Identity document"), IdType.choices, "family-id-type")
    id_number = _secret(_("Document number"), "family-id-number")


class RetainForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=list(RETAIN_REASONS.items()),
        widget=forms.Select(attrs=_attrs("retain-reason", "form-select form-select-sm")),
    )


class WithdrawForm(forms.Form):
    note = _text(_("Note"), "withdraw-note", max_length=500)


class CardVerifyForm(forms.Form):
    token = forms.CharField(
        label=_("Card code"),
        max_length=500,
        widget=forms.TextInput(
            attrs=_attrs("card-token", autocomplete="off", spellcheck="false", autofocus=True)
        ),
        help_text=_("Scan the member's QR code with a scanner, or paste the scanned text."),
    )


class HandleForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(DataRequestStatus.DONE, _("Done")), (DataRequestStatus.REFUSED, _("Refused"))],
        widget=forms.Select(attrs=_attrs("request-outcome", "form-select")),
    )
    answer = forms.CharField(
        label=_("Answer to the person"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs=_attrs("request-answer", rows=3)),
    )
