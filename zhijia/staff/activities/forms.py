"""Console forms of activities: the activity with its sessions (a formset), cancel, enrol on
someone's behalf, bulk enrolment of a union's members, the check-in scan box and walk-ins."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijia.activities.enums import ActivityKind, Delivery
from zhijia.catalog.selectors import items_for_activities
from zhijia.members.enums import Occupation
from zhijia.orgs.enums import OrgStatus
from zhijia.orgs.models import Org
from zhijia.orgs.selectors import orgs_choice
from zhijia.orgs.tree import subtree_q
from zhijia.positions.enums import VisitorGroup
from zhijia.positions.selectors.lists import positions_of_subtree, rooms_of_subtree

DT_FORMAT = "%Y-%m-%dT%H:%M"


def _dt(label, required=False):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DT_FORMAT),
    )


def _style(form: forms.BaseForm, prefix: str = "") -> None:
    """Bootstrap classes and a data-testid on every widget."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            css = ""
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if css:
            widget.attrs.setdefault("class", css)
        widget.attrs.setdefault("data-testid", f"{prefix}{name}")


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.CharField(label=_("Category"), max_length=100, required=False)
    position = forms.ModelChoiceField(label=_("Position"), queryset=None, required=False)
    room = forms.ModelChoiceField(label=_("Room"), queryset=None, required=False)
    place_note = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, initial=30)
    per_session = forms.BooleanField(
        label=_("Enrol per session (drop-in)"),
        required=False,
        help_text=_("Each session has its own capacity and people enrol for single sessions."),
    )
    registration_opens_at = _dt(_("Registration opens"))
    registration_closes_at = _dt(_("Registration closes"))
    waitlist_enabled = forms.BooleanField(label=_("Waiting list"), required=False, initial=True)
    offer_hold_minutes = forms.IntegerField(
        label=_("Hold an offered place for (minutes)"), min_value=1, initial=24 * 60
    )
    requires_approval = forms.BooleanField(label=_("Approval required"), required=False)
    allow_walk_ins = forms.BooleanField(label=_("Walk-ins welcome"), required=False)
    members_only = forms.BooleanField(label=_("Members only"), required=False, initial=True)
    eligible_org = forms.ModelChoiceField(
        label=_("Only members of this union and its subtree"), queryset=None, required=False
    )
    occupations = forms.MultipleChoiceField(
        label=_("Only these occupations"),
        choices=Occupation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    for_children = forms.BooleanField(label=_("For members' children"), required=False)
    child_age_min = forms.IntegerField(label=_("Youngest age"), min_value=0, max_value=18, required=False)
    child_age_max = forms.IntegerField(label=_("Oldest age"), min_value=0, max_value=18, required=False)
    limit_group = forms.CharField(
        label=_("Limit group"),
        max_length=100,
        required=False,
        help_text=_("Activities sharing a limit group count together, e.g. one winter camp per child."),
    )
    limit_count = forms.IntegerField(label=_("At most per person in the group"), min_value=1, required=False)
    certificate = forms.BooleanField(label=_("Certificate of completion"), required=False)
    materials = forms.CharField(
        label=_("Materials"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contact = forms.CharField(label=_("Contact"), max_length=100, required=False)
    service_item = forms.ModelChoiceField(
        label=_("Service-list item"),
        queryset=None,
        required=False,
        help_text=_("The published service this activity delivers."),
    )
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("Co-organisers"),
        queryset=None,
        required=False,
        help_text=_("Sister unions and the unions directly below this one."),
    )

    FK = ("position", "room", "eligible_org", "service_item")

    def __init__(self, *args, unit: Org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = positions_of_subtree(unit.path)
        self.fields["room"].queryset = rooms_of_subtree(unit.path)
        self.fields["room"].label_from_instance = lambda r: f"{r.position.name} · {r.name}"
        self.fields["eligible_org"].queryset = orgs_choice(within=unit)
        self.fields["service_item"].queryset = items_for_activities(unit)
        self.fields["service_item"].label_from_instance = lambda i: f"{i.category.name} · {i.name}"
        family = subtree_q(unit.parent.path) if unit.parent_id else subtree_q(unit.path)
        self.fields["co_organisers"].queryset = orgs_choice(
            q=family & Q(depth__lte=unit.depth + 1, status=OrgStatus.ACTIVE) & ~Q(pk=unit.pk)
        )
        self.fields["co_organisers"].widget.attrs["size"] = 6
        _style(self)

    def clean(self):
        data = super().clean()
        room, position = data.get("room"), data.get("position")
        if room and position and room.position_id != position.pk:
            self.add_error("room", _("This room belongs to another position."))
        if room and not position:
            data["position"] = room.position
        low, high = data.get("child_age_min"), data.get("child_age_max")
        if low is not None and high is not None and low > high:
            self.add_error("child_age_max", _("The oldest age must not be below the youngest."))
        return data

    def data_for_service(self) -> dict:
        """The dict the activities services take (foreign keys as *_id)."""
        data = dict(self.cleaned_data)
        for name in self.FK:
            obj = data.pop(name, None)
            data[f"{name}_id"] = obj.pk if obj else None
        data["occupations"] = list(data.get("occupations") or [])
        data["co_organiser_ids"] = [org.pk for org in data.pop("co_organisers", None) or []]
        return data


class SessionForm(forms.Form):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Session title"), max_length=200, required=False)
    starts_at = _dt(_("Starts"), required=True)
    ends_at = _dt(_("Ends"), required=True)
    live_url = forms.URLField(label=_("Live stream link"), required=False, assume_scheme="https")
    replay_url = forms.URLField(label=_("Replay link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Session capacity"), min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self, "session-")

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("A session must end after it starts."))
        return data


class BaseSessionFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """Kept rows, in start order, without the formset's DELETE flag."""
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        rows = [{k: v for k, v in row.items() if k != "DELETE"} for row in kept]
        return sorted(rows, key=lambda r: r["starts_at"])

    def deleted_ids(self) -> list:
        return [
            f.cleaned_data["id"]
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("DELETE") and f.cleaned_data.get("id")
        ]

    def clean(self):
        super().clean()
        if not any(self.errors) and not self.rows():
            raise forms.ValidationError(_("Add at least one session."))


SessionFormSet = forms.formset_factory(
    SessionForm, formset=BaseSessionFormSet, extra=0, can_delete=True, min_num=1, max_num=60
)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "data-testid": "cancel-reason"}),
        help_text=_("Sent to everyone enrolled."),
    )


