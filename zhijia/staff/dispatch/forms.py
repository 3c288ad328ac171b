"""Console forms of expert services. They only parse and shape input; every rule (what may be
ordered, who may be dispatched, budgets) is decided by zhijia.dispatch.services, whose errors
land on these forms through zhijia.web.responses.apply_errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhijia.dispatch.enums import ExpertKind, ItemFormat, Payer
from zhijia.orgs.models import Org
from zhijia.orgs.selectors import orgs_choice
from zhijia.staff.members.forms_registry import NoEchoTextInput

DATE = {"type": "date"}


def _style(form: forms.BaseForm, prefix: str = "") -> None:
    """Bootstrap classes and a data-testid on every widget."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = ""
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if css:
            widget.attrs.setdefault("class", css)
        widget.attrs.setdefault("data-testid", f"{prefix}{name}")


class StyledForm(forms.Form):
    prefix_testid = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self, self.prefix_testid)


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs=DATE))


def _text(label, rows=3, required=False, max_length=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# --- orders ------------------------------------------------------------------------------------


class OrderFieldsForm(StyledForm):
    """When, where and for how many: what every order states."""

    wanted_from = _date(_("Wanted from"))
    wanted_to = _date(_("Wanted until"))
    place = forms.CharField(label=_("Place"), max_length=200)
    audience = forms.IntegerField(label=_("Expected attendance"), min_value=1)
    contact_name = forms.CharField(label=_("Contact"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=30,
        required=False,
        widget=NoEchoTextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    note = _text(_("Note"), max_length=2000)

    def clean(self):
        data = super().clean()
        start, end = data.get("wanted_from"), data.get("wanted_to")
        if start and end and end < start:
            self.add_error("wanted_to", _("The end date must not be before the start date."))
        return data


class OrderForm(OrderFieldsForm):
    """An order of one item (chosen before, ?item=) for one of the user's unions."""

    org = forms.ModelChoiceField(label=_("Ordering union"), queryset=None)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        field.queryset = orgs  # type: ignore[attr-defined]
        field.label_from_instance = lambda o: o.display_name  # type: ignore[attr-defined]
        self.order_fields(["org"])


class NeedOrderForm(OrderFieldsForm):
    """A need turned into an order for the need's union: the service is picked here."""

    item = forms.TypedChoiceField(label=_("Service"), coerce=str)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {str(i.pk): i for i in items}
        self.fields["item"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(i.pk), f"{i.category} · {i.title}") for i in items
        ]
        self.order_fields(["item"])

    def clean_item(self):
        return self.items.get(self.cleaned_data["item"])


class DispatchForm(StyledForm):
    expert_id = forms.TypedChoiceField(label=_("Expert"), coerce=str, widget=forms.RadioSelect)
    override_budget = forms.BooleanField(
        label=_("Dispatch even if the budget is exceeded"),
        required=False,
        help_text=_("Recorded on the order. Only for holders of the budget permission."),
    )

    def __init__(self, *args, suggestions, may_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.experts = {str(s.expert.pk): s.expert for s in suggestions}
        self.fields["expert_id"].choices = [  # type: ignore[attr-defined]
            (str(s.expert.pk), s.expert.name) for s in suggestions
        ]
        if not may_override:
            del self.fields["override_budget"]

    def clean_expert_id(self):
        return self.experts.get(self.cleaned_data["expert_id"])


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(StyledForm):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = _text(_("Comment"), rows=2, max_length=500)


# --- menus -------------------------------------------------------------------------------------


class MenuForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = _text(_("Introduction"), rows=3)
    payer = forms.ChoiceField(label=_("Who pays"), choices=Payer.choices, initial=Payer.DISPATCHING)


class ItemForm(StyledForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Stays the same in every version; experts' specialties name it."),
    )
    category = forms.CharField(label=_("Category"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = _text(_("Description"), rows=3)
    format = forms.ChoiceField(label=_("Format"), choices=ItemFormat.choices)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, initial=120)
    audience_min = forms.IntegerField(label=_("Smallest audience"), min_value=1, initial=1)
    audience_max = forms.IntegerField(label=_("Largest audience"), min_value=1, initial=100)
    cost = forms.DecimalField(
        label=_("Cost standard (yuan)"), min_value=0, max_digits=10, decimal_places=2, initial=0
    )
    qualification = forms.CharField(
        label=_("Qualification required"),
        max_length=100,
        required=False,
        help_text=_("The expert needs an unexpired certificate of this name, e.g. 心理咨询师."),
    )
    orderable_org = forms.ModelChoiceField(
        label=_("Who may order (union and its subtree)"),
        queryset=None,
        required=False,
        empty_label=_("The menu's union and its subtree"),
    )
    order = forms.IntegerField(label=_("Position in the list"), min_value=0, initial=0, required=False)

    FIELDS = (
        "code", "category", "title", "description", "format", "duration_minutes", "audience_min",
        "audience_max", "cost", "qualification", "orderable_org", "order",
    )  # fmt: skip

    def __init__(self, *args, menu_org: Org, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["orderable_org"]
        field.queryset = orgs_choice(within=menu_org)  # type: ignore[attr-defined]
        field.label_from_instance = lambda o: o.display_name  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        low, high = data.get("audience_min"), data.get("audience_max")
        if low is not None and high is not None and high < low:
            self.add_error("audience_max", _("The largest audience must not be below the smallest."))
        if data.get("order") is None:
            data["order"] = 0
        return data


# --- experts -----------------------------------------------------------------------------------


class ExpertForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExpertKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(
        label=_("Title"), max_length=100, required=False, help_text=_("e.g. 国家二级心理咨询师, 劳动模范")
    )
    bio = _text(_("Introduction"), rows=3)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        help_text=_("Dispatch notices are sent here."),
        widget=NoEchoTextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    specialties = forms.MultipleChoiceField(
        label=_("Specialties (menu items)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    service_area_ids = forms.ModelMultipleChoiceField(
        label=_("Service area (unions and subtrees)"),
        queryset=None,
        required=False,
        help_text=_("Empty: the pool's union and its subtree."),
    )
    monthly_capacity = forms.IntegerField(
        label=_("Orders per month at most"), min_value=0, max_value=1000, initial=8
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    member_ids = forms.MultipleChoiceField(
        label=_("Team members"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a team: the experts in it."),
    )

    def __init__(self, *args, org: Org, specialties, members, phone_now: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if phone_now:  # editing: the stored phone is never sent to the browser
            self.fields["phone"].help_text = _("Now %(value)s. Leave blank to keep it.") % {
                "value": phone_now
            }
        self.fields["specialties"].choices = specialties  # type: ignore[attr-defined]
        self.fields["member_ids"].choices = [(str(e.pk), e.name) for e in members]  # type: ignore[attr-defined]
        areas = self.fields["service_area_ids"]
        areas.queryset = orgs_choice(within=org)  # type: ignore[attr-defined]
        areas.label_from_instance = lambda o: o.display_name  # type: ignore[attr-defined]
        areas.widget.attrs["size"] = 6

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["specialties"] = list(data.get("specialties") or [])
        data["service_area_ids"] = [o.pk for o in data.get("service_area_ids") or []]
        data["member_ids"] = list(data.get("member_ids") or [])
        return data


class QualificationForm(StyledForm):
    prefix_testid = "qualification-"
    name = forms.CharField(label=_("Qualification"), max_length=100)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=64, required=False)
    expires_on = _date(_("Valid until"), required=False)


class UnavailabilityForm(StyledForm):
    prefix_testid = "unavailable-"
    starts_on = _date(_("From"))
    ends_on = _date(_("Until"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end date must not be before the start date."))
        return data


class LinkLoginForm(StyledForm):
    username = forms.CharField(
        label=_("Login name"),
        max_length=150,
        help_text=_("The expert's staff account; it gets the expert role on this union."),
    )


# --- budgets and surveys -----------------------------------------------------------------------


class BudgetForm(StyledForm):
    org = forms.ModelChoiceField(label=_("Union"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("Budget (yuan)"), min_value=0, max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        field.queryset = orgs  # type: ignore[attr-defined]
        field.label_from_instance = lambda o: o.display_name  # type: ignore[attr-defined]


class SurveyForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = _text(_("Introduction"), rows=3)
    menu = forms.TypedChoiceField(
        label=_("Menu to pick from"),
        coerce=str,
        required=False,
        help_text=_("Optional: workers and unions may pick items of this menu."),
    )
    closes_on = _date(_("Closes on"), required=False)

    def __init__(self, *args, menus, **kwargs):
        super().__init__(*args, **kwargs)
        self.menus = {str(m.pk): m for m in menus}
        self.fields["menu"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(m.pk), m.title) for m in menus
        ]

    def clean_menu(self):
        return self.menus.get(self.cleaned_data.get("menu") or "")
