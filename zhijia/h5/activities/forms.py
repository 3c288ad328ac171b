"""Forms of the worker's activity pages. They only parse; the rules are in activities.services."""

from django import forms
from django.utils.translation import gettext_lazy

from zhijia.activities.enums import ActivityKind


class FilterForm(forms.Form):
    """The list's chips and selects (GET). lat/lng come from the browser's geolocation."""

    week = forms.BooleanField(required=False)
    children = forms.BooleanField(required=False)
    near = forms.BooleanField(required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)
    kind = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("All kinds")), *ActivityKind.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-testid": "filter-kind"}),
    )
    category = forms.CharField(required=False, max_length=100)
    area = forms.ChoiceField(required=False, choices=[("mine", "mine"), ("all", "all")])


class EnrolForm(forms.Form):
    """One enrol button: for the worker (no child) or one child, optionally one session; `key`
    is the idempotency key the page drew when it rendered this button."""

    key = forms.CharField(max_length=100, required=False)
    child = forms.UUIDField(required=False)
    session = forms.UUIDField(required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control", "data-testid": "cancel-reason"}),
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2, "data-testid": "rate-comment"}),
    )
