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


class AnswersForm(forms.Form):
    """The activity's own questions (activities.questions), one field `a-<question id>` each.
    Parsing only: every field is optional here; what is required and what is valid is decided
    by activities.questions.clean_answers inside enrolment_create, whose errors (named
    `answers.<id>`) come back next to their field."""

    def __init__(self, *args, questions: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked = questions
        for question in questions:
            self.fields[f"a-{question['id']}"] = _answer_field(question)

    def answers(self) -> dict[str, str]:
        return {q["id"]: str(self.data.get(f"a-{q['id']}", "")) for q in self.asked}

    def without_phones(self) -> "AnswersForm":
        """Never echo a phone number back into the page (the person types it again)."""
        from zhijia.activities.questions import PHONE

        if self.is_bound:
            data = self.data.copy()
            for question in self.asked:
                if question["kind"] == PHONE:
                    data[f"a-{question['id']}"] = ""
            self.data = data
        return self

    def add_service_errors(self, fields: dict) -> bool:
        """Put `answers.<id>` errors next to their questions; False when there were none."""
        found = False
        for key, messages in fields.items():
            name = "a-" + key.removeprefix("answers.")
            if key.startswith("answers.") and name in self.fields:
                for message in messages:
                    self.add_error(name, str(message))
                found = True
        return found


def _answer_field(question: dict) -> forms.Field:
    from zhijia.activities import questions as q

    label = q.label(question)
    testid = {"data-testid": f"answer-{question['id']}"}
    common = {"label": label, "required": False}
    kind = question["kind"]
    if kind == q.YES_NO:
        choices = [(q.YES, gettext_lazy("Yes")), (q.NO, gettext_lazy("No"))]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect(attrs=testid), **common)
    if kind == q.CHOICE:
        choices = [(c, c) for c in question.get("choices") or []]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect(attrs=testid), **common)
    if kind == q.PHONE:
        attrs = {
            "class": "form-control form-control-lg",
            "type": "tel",
            "inputmode": "tel",
            "autocomplete": "off",
            **testid,
        }
        return forms.CharField(max_length=30, widget=forms.TextInput(attrs=attrs), **common)
    if question.get("preset") and question["preset"] != "health":  # a name: one line
        attrs = {"class": "form-control form-control-lg", "autocomplete": "off", **testid}
        return forms.CharField(max_length=q.MAX_ANSWER, widget=forms.TextInput(attrs=attrs), **common)
    attrs = {"class": "form-control", "rows": 2, **testid}
    return forms.CharField(max_length=q.MAX_ANSWER, widget=forms.Textarea(attrs=attrs), **common)
