"""Console forms for service lists and activity plans. They only parse input and show errors:
the rules live in catalog.services / catalog.plans (errors come back as ApplicationError and
are put next to their field). Status, org and version are never form fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhijia.catalog.enums import AccessMode


def _attrs(testid: str, css: str = "form-control", **extra) -> dict:
    return {"class": css, "data-testid": testid, **extra}


class ServiceListForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs=_attrs("list-title"))
    )
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=_attrs("list-intro", rows=3)),
    )


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=_("Category"), max_length=100, widget=forms.TextInput(attrs=_attrs("category-name"))
    )


class PositionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.org.display_name}）"


class ItemForm(forms.Form):
    name = forms.CharField(
        label=_("Service"), max_length=200, widget=forms.TextInput(attrs=_attrs("item-name"))
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=_attrs("item-description", rows=3)),
    )
    audience = forms.CharField(
        label=_("Who may use it"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=_attrs("item-audience")),
    )
    access_modes = forms.MultipleChoiceField(
        label=_("How to get it"),
        required=False,
        choices=AccessMode.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"data-testid": "item-access-mode"}),
    )
    contact = forms.CharField(
        label=_("Contact (desk or hotline)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=_attrs("item-contact")),
    )
    positions = PositionChoice(
        label=_("Provided at"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple(attrs={"data-testid": "item-position"}),
    )

    def __init__(self, *args, positions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["positions"].queryset = positions


class PlanForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=_attrs("plan-year"))
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs=_attrs("plan-title"))
    )


class PositionSelect(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.org.display_name}）"


class EntryForm(forms.Form):
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        choices=[(m, m) for m in range(1, 13)],
        widget=forms.Select(attrs=_attrs("entry-month", "form-select")),
    )
    title = forms.CharField(
        label=_("Activity"), max_length=200, widget=forms.TextInput(attrs=_attrs("entry-title"))
    )
    category = forms.CharField(
        label=_("Category"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=_attrs("entry-category")),
    )
    position = PositionSelect(
        label=_("Position"),
        required=False,
        queryset=None,
        widget=forms.Select(attrs=_attrs("entry-position", "form-select")),
    )
    audience = forms.CharField(
        label=_("Audience"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=_attrs("entry-audience")),
    )
    planned_times = forms.IntegerField(
        label=_("Planned sessions"),
        min_value=0,
        initial=1,
        widget=forms.NumberInput(attrs=_attrs("entry-times")),
    )
    planned_participants = forms.IntegerField(
        label=_("Planned participants"),
        min_value=0,
        initial=0,
        widget=forms.NumberInput(attrs=_attrs("entry-participants")),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, widget=forms.TextInput(attrs=_attrs("entry-note"))
    )

    def __init__(self, *args, positions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = positions


class OutcomeForm(forms.Form):
    held_times = forms.IntegerField(
        label=_("Sessions held"), min_value=0, widget=forms.NumberInput(attrs=_attrs("outcome-times"))
    )
    participants = forms.IntegerField(
        label=_("Participants"), min_value=0, widget=forms.NumberInput(attrs=_attrs("outcome-participants"))
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, widget=forms.TextInput(attrs=_attrs("outcome-note"))
    )
