"""Forms of the worker's voucher pages and the merchant till. They only parse; the rules are in
zhijia.benefits."""

from django import forms
from django.utils.translation import gettext_lazy


class ClaimForm(forms.Form):
    """The claim button: `key` is the idempotency key the page drew when it rendered."""

    key = forms.CharField(max_length=100, required=False)


class CodeForm(forms.Form):
    """The till's first step: what the camera read (the signed QR payload) or the typed code."""

    code = forms.CharField(label=gettext_lazy("Voucher code"), max_length=600, strip=True)


class RedeemForm(CodeForm):
    """The till's confirmation: the code again, the bill, and the key drawn with the preview."""

    bill = forms.DecimalField(
        label=gettext_lazy("Bill amount (yuan)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        localize=False,
    )
    key = forms.CharField(max_length=100, required=False)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)
