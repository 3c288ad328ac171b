"""An activity's own questions, asked of each enrolment (a children's camp asks for the
guardian, who picks the child up, allergies and an emergency contact), and their answers.

`Activity.questions` is a list of `{"id", "kind", "label", "required", "choices", "preset"}`:
- `kind`: text | phone | yes_no | choice (one of `choices`);
- `preset`: one of PRESETS' question keys (then `label` is empty and shown translated) or "";
- `id`: stable across edits (a preset's id is its key; a free question's is `q-<hex>`), so the
  answers of earlier enrolments keep their question.

Answers are stored on the enrolment as JSON `{question id: value}` in an encrypted column
(`Enrolment.answers`): they hold health notes and other people's phone numbers. Rosters show
them through `answer_rows`, which masks every phone number (`138****1234`), whether asked as a
phone or typed into a text answer. `clean_questions` is the console's and the API's one rule set
for what an activity asks; `clean_answers` the enrolment's (phone and API alike).
"""

import json
import re
import uuid
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijia.core.errors import ValidationFailed
from zhijia.core.masking import mask_phone, mask_text
from zhijia.core.validators.text import clean_name, has_control_chars, normalize

TEXT, PHONE, YES_NO, CHOICE = "text", "phone", "yes_no", "choice"
KINDS = {
    TEXT: gettext_lazy("Text"),
    PHONE: gettext_lazy("Phone number"),
    YES_NO: gettext_lazy("Yes / no"),
    CHOICE: gettext_lazy("One choice"),
}
FREE_KINDS = (TEXT, YES_NO, CHOICE)  # what a free question may be (phones come with presets)

# question key -> (kind, label)
PRESET_QUESTIONS: dict[str, tuple[str, Any]] = {
    "guardian": (TEXT, gettext_lazy("Guardian's name")),
    "pickup_name": (TEXT, gettext_lazy("Who picks the child up")),
    "pickup_phone": (PHONE, gettext_lazy("Phone of the person picking up")),
    "health": (TEXT, gettext_lazy("Allergies and health notes")),
    "emergency_name": (TEXT, gettext_lazy("Emergency contact")),
    "emergency_phone": (PHONE, gettext_lazy("Emergency contact's phone")),
}
# what the console offers as one tick -> the questions it adds
PRESETS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "guardian": (gettext_lazy("Guardian's name"), ("guardian",)),
    "pickup": (gettext_lazy("Pick-up person and phone"), ("pickup_name", "pickup_phone")),
    "health": (gettext_lazy("Allergies and health notes"), ("health",)),
    "emergency": (gettext_lazy("Emergency contact and phone"), ("emergency_name", "emergency_phone")),
}
MAX_QUESTIONS = 20
MAX_LABEL = 200
MAX_CHOICES = 20
MAX_CHOICE = 100
MAX_ANSWER = 500
YES, NO = "yes", "no"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_HK_PHONE = re.compile(r"^(?:852)?[2-9]\d{7}$")


def label(question: dict[str, Any]) -> str:
    """What the question says, in the current language for a preset."""
    preset = question.get("preset") or ""
    if preset in PRESET_QUESTIONS:
        return str(PRESET_QUESTIONS[preset][1])
    return str(question.get("label") or "")


def _text(value: Any, limit: int, *, lines: bool = False) -> str | None:
    """Normalised text (line breaks allowed when `lines`), or None when it is too long or holds
    control characters."""
    text = clean_name(str(value or "")).replace("\r\n", "\n")
    allowed = text.replace("\n", "").replace("\t", "") if lines else text
    if len(text) > limit or has_control_chars(allowed):
        return None
    return text


