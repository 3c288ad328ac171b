"""Console forms for member ledgers: they only parse input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhijia.members.enums import DECLARED_BASES


def _attrs(testid: str, css: str = "form-control", **extra) -> dict:
    return {"class": css, "data-testid": testid, **extra}


class LedgerImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        widget=forms.ClearableFileInput(attrs=_attrs("import-file", accept=".xlsx")),
    )
    consent_basis = forms.ChoiceField(
        label=_("How the members in this ledger consented"),
        choices=[("", "—"), *[(b.value, b.label) for b in DECLARED_BASES]],
        help_text=_(
            'The union declares this for everyone in the ledger; each member sees it in "My data" '
            "and can withdraw it there."
        ),
        widget=forms.Select(attrs=_attrs("import-consent-basis", css="form-select")),
    )
    notice_version = forms.CharField(
        label=_("Version of the privacy notice they were shown"),
        max_length=20,
        widget=forms.TextInput(attrs=_attrs("import-notice-version", placeholder="2026-11")),
    )


class ExportRequestForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=500,
        help_text=_("Why the full data is needed; the approver and the audit trail see it."),
        widget=forms.Textarea(attrs=_attrs("export-purpose", rows=3)),
    )
