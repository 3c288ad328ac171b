"""Console forms of benefits: a campaign (with its release rounds as a formset and the
"N a day at HH:MM for D days" generator), merchants, outlets, cashiers, voucher search and revoke,
redemption reversal. Forms only parse; every rule lives in zhijia.benefits.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhijia.benefits.enums import Allocation, Experience, VoucherKind
from zhijia.members.enums import Occupation
from zhijia.orgs.models import Org
from zhijia.orgs.selectors import orgs_choice

DT_FORMAT = "%Y-%m-%dT%H:%M"
DT_INPUTS = [DT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _dt(label, required=False, **kw):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DT_INPUTS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DT_FORMAT),
        **kw,
    )


def _money(label, **kw):
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2, min_value=0, **kw)


def style(form: forms.BaseForm, prefix: str = "") -> None:
    """Bootstrap classes and a data-testid on every widget."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.HiddenInput):
            css = ""
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if css:
            widget.attrs.setdefault("class", css)
        widget.attrs.setdefault("data-testid", f"{prefix}{name}")


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label=_("Voucher kind"), choices=VoucherKind.choices)
    experience = forms.ChoiceField(
        label=_("Experience"),
        choices=[("", "—"), *Experience.choices],
        required=False,
        help_text=_("For experience vouchers: recuperation trip, health check, cinema …"),
    )
    face_value = _money(_("Face value (yuan)"))
    threshold = _money(
        _("Minimum bill (yuan)"),
        initial=0,
        help_text=_("满 threshold 减 face value: the bill must reach this amount. 0 for none."),
    )
    total = forms.IntegerField(label=_("Total quantity"), min_value=1)
    allocation = forms.ChoiceField(
        label=_("Allocation"),
        choices=Allocation.choices,
        widget=forms.RadioSelect,
        initial=Allocation.FIRST_COME,
    )
    carry_over = forms.BooleanField(
        label=_("Unclaimed stock carries over to the next round"), required=False, initial=True
    )
    valid_from = _dt(_("Valid from"), required=True)
    valid_until = _dt(_("Valid until"), required=True)
    valid_days = forms.IntegerField(
        label=_("Valid for days after claiming"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Empty: until the end of validity."),
    )
    merchants = forms.ModelMultipleChoiceField(
        label=_("Participating merchants"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    outlets = forms.ModelMultipleChoiceField(
        label=_("Only these outlets"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every outlet of the participating merchants."),
    )
    eligible_org = forms.ModelChoiceField(
        label=_("Only members of this union and its subtree"),
        queryset=None,
        required=False,
        help_text=_("Empty: members of the funding union and its subtree."),
    )
    occupations = forms.MultipleChoiceField(
        label=_("Only these occupations"),
        choices=Occupation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    joined_before = forms.DateField(
        label=_("Joined before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    per_person = forms.IntegerField(label=_("At most per person"), min_value=1, max_value=100, initial=1)
    per_day = forms.BooleanField(
        label=_("One per person per day"),
        required=False,
        help_text=_("A member may claim again the next day (e.g. one coupon a day for couriers)."),
    )
    register_opens_at = _dt(_("Registration opens"))
    register_closes_at = _dt(_("Registration closes"))
    reserve_list = forms.BooleanField(
        label=_("Keep a reserve list"),
        required=False,
        initial=True,
        help_text=_("Entries not drawn move up when winners do not redeem in time."),
    )
    redeem_within_days = forms.IntegerField(
        label=_("Winners must redeem within (days)"), min_value=1, max_value=365, required=False
    )

    FK = ("eligible_org",)
    M2M = ("merchants", "outlets")

    def __init__(self, *args, unit: Org, merchants, outlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchants"].queryset = merchants
        self.fields["outlets"].queryset = outlets
        self.fields["outlets"].label_from_instance = lambda o: f"{o.merchant.name} · {o.name}"
        self.fields["eligible_org"].queryset = orgs_choice(within=unit)
        self.fields["eligible_org"].label_from_instance = lambda o: o.display_name
        style(self)

    def data_for_service(self) -> dict:
        """Keyword arguments for campaign_create / campaign_update."""
        data = dict(self.cleaned_data)
        data["occupations"] = list(data.get("occupations") or [])
        data["merchants"] = list(data.get("merchants") or [])
        data["outlets"] = list(data.get("outlets") or [])
        if data.get("kind") != VoucherKind.EXPERIENCE:
            data["experience"] = ""
        if data.get("threshold") is None:
            data["threshold"] = 0
        return data


class RoundForm(forms.Form):
    opens_at = _dt(_("Opens"), required=True)
    closes_at = _dt(_("Closes"), required=True)
    stock = forms.IntegerField(label=_("Stock"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self, "round-")

    def clean(self):
        data = super().clean()
        start, end = data.get("opens_at"), data.get("closes_at")
        if start and end and end <= start:
            self.add_error("closes_at", _("A round must close after it opens."))
        return data


class BaseRoundFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """Kept rows in opening order, without the formset's DELETE flag."""
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        rows = [{k: v for k, v in row.items() if k != "DELETE"} for row in kept]
        return sorted(rows, key=lambda r: r["opens_at"])


RoundFormSet = forms.formset_factory(
    RoundForm, formset=BaseRoundFormSet, extra=0, can_delete=True, min_num=0, max_num=366
)


class RoundsGeneratorForm(forms.Form):
    """Fills the rounds table: `per_day` vouchers a day from `start` (date and time) for `days`
    days, each round open for `hours` (benefits.services.campaigns.rounds_daily)."""

    gen_start = _dt(_("First round opens"), required=True)
    gen_days = forms.IntegerField(label=_("For (days)"), min_value=1, max_value=366, initial=10)
    gen_per_day = forms.IntegerField(label=_("Vouchers a day"), min_value=1, initial=1000)
    gen_hours = forms.DecimalField(
        label=_("Each round open for (hours)"),
        min_value=0.5,
        max_value=24,
        decimal_places=1,
        initial=24,
        help_text=_("24: until the next day's release."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class MerchantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    contact_name = forms.CharField(label=_("Contact"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self, "merchant-")


class OutletForm(forms.Form):
    name = forms.CharField(label=_("Outlet name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self, "outlet-")


class CashierForm(forms.Form):
    who = forms.CharField(
        label=_("Username or phone"),
        max_length=50,
        help_text=_("An existing account. It gets the merchant cashier role on the merchant's union."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self, "cashier-")


class VoucherSearchForm(forms.Form):
    code = forms.CharField(
        label=_("Voucher code"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("The 12-character code, or the scanned QR text."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self, "voucher-")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
