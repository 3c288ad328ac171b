"""Console forms for member ledgers: they only parse input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _


def _attrs(testid: str, css: str = "form-control", **extra) -> dict:
    return {"class": css, "data-testid": testid, **extra}


class LedgerImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        widget=forms.ClearableFileInput(attrs=_attrs("import-file", accept=".xlsx")),
    )


class ExportRequestForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=500,
        help_text=_("Why the full data is needed; the approver and the audit trail see it."),
        widget=forms.Textarea(attrs=_attrs("export-purpose", rows=3)),
    )
