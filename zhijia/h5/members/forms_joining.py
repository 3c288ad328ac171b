"""H5 forms for joining and transfers. They parse input only: the person's data is validated by
members.validation.clean_person inside the service, and its errors come back next to the field
(show_errors). Field names match the service's error fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhijia.members.enums import NEW_EMPLOYMENT_FORMS, Gender, IdType, Occupation

NOTICE_VERSION = "2026-11"  # the privacy notice shown on the join page (bump when it changes)


CHECKBOX = "form-check-input"


def _attrs(testid: str, css: str = "form-control form-control-lg", **extra) -> dict:
    return {"class": css, "data-testid": testid, **extra}


def occupation_choices() -> list[tuple[str, str]]:
    """New-employment forms (riders, couriers, drivers…) first: they are who joins online most."""
    first = [(o.value, o.label) for o in Occupation if o in NEW_EMPLOYMENT_FORMS]
    rest = [(o.value, o.label) for o in Occupation if o not in NEW_EMPLOYMENT_FORMS]
    return [("", _("Choose…")), *first, *rest]


class JoinForm(forms.Form):
    name = forms.CharField(
        label=_("Name (as on your ID)"), max_length=100, widget=forms.TextInput(attrs=_attrs("join-name"))
    )
    id_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=IdType.choices,
        initial=IdType.CN_RESIDENT,
        widget=forms.Select(attrs=_attrs("join-id-type", "form-select form-select-lg")),
    )
    id_number = forms.CharField(
        label=_("Document number"),
        max_length=64,
        widget=forms.TextInput(
            attrs=_attrs(
                "join-id-number", autocomplete="off", spellcheck="false", autocapitalize="characters"
            )
        ),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=[("", "—"), *Gender.choices],
        widget=forms.Select(attrs=_attrs("join-gender", "form-select")),
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=forms.DateInput(attrs=_attrs("join-birth-date", "form-control", type="date")),
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"),
        required=False,
        choices=occupation_choices,
        widget=forms.Select(attrs=_attrs("join-occupation", "form-select form-select-lg")),
    )
    employer = forms.CharField(
        label=_("Employer or platform (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_attrs("join-employer")),
    )
    workplace_org_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    work_org_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    notify_employer = forms.BooleanField(
        label=_("Tell my employer that I joined"),
        required=False,
        help_text=_(
            "Optional. Joining never requires telling your employer; leave this unticked if you prefer."
        ),
        widget=forms.CheckboxInput(
            attrs={"class": "form-check-input", "data-testid": "join-notify-employer"}
        ),
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my sensitive personal information described above."),
        required=False,
        widget=forms.CheckboxInput(attrs=_attrs("join-consent", CHECKBOX)),
    )

    def person_data(self) -> dict:
        """The person's fields; the phone is the worker's verified login phone (the service's)."""
        keys = ("name", "id_type", "id_number", "gender", "birth_date", "occupation", "employer")
        return {k: self.cleaned_data[k] for k in keys if self.cleaned_data.get(k)}


class TransferForm(forms.Form):
    to_org = forms.UUIDField(label=_("Receiving union"))
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs=_attrs("transfer-reason", "form-control", rows=2)),
    )
