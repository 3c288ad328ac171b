"""Forms of the expert workspace and the worker's needs pages. They only parse; the rules (dates
within the wanted range, a reason to decline, who may check in) are in dispatch.services."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from zhijia.core.uploads import read_photo

TEXT = {"class": "form-control"}


class AcceptForm(forms.Form):
    """The day and start time the expert proposes when accepting, within the days the union
    asked for (the end defaults to the start plus the item's duration in order_accept), and a
    note for the union. Nothing is pre-filled that the union did not ask for: the day only when
    the union asked for a single day, the time never."""

    date = forms.DateField(
        label=gettext_lazy("Day"),
        widget=forms.DateInput(
            attrs={**TEXT, "type": "date", "data-testid": "accept-date"}, format="%Y-%m-%d"
        ),
    )
    time = forms.TimeField(
        label=gettext_lazy("Starts at"),
        widget=forms.TimeInput(attrs={**TEXT, "type": "time", "data-testid": "accept-time"}, format="%H:%M"),
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the union (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2, "data-testid": "accept-note"}),
    )

    def __init__(self, *args, order=None, **kwargs):
        one_day = order is not None and order.wanted_from == order.wanted_to
        if one_day and not args and "initial" not in kwargs:
            kwargs["initial"] = {"date": order.wanted_from}
        super().__init__(*args, **kwargs)
        if order is not None:  # the phone's date picker offers only the days the union asked for
            self.fields["date"].widget.attrs.update(
                {"min": order.wanted_from.isoformat(), "max": order.wanted_to.isoformat()}
            )

    def starts_at(self) -> dt.datetime:
        data = self.cleaned_data
        return timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you decline?"),
        max_length=300,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2, "data-testid": "decline-reason"}),
    )


class ScanForm(forms.Form):
    """A member card code (scanned with the camera or a hand scanner, or pasted)."""

    token = forms.CharField(
        label=gettext_lazy("Member card code or member number"),
        max_length=500,
        widget=forms.TextInput(
            attrs={
                **TEXT,
                "data-testid": "scan-token",
                "autocomplete": "off",
                "autocapitalize": "off",
                "enterkeyhint": "go",
            }
        ),
    )


class DeliverForm(forms.Form):
    attendees = forms.IntegerField(
        label=gettext_lazy("Attendees"),
        min_value=0,
        max_value=100000,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric", "data-testid": "deliver-attendees"}),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=5000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 4, "data-testid": "deliver-summary"}),
    )


def photo_kind(upload) -> str | None:
    """ "jpg", "png" or "webp" by the file's content (core.uploads), or None — also for files
    over 5 MB. Uploaded photos are served back, so anything else (HTML, SVG) is refused."""
    found = read_photo(upload)
    upload.seek(0)
    return found[1] if found else None


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
        widget=forms.Textarea(attrs={**TEXT, "rows": 2, "data-testid": "rate-comment"}),
    )


class NeedForm(forms.Form):
    """A worker's need: one of the survey menu's items and/or free text, and how many people."""

    item = forms.ChoiceField(label=gettext_lazy("A service from the menu"), required=False)
    text = forms.CharField(
        label=gettext_lazy("What do you need?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3, "data-testid": "need-text"}),
    )
    people = forms.IntegerField(
        label=gettext_lazy("How many people (optional)"),
        required=False,
        min_value=1,
        max_value=100000,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric", "data-testid": "need-people"}),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {str(i.pk): i for i in items}
        field = self.fields["item"]
        field.choices = [("", "—")] + [(k, i.title) for k, i in self.items.items()]  # type: ignore[attr-defined]
        field.widget.attrs.update({"class": "form-select", "data-testid": "need-item"})

    def clean(self) -> dict:
        data = super().clean() or {}
        data["item_obj"] = self.items.get(data.get("item") or "")  # need_submit checks the rest
        return data
