"""Console: what an activity asks each enrolment (activities.questions) — the presets a
children's activity needs (guardian, pick-up person and phone, allergies and health notes,
emergency contact) and free questions (text, yes/no, one choice), each required or optional.
parse → access check (activities.manage) → activities.services.questions → render."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from zhijia.activities import questions as q
from zhijia.activities.enums import ActivityStatus
from zhijia.activities.permissions import access_activity
from zhijia.activities.services.questions import activity_questions_set
from zhijia.core.errors import ApplicationError, NotFound
from zhijia.staff.decorators import staff_required

T = "staff/activities/"
BLANK_ROWS = 3


class QuestionsForm(forms.Form):
    """One tick (and a "required" tick) per preset group, then free question rows `f<i>-…`
    (the existing ones and BLANK_ROWS empty ones; a row without a question is ignored)."""

    def __init__(self, *args, questions: list, **kwargs):
        super().__init__(*args, **kwargs)
        asked = {x["preset"]: x for x in questions if x.get("preset")}
        for key, (label, members) in q.PRESETS.items():
            on = any(m in asked for m in members)
            self.fields[f"p_{key}"] = forms.BooleanField(label=label, required=False, initial=on)
            self.fields[f"r_{key}"] = forms.BooleanField(
                label=pgettext_lazy("question", "Required"),
                required=False,
                initial=any(asked[m]["required"] for m in members if m in asked),
            )
        free = [x for x in questions if not x.get("preset")]
        self.rows = len(free) + BLANK_ROWS
        kinds = [(k, v) for k, v in q.KINDS.items() if k in q.FREE_KINDS]
        for i in range(self.rows):
            row = free[i] if i < len(free) else {}
            self.fields[f"f{i}-id"] = forms.CharField(
                required=False, initial=row.get("id", ""), widget=forms.HiddenInput
            )
            self.fields[f"f{i}-label"] = forms.CharField(
                label=gettext_lazy("Question"),
                required=False,
                max_length=q.MAX_LABEL,
                initial=row.get("label", ""),
            )
            self.fields[f"f{i}-kind"] = forms.ChoiceField(
                label=gettext_lazy("Answer"), choices=kinds, required=False, initial=row.get("kind", q.TEXT)
            )
            self.fields[f"f{i}-choices"] = forms.CharField(
                label=gettext_lazy("Choices, one a line"),
                required=False,
                max_length=q.MAX_CHOICES * (q.MAX_CHOICE + 1),
                initial="\n".join(row.get("choices") or []),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"f{i}-required"] = forms.BooleanField(
                label=pgettext_lazy("question", "Required"),
                required=False,
                initial=row.get("required", False),
            )
        for name, field in self.fields.items():
            css = (
                "form-check-input"
                if isinstance(field, forms.BooleanField)
                else "form-control form-control-sm"
            )
            if isinstance(field, forms.ChoiceField):
                css = "form-select form-select-sm"
            field.widget.attrs.update({"class": css, "data-testid": f"q-{name}"})

    def presets(self):
        return [(self[f"p_{key}"], self[f"r_{key}"]) for key in q.PRESETS]

    def free_rows(self):
        return [
            {n: self[f"f{i}-{n}"] for n in ("id", "label", "kind", "choices", "required")}
            for i in range(self.rows)
        ]

    def questions(self) -> list[dict]:
        """What the service takes: the presets ticked, then the free rows with a question."""
        data = self.cleaned_data
        out: list[dict] = []
        for key, (_label, members) in q.PRESETS.items():
            if data.get(f"p_{key}"):
                out += [{"preset": m, "required": bool(data.get(f"r_{key}"))} for m in members]
        for i in range(self.rows):
            if (data.get(f"f{i}-label") or "").strip():
                out.append(
                    {
                        "id": data.get(f"f{i}-id") or "",
                        "label": data[f"f{i}-label"],
                        "kind": data.get(f"f{i}-kind") or q.TEXT,
                        "choices": data.get(f"f{i}-choices") or "",
                        "required": bool(data.get(f"f{i}-required")),
                    }
                )
        return out


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def activity_questions(request, pk):
    """Show and change the activity's questions (activities.manage on the organiser)."""
    activity = access_activity(actor=request.user, id=pk)
    form = QuestionsForm(request.POST or None, questions=activity.questions or [])
    editable = activity.status in (ActivityStatus.DRAFT, ActivityStatus.PUBLISHED)
    if request.method == "POST" and form.is_valid():
        try:
            activity_questions_set(actor=request.user, activity=activity, questions=form.questions())
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            details = [str(m) for v in exc.fields.values() for m in v]
            form.add_error(None, " ".join(dict.fromkeys([str(exc.message), *details])))
        else:
            messages.success(request, _("Questions saved."))
            return redirect("staff:activity_questions", pk=activity.pk)
    context = {
        "a": activity,
        "form": form,
        "editable": editable,
        "asked": [
            {**x, "label": q.label(x), "kind_label": q.KINDS.get(x["kind"], "")}
            for x in activity.questions or []
        ],
    }
    return render(request, T + "questions.html", context)
