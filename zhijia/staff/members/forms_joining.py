"""Console forms for reviewing join applications and transfers. They parse input only; the rules
(reason required, where an application may go) live in members.services and come back as
ApplicationError, shown next to their field with staff.orgs.forms.apply_errors."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijia.members.services.joining import JOINABLE_LEVELS
from zhijia.orgs.enums import OrgStatus
from zhijia.orgs.models import Org
from zhijia.orgs.selectors import orgs_choice


def _attrs(testid: str, css: str = "form-control", **extra) -> dict:
    return {"class": css, "data-testid": testid, **extra}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs=_attrs("reason", rows=3)),
        help_text=_("The worker sees this reason."),
    )


class OrgPickField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return f"{obj.name} ({obj.get_level_display()})"


class ForwardForm(forms.Form):
    org = OrgPickField(
        label=_("Forward to"),
        queryset=None,
        widget=forms.Select(attrs=_attrs("forward-org", "form-select")),
    )

    def __init__(self, *args, targets: list[Org] | None, **kwargs):
        """`targets`: the choices shown; None when parsing a POST, where any active joinable
        union parses and members.services.joining.forward_allowed decides."""
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)
        if targets is None:
            field.queryset = orgs_choice(q=Q(status=OrgStatus.ACTIVE, level__in=JOINABLE_LEVELS))
        else:
            field.queryset = orgs_choice(ids=[t.pk for t in targets])


class TransferForm(forms.Form):
    to_org = forms.UUIDField(
        label=_("Receiving union"), widget=forms.HiddenInput(attrs={"data-testid": "transfer-to-org"})
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs=_attrs("transfer-reason", rows=2)),
    )
