from django import forms
from django.utils.translation import gettext_lazy as _

from zhijia.labour.enums import EmploymentStatus, Ledger, TeamType
from zhijia.labour.occupations import medium_choices
from zhijia.members.enums import SkillLevel

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def occupation_field(required: bool = True, label=None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label or _("Occupation code"),
        required=required,
        choices=[("", "—"), *medium_choices()],
        widget=forms.Select(attrs=SELECT),
    )


class PeopleFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs=TEXT))
    status = forms.ChoiceField(
        label=_("Employment status"),
        required=False,
        choices=[("", _("Any status")), *EmploymentStatus.choices],
        widget=forms.Select(attrs=SELECT),
    )
    skill = occupation_field(required=False, label=_("Skill"))


class LedgerForm(forms.Form):
    ledger = forms.ChoiceField(choices=Ledger.choices, widget=forms.Select(attrs=SELECT), label=_("Ledger"))
    date = forms.DateField(label=_("On"), required=False, widget=DATE)
    start = forms.DateField(label=_("Changes from"), required=False, widget=DATE)
    end = forms.DateField(label=_("to"), required=False, widget=DATE)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Registry sheet (.xlsx)"), widget=forms.ClearableFileInput(attrs=TEXT))


class JobForm(forms.Form):
    title = forms.CharField(label=_("Job title"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    occupation = occupation_field()
    place = forms.CharField(
        label=_("Place of work"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    wage_min = forms.IntegerField(
        label=_("Monthly wage from (yuan)"),
        required=False,
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs=TEXT),
    )
    wage_max = forms.IntegerField(
        label=_("Monthly wage up to (yuan)"),
        required=False,
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs=TEXT),
    )
    headcount = forms.IntegerField(
        label=_("Headcount"), min_value=1, max_value=10_000, initial=1, widget=forms.NumberInput(attrs=TEXT)
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    min_age = forms.IntegerField(
        label=_("Minimum age"),
        required=False,
        min_value=16,
        max_value=80,
        widget=forms.NumberInput(attrs=TEXT),
    )
    max_age = forms.IntegerField(
        label=_("Maximum age"),
        required=False,
        min_value=16,
        max_value=80,
        widget=forms.NumberInput(attrs=TEXT),
    )
    min_level = forms.ChoiceField(
        label=_("Minimum skill level"),
        required=False,
        choices=[("", "—"), *SkillLevel.choices],
        widget=forms.Select(attrs=SELECT),
    )
    certificate = forms.CharField(
        label=_("Required certificate"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )


class TeamForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Team type"), choices=TeamType.choices, widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(label=_("Team name"), max_length=100, widget=forms.TextInput(attrs=TEXT))


class AssignmentForm(forms.Form):
    title = forms.CharField(label=_("Work"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    day_pay = forms.DecimalField(
        label=_("Pay per person-day (yuan)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs=TEXT),
    )