class EnrolForm(forms.Form):
    who = forms.CharField(
        label=_("Member number or card code"),
        max_length=500,
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "off", "data-testid": "enrol-who"}
        ),
        help_text=_("Type the member number, or scan the member's card."),
    )


class BulkForm(forms.Form):
    union = forms.ModelChoiceField(label=_("Grassroots union"), queryset=None)
    mode = forms.ChoiceField(
        label=_("If someone cannot be enrolled"),
        choices=[
            ("partial", _("Enrol everyone else (partial)")),
            ("all_or_nothing", _("Enrol nobody (all or nothing)")),
        ],
        widget=forms.RadioSelect,
        initial="partial",
    )

    def __init__(self, *args, unit: Org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = orgs_choice(within=unit)
        self.fields["union"].widget.attrs.update({"class": "form-select", "data-testid": "bulk-union"})


class ScanForm(forms.Form):
    token = forms.CharField(
        label=_("Member card code"),
        max_length=500,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "autocomplete": "off",
                "spellcheck": "false",
                "autofocus": True,
                "data-testid": "scan-token",
            }
        ),
        help_text=_("Scan the member's QR code with a scanner, or paste the scanned text."),
    )


class WalkInForm(forms.Form):
    visitor_group = forms.ChoiceField(
        label=_("Visitor group"),
        choices=VisitorGroup.choices,
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "walkin-group"}),
    )