def _free(raw: dict[str, Any], index: int, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    where = f"questions.{index}"
    kind = str(raw.get("kind") or "")
    text = _text(raw.get("label"), MAX_LABEL)
    if kind not in FREE_KINDS:
        errors[f"{where}.kind"] = [_("Choose a valid option.")]
    if not text:
        errors[f"{where}.label"] = [
            _("Write the question (at most %(n)s characters, no control characters).") % {"n": MAX_LABEL}
        ]
    choices: list[str] = []
    if kind == CHOICE:
        raw_choices = raw.get("choices") or []
        if isinstance(raw_choices, str):
            raw_choices = raw_choices.splitlines()
        cleaned = [_text(c, MAX_CHOICE) for c in list(raw_choices)[: MAX_CHOICES + 1]]
        choices = list(dict.fromkeys(c for c in cleaned if c))
        if None in cleaned or len(choices) < 2 or len(list(raw_choices)) > MAX_CHOICES:
            errors[f"{where}.choices"] = [
                _("Give 2 to %(n)s choices, one a line (at most %(len)s characters each).")
                % {"n": MAX_CHOICES, "len": MAX_CHOICE}
            ]
    qid = str(raw.get("id") or "")
    if not re.fullmatch(r"q-[0-9a-f]{8,32}", qid):
        qid = f"q-{uuid.uuid4().hex[:12]}"
    if kind not in FREE_KINDS or not text:
        return None
    return {
        "id": qid,
        "kind": kind,
        "label": text,
        "required": bool(raw.get("required")),
        "choices": choices,
        "preset": "",
    }


def clean_questions(raw: Any) -> list[dict[str, Any]]:
    """Validate what an activity asks: a list of presets (`{"preset": key, "required": bool}`)
    and free questions (`{"kind", "label", "required", "choices", "id"?}`). Errors name
    `questions.<index>.<field>`; a preset asked twice counts once."""
    if not isinstance(raw, list | tuple):
        raise ValidationFailed(_("Some fields are not valid."), fields={"questions": [_("Give a list.")]})
    if len(raw) > MAX_QUESTIONS:
        message = _("At most %(n)s questions.") % {"n": MAX_QUESTIONS}
        raise ValidationFailed(message, fields={"questions": [message]})
    errors: dict[str, list[str]] = {}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            errors[f"questions.{index}"] = [_("Choose a valid option.")]
            continue
        preset = str(item.get("preset") or "")
        if preset:
            if preset not in PRESET_QUESTIONS:
                errors[f"questions.{index}.preset"] = [_("Choose a valid option.")]
            elif preset not in seen:
                kind = PRESET_QUESTIONS[preset][0]
                required = bool(item.get("required"))
                out.append(
                    {
                        "id": preset,
                        "kind": kind,
                        "label": "",
                        "required": required,
                        "choices": [],
                        "preset": preset,
                    }
                )
            seen.add(preset)
            continue
        question = _free(item, index, errors)
        if question is not None and question["id"] not in seen:
            seen.add(question["id"])
            out.append(question)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return out


def _phone(value: str) -> str | None:
    digits = normalize(value).replace(" ", "").replace("-", "")
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.match(digits) or _HK_PHONE.match(digits):
        return digits
    return None


def _answer(question: dict[str, Any], value: Any) -> tuple[str, str | None]:
    """(clean value, error message or None); "" for no answer."""
    kind = question.get("kind")
    if value is None or (isinstance(value, str) and not value.strip()):
        return "", None
    if kind == YES_NO:
        if value is True or str(value).strip().lower() in ("yes", "true", "1", "on"):
            return YES, None
        if value is False or str(value).strip().lower() in ("no", "false", "0", "off"):
            return NO, None
        return "", _("Answer yes or no.")
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return "", _("Enter text.")
    text = str(value)
    if kind == PHONE:
        phone = _phone(text) if len(text) <= 30 else None
        return (
            (phone, None)
            if phone
            else ("", _("Enter an 11-digit mainland or 8-digit Hong Kong phone number."))
        )
    cleaned = _text(text, MAX_ANSWER, lines=kind == TEXT)
    if cleaned is None:
        return "", _("At most %(n)s characters, without control characters.") % {"n": MAX_ANSWER}
    if kind == CHOICE and cleaned not in (question.get("choices") or []):
        return "", _("Choose one of the options.")
    return cleaned, None


def clean_answers(questions: list[dict[str, Any]], raw: Any, *, require: bool = True) -> dict[str, str]:
    """Validate the answers to an activity's questions: `{question id: value}` (yes/no as
    true/false or "yes"/"no"). A missing required answer (when `require`), a bad value or an
    unknown question id is a ValidationFailed naming `answers.<question id>` with the question
    in the message. Returns only the answers given."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ValidationFailed(
            _("Some fields are not valid."), fields={"answers": [_("Give the answers by question.")]}
        )
    errors: dict[str, list[str]] = {}
    known = {q["id"]: q for q in questions}
    for key in list(raw)[:50]:
        if str(key) not in known:
            errors[f"answers.{str(key)[:40]}"] = [_("This activity asks no such question.")]
    out: dict[str, str] = {}
    for question in questions:
        value, problem = _answer(question, raw.get(question["id"]))
        if problem:
            errors[f"answers.{question['id']}"] = [f"{label(question)}: {problem}"]
        elif value:
            out[question["id"]] = value
        elif require and question.get("required"):
            errors[f"answers.{question['id']}"] = [
                _("Answer “%(question)s”.") % {"question": label(question)}
            ]
    if errors:
        raise ValidationFailed(_("Some answers are missing or not valid."), fields=errors)
    return out


def dump(answers: dict[str, str]) -> str:
    """The stored form (canonical: the same answers give the same text)."""
    return json.dumps(answers, ensure_ascii=False, sort_keys=True) if answers else ""


def load(stored: str | None) -> dict[str, str]:
    try:
        value = json.loads(stored) if stored else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def shown(question: dict[str, Any], value: str) -> str:
    """An answer as a roster shows it: phones masked (asked as a phone or typed in text),
    yes/no in words."""
    if question.get("kind") == PHONE:
        return mask_phone(value)
    if question.get("kind") == YES_NO:
        return str(_("Yes")) if value == YES else str(_("No"))
    return mask_text(value)


def answer_rows(questions: list[dict[str, Any]], stored: str | None) -> list[dict[str, str]]:
    """[{"id", "label", "value"}] for each question, in the activity's order, masked."""
    answers = load(stored)
    return [
        {
            "id": q["id"],
            "label": label(q),
            "value": shown(q, answers.get(q["id"], "")) if answers.get(q["id"]) else "",
        }
        for q in questions
    ]
