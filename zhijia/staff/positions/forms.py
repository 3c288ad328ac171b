"""Console forms of the service network. Forms only shape input; the services validate it (hours
grammar, coordinates, duplicate codes) and their field errors land back on these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhijia.positions.enums import Facility, PositionKind, PositionStatus, VisitorGroup, VisitService

DATUMS = [
    ("wgs84", _("WGS-84 (GPS)")),
    ("gcj02", _("GCJ-02 (Amap, Tencent)")),
    ("bd09", _("BD-09 (Baidu)")),
]
SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}
CHECKS = {"class": "form-check-input"}


def _text(label, *, required=False, max_length=200, **attrs):
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs={**TEXT, **attrs})
    )


class PositionForm(forms.Form):
    """New / edit. `hub_id` choices are the positions the user manages (set by the view)."""

    kind = forms.ChoiceField(label=_("Type"), choices=PositionKind.choices, widget=forms.Select(attrs=SELECT))
    name = _text(pgettext_lazy("place", "Name"), required=True)
    code = _text(_("Station code"), max_length=40)
    address = _text(pgettext_lazy("place", "Address"), required=True, max_length=300)
    division_code = _text(_("Administrative division code"), max_length=12, inputmode="numeric")
    division_name = _text(_("Administrative division"), max_length=100)
    lat = forms.FloatField(
        label=_("Latitude"), widget=forms.NumberInput(attrs={**TEXT, "step": "any", "inputmode": "decimal"})
    )
    lng = forms.FloatField(
        label=_("Longitude"), widget=forms.NumberInput(attrs={**TEXT, "step": "any", "inputmode": "decimal"})
    )
    datum = forms.ChoiceField(
        label=_("Coordinate system"),
        choices=DATUMS,
        initial="wgs84",
        widget=forms.Select(attrs=SELECT),
        help_text=_("Coordinates picked on Amap are GCJ-02, on Baidu Maps BD-09; they are stored as WGS-84."),
    )
    phone = _text(_("Service phone"), max_length=40, inputmode="tel")
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )
    facilities = forms.MultipleChoiceField(
        label=_("Facilities"),
        choices=Facility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKS),
    )
    visitor_groups = forms.MultipleChoiceField(
        label=_("Visitor groups served"),
        choices=VisitorGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKS),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=PositionStatus.choices, widget=forms.Select(attrs=SELECT)
    )
    verified = forms.BooleanField(label=_("Verified"), required=False)
    hub_id = forms.ChoiceField(label=_("Hub"), required=False, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, hubs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub_id"].choices = [("", _("— none —")), *[(str(p.pk), p.name) for p in hubs]]

    def data_for_service(self) -> dict:
        """The cleaned values in the shape of positions.services `data`."""
        data = dict(self.cleaned_data)
        data["code"] = data["code"].strip() or None
        data["hub_id"] = data["hub_id"] or None
        return data


class HoursForm(forms.Form):
    hours = forms.CharField(
        label=_("Weekly opening hours"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3, "class": "form-control font-monospace"}),
        help_text=_(
            "Days then times, groups separated by ; or new lines. Examples: "
            "Mon-Fri 08:00-20:00; Sat,Sun 09:00-17:00 — Daily 00:00-24:00 — "
            "周一至周五 08:00-12:00、14:00-18:00"
        ),
    )
    hours_note = _text(_("Note on hours"), placeholder=_("e.g. closed during typhoon warnings"))


class ExceptionForm(forms.Form):
    """One dated exception: closed all day, or special hours for that date."""

    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"),
    )
    closed = forms.BooleanField(
        label=_("Closed all day"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    hours = _text(_("Hours that day"), max_length=100, placeholder="09:00-12:00, 14:00-17:00")


ExceptionFormSet = forms.formset_factory(ExceptionForm, extra=3, max_num=60, absolute_max=60)


class RoomForm(forms.Form):
    name = _text(_("Room name"), required=True, max_length=100)
    category = _text(_("Category"), max_length=50)
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=0, max_value=100000, initial=0, widget=forms.NumberInput(attrs=TEXT)
    )
    note = _text(_("Note"))


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = _text(_("Caption"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".xlsx"}),
    )


class VisitForm(forms.Form):
    """A visitor checked in: a scanned member card or an anonymous visitor group."""

    position = forms.ChoiceField(label=_("Station"), widget=forms.Select(attrs=SELECT))
    card_token = forms.CharField(
        label=_("Member card code"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off", "autofocus": True}),
        help_text=_(
            "Scan the member's card with a scanner into this field, "
            "or leave it empty for an anonymous visitor."
        ),
    )
    visitor_group = forms.ChoiceField(
        label=_("Visitor group"),
        required=False,
        choices=[("", _("— from the card —")), *VisitorGroup.choices],
        widget=forms.Select(attrs=SELECT),
    )
    services = forms.MultipleChoiceField(
        label=_("Services given"),
        choices=VisitService.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKS),
    )
    note = _text(_("Note"))

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [(str(p.pk), p.name) for p in stations]

    def clean(self):
        data = super().clean()
        if not data.get("card_token") and not data.get("visitor_group"):
            self.add_error("visitor_group", _("Scan a member card or choose the visitor group."))
        return data
