"""One set of rules for a person's data, whatever the way in (H5 join form, staff form, xlsx
import row, API). Returns cleaned values or raises ValidationFailed naming every bad field."""

from datetime import date
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from zhijia.accounts.phones import is_mobile, normalize_phone, phone_index
from zhijia.core.crypto import blind_index
from zhijia.core.errors import ValidationFailed
from zhijia.core.validators.identity import MESSAGES, IdentityError, identity_index_value, validate_identity
from zhijia.core.validators.text import clean_name, has_control_chars

from .enums import ETHNICITIES, Education, Gender, IdType, Occupation, PoliticalStatus, SkillLevel

CHOICES = {
    "gender": Gender.values,
    "ethnicity": [code for code, _name in ETHNICITIES],
    "education": Education.values,
    "political_status": PoliticalStatus.values,
    "occupation": Occupation.values,
    "skill_level": SkillLevel.values,
}
TEXT_LIMITS = {"hukou_place": 200, "residence": 200, "employer": 200, "job_title": 100}


def id_index(id_type: str, normalized: str) -> str:
    """The blind index deciding "same person": `x` and `X`, 15 and 18 digits give one value."""
    return blind_index(identity_index_value(id_type, normalized), "identity")


def clean_person(data: dict[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """Validate and normalise a person's fields. Keys not given are left out of the result, so
    the same function serves creation (name, id_type and id_number required) and updates."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    name = clean_name(str(data.get("name") or ""))
    if not name:
        errors["name"] = [_("This field is required.")]
    elif has_control_chars(name) or len(name) > 100:
        errors["name"] = [_("Name contains characters that are not allowed or is too long.")]
    else:
        out["name"] = name

    _clean_identity(data, out, errors, today)
    _clean_phone(data, out, errors)
    for field, allowed in CHOICES.items():
        value = str(data.get(field) or "").strip()
        if value and value not in allowed:
            errors[field] = [_("Choose a valid option.")]
        elif field in data and not (field in out and not value):  # blank never erases what the ID gave
            out[field] = value
    for field, limit in TEXT_LIMITS.items():
        if field in data:
            value = clean_name(str(data.get(field) or ""))
            if has_control_chars(value) or len(value) > limit:
                errors[field] = [_("This text contains characters that are not allowed or is too long.")]
            else:
                out[field] = value
    if "migrant_worker" in data:
        out["migrant_worker"] = str(data.get("migrant_worker")).strip().lower() in {
            "1",
            "true",
            "yes",
            "on",
            "是",
        }
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return out


def _clean_identity(data, out, errors, today) -> None:
    id_type = str(data.get("id_type") or "").strip()
    raw = str(data.get("id_number") or "")
    if id_type not in IdType.values:
        errors["id_type"] = [_("Choose a valid identity document type.")]
        return
    if not raw.strip():
        errors["id_number"] = [_("This field is required.")]
        return
    try:
        result = validate_identity(id_type, raw, today=today)
    except IdentityError as exc:
        errors["id_number"] = [str(MESSAGES.get(exc.code, exc.code))]
        return
    out.update(
        id_type=result.id_type,
        id_number=result.normalized,
        id_index=id_index(result.id_type, result.normalized),
    )
    birth, gender = _given_birth(data, errors), str(data.get("gender") or "").strip()
    if result.birth_date:
        if birth and birth != result.birth_date:
            errors["birth_date"] = [_("The birth date does not match the identity number.")]
        out["birth_date"] = result.birth_date
    elif birth:
        out["birth_date"] = birth
    if result.gender:
        if gender and gender != result.gender:
            errors["gender"] = [_("The gender does not match the identity number.")]
        out["gender"] = str(result.gender)


def _given_birth(data, errors) -> date | None:
    value = data.get("birth_date")
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        parsed = parse_date(str(value).strip()[:10])
    except ValueError:  # well-formed but impossible, e.g. 1990-02-30
        parsed = None
    if parsed is None:
        errors["birth_date"] = [_("Enter a valid date (YYYY-MM-DD).")]
    return parsed


def _clean_phone(data, out, errors) -> None:
    if "phone" not in data:
        return
    raw = str(data.get("phone") or "")
    if not raw.strip():
        out.update(phone="", phone_index="", phone_last4="")
        return
    phone = normalize_phone(raw)
    if not is_mobile(phone):
        errors["phone"] = [_("Enter an 11-digit mainland mobile number.")]
        return
    out.update(phone=phone, phone_index=phone_index(phone), phone_last4=phone[-4:])
