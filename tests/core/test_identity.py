"""Identity-document numbers: validation, normalisation, masking, blind-index value, and the
anonymous /api/v1/identity/validate check.

Valid numbers are generated with reference check functions written here from the standards'
text (not imported from the code under test), so the code is checked against the rule.
"""

import string
from datetime import date

import pytest
from django.core.cache import cache
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from tests.support import leaks
from zhijia.core.validators.identity import (
    IdentityError,
    identity_index_value,
    mask_identity,
    validate_identity,
)

ALNUM = string.digits + string.ascii_uppercase
PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46]
PROVINCES += [50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71]
TODAY = date(2026, 1, 1)


# --- reference check functions ---------------------------------------------------------------


def mod11_2(first17: str) -> str:
    """GB 11643 / ISO 7064 MOD 11-2: weights 2^(17-i) mod 11, check "10X98765432"[sum % 11]."""
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def hk_check(prefix: str, digits: str) -> str:
    values = [36] * (2 - len(prefix)) + [ord(c) - ord("A") + 10 for c in prefix] + [int(d) for d in digits]
    remainder = (11 - sum(v * w for v, w in zip(values, [9, 8, 7, 6, 5, 4, 3, 2], strict=True)) % 11) % 11
    return "A" if remainder == 10 else str(remainder)


def with_mod11(first17: str) -> str:
    return first17 + mod11_2(first17)


# --- strategies ------------------------------------------------------------------------------

BIRTH = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)).map(lambda d: d.strftime("%Y%m%d"))


def digits(n: int):
    return st.text(alphabet=string.digits, min_size=n, max_size=n)


@st.composite
def cn_resident_numbers(draw) -> str:
    return with_mod11(f"{draw(st.sampled_from(PROVINCES))}{draw(digits(4))}{draw(BIRTH)}{draw(digits(3))}")


@st.composite
def residence_permit_numbers(draw) -> str:
    return with_mod11(draw(st.sampled_from(["810000", "820000", "830000"])) + draw(BIRTH) + draw(digits(3)))


@st.composite
def foreign_2023_numbers(draw) -> str:
    return with_mod11("9" + draw(digits(5)) + draw(BIRTH) + draw(digits(3)))


@st.composite
def hk_numbers(draw, letters: int) -> str:
    prefix = draw(st.text(alphabet=string.ascii_uppercase, min_size=letters, max_size=letters))
    body = draw(digits(6))
    return f"{prefix}{body}({hk_check(prefix, body)})"


GB_FORMS = {
    "cn_resident": cn_resident_numbers(),
    "residence_permit": residence_permit_numbers(),
    "foreign_permanent": foreign_2023_numbers(),
}


def substitutions(number: str):
    for position, current in enumerate(number):
        for symbol in ALNUM:
            if symbol != current:
                yield position, number[:position] + symbol + number[position + 1 :]


def refused(id_type: str, number: str) -> bool:
    try:
        validate_identity(id_type, number, today=TODAY)
    except IdentityError:
        return True
    return False


# --- property tests --------------------------------------------------------------------------


@pytest.mark.parametrize("id_type", list(GB_FORMS))
@given(data=st.data())
def test_generated_gb11643_forms_are_valid(id_type, data):
    number = data.draw(GB_FORMS[id_type])
    result = validate_identity(id_type, number, today=TODAY)
    assert result.normalized == number
    assert result.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


@pytest.mark.parametrize("id_type", list(GB_FORMS))
@given(data=st.data())
def test_every_single_character_change_of_a_gb11643_form_is_refused(id_type, data):
    """18 positions x 35 other letters and digits: MOD 11-2 catches every substitution."""
    number = data.draw(GB_FORMS[id_type])
    accepted = [changed for _, changed in substitutions(number) if not refused(id_type, changed)]
    assert accepted == []


@pytest.mark.parametrize("letters", [1, 2])
@given(data=st.data())
def test_every_single_character_change_of_a_hkid_is_refused_but_letters_eleven_apart(letters, data):
    """Every digit, check and letter-to-digit change is refused. The algorithm itself cannot see
    a prefix letter swapped for one whose value differs by 11 or 22 (A↔L↔W …): exactly those
    pass, which the test pins down so the limit stays documented rather than hidden."""
    number = data.draw(hk_numbers(letters))
    compact = number.replace("(", "").replace(")", "")
    assert validate_identity("hk_id", compact).normalized == number
    for position, changed in substitutions(compact):
        original, symbol = compact[position], changed[position]
        blind_spot = (
            position < letters
            and symbol.isalpha()
            and original.isalpha()
            and (ord(symbol) - ord(original)) % 11 == 0
        )
        assert refused("hk_id", changed) is not blind_spot, changed


def variants(number: str) -> list[str]:
    full_width = "".join(chr(ord(ch) + 0xFEE0) if ch in ALNUM + "()" else ch for ch in number)
    spaced = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    zero_width = "\u200b".join(number[:6]) + "\ufeff" + number[6:]
    return [full_width, full_width.lower(), f"  {spaced}\u3000", zero_width, number.lower()]


@given(st.one_of(cn_resident_numbers(), residence_permit_numbers()))
def test_normalisation_round_trips_gb11643_forms(number):
    for id_type in ("cn_resident", "residence_permit"):
        if id_type == "residence_permit" and not number.startswith(("81", "82", "83")):
            continue
        for variant in variants(number):
            assert validate_identity(id_type, variant, today=TODAY).normalized == number


@given(st.one_of(hk_numbers(1), hk_numbers(2)))
def test_normalisation_round_trips_hkid(number):
    compact = number.replace("(", "").replace(")", "")
    for variant in [*variants(number), *variants(compact)]:
        assert validate_identity("hk_id", variant).normalized == number


# --- 居民身份证 --------------------------------------------------------------------------------


def test_published_example_with_x_check():
    # 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167; 167 % 11 = 2 → X
    result = validate_identity("cn_resident", "11010519491231002X")
    assert result.normalized == "11010519491231002X"
    assert result.birth_date == date(1949, 12, 31)
    assert result.gender == "female"  # 17th digit 2 is even
    assert validate_identity("cn_resident", "11010519491231002x").normalized == "11010519491231002X"


def test_odd_sequence_digit_is_male():
    number = with_mod11("44030419900101123")
    assert validate_identity("cn_resident", number).gender == "male"


@pytest.mark.parametrize("birth", ["19900230", "19900431", "19901301", "19000229", "18991231"])
def test_impossible_or_too_early_birth_dates_are_bad_date(birth):
    with pytest.raises(IdentityError) as exc:
        validate_identity("cn_resident", with_mod11(f"110105{birth}123"))
    assert exc.value.code == "bad_date"


def test_leap_day_is_a_real_date():
    assert validate_identity("cn_resident", with_mod11("11010520000229123")).birth_date == date(2000, 2, 29)


def test_birth_date_in_the_future_is_refused_against_today():
    number = with_mod11("11010520250101123")
    assert validate_identity("cn_resident", number, today=date(2025, 1, 1)).birth_date == date(2025, 1, 1)
    with pytest.raises(IdentityError) as exc:
        validate_identity("cn_resident", number, today=date(2024, 12, 31))
    assert exc.value.code == "future_birth_date"


@pytest.mark.parametrize("province", ["00", "10", "16", "20", "39", "47", "66", "72", "80", "84", "99"])
def test_unknown_province_is_bad_region(province):
    with pytest.raises(IdentityError) as exc:
        validate_identity("cn_resident", with_mod11(f"{province}010519900101123"))
    assert exc.value.code == "bad_region"


def test_a_residence_permit_typed_as_cn_resident_is_routed():
    number = with_mod11("83000019900101123")
    result = validate_identity("cn_resident", number)
    assert (result.id_type, result.normalized) == ("residence_permit", number)
    assert identity_index_value("cn_resident", number) == identity_index_value("residence_permit", number)
    with pytest.raises(IdentityError) as exc:
        validate_identity("cn_resident", with_mod11("81030419900101123"))  # 81 but not 810000
    assert exc.value.code == "bad_region"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "bad_format"),
        ("11010519491231002", "bad_format"),
        ("11010519491231002X1", "bad_format"),
        ("1101051949123100AX", "bad_format"),
        ("110105194912310021", "bad_checksum"),
        ("11010549123100", "bad_format"),
    ],
)
def test_cn_resident_refusals_carry_a_stable_code(raw, code):
    with pytest.raises(IdentityError) as exc:
        validate_identity("cn_resident", raw)
    assert exc.value.code == code
    assert str(exc.value.message)


def test_legacy_15_digit_number_is_converted_or_refused_by_policy():
    legacy = "110105491231002"
    converted = validate_identity("cn_resident", legacy)
    assert converted.normalized == "11010519491231002X"
    assert converted.birth_date == date(1949, 12, 31)
    with pytest.raises(IdentityError) as exc:
        validate_identity("cn_resident", legacy, legacy_15="refuse")
    assert exc.value.code == "legacy_refused"
    assert validate_identity("cn_resident", "11010519491231002X", legacy_15="refuse").gender == "female"
    assert identity_index_value("cn_resident", legacy) == "cn_resident:11010519491231002X"
    assert identity_index_value("cn_resident", "11010519491231002x") == "cn_resident:11010519491231002X"


def test_legacy_number_with_bad_date_or_permit_region_is_refused():
    for raw, code in [("110105900230123", "bad_date"), ("810000900101123", "bad_region")]:
        with pytest.raises(IdentityError) as exc:
            validate_identity("cn_resident", raw)
        assert exc.value.code == code
    with pytest.raises(ValueError, match="legacy_15"):
        validate_identity("cn_resident", "110105491231002", legacy_15="maybe")


# --- other documents -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("CA182361(1)", "CA182361(1)"),  # two-letter prefix: C=12·9 + A=10·8 + … = 285 → 1
        ("ca182361（1）", "CA182361(1)"),
        ("A123456(3)", "A123456(3)"),  # space=36·9 + A=10·8 + 77 = 481 → 3
        ("A1234563", "A123456(3)"),
        ("G123456(A)", "G123456(A)"),  # 324 + 128 + 77 = 529 → 10 → A
        ("XA000000(8)", "XA000000(8)"),  # 297 + 80 = 377 → 8
        ("AB987654(3)", "AB987654(3)"),  # 90 + 88 + 63 + 48 + 35 + 24 + 15 + 8 = 371 → 3
        ("Z 683365 (A)", "Z683365(A)"),  # 324 + 280 + 145 = 749 → 10 → A
    ],
)
def test_known_hkids_are_valid(raw, normalized):
    assert validate_identity("hk_id", raw).normalized == normalized


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("CA182361(2)", "bad_checksum"),
        ("C182361(1)", "bad_checksum"),  # the two-letter check does not hold for one letter
        ("A123456(3", "bad_format"),
        ("ABC123456(3)", "bad_format"),
        ("A12345(3)", "bad_format"),
        ("A123456(B)", "bad_format"),
    ],
)
def test_hkid_refusals(raw, code):
    with pytest.raises(IdentityError) as exc:
        validate_identity("hk_id", raw)
    assert exc.value.code == code


@pytest.mark.parametrize(
    ("id_type", "raw", "normalized"),
    [
        ("hk_macau_permit", "h12345678", "H12345678"),
        ("hk_macau_permit", "M1234567801", "M1234567801"),
        ("tw_permit", "１２３４５６７８", "12345678"),
        ("foreign_permanent", "usa 310012345678", "USA310012345678"),
        ("passport", "e1234 5678", "E12345678"),
        ("passport", "AB123", "AB123"),
    ],
)
def test_format_only_documents(id_type, raw, normalized):
    result = validate_identity(id_type, raw)
    assert (result.normalized, result.birth_date, result.gender) == (normalized, None, None)


@pytest.mark.parametrize(
    ("id_type", "raw"),
    [
        ("hk_macau_permit", "X12345678"),
        ("hk_macau_permit", "H1234567"),
        ("hk_macau_permit", "H123456789"),
        ("tw_permit", "1234567"),
        ("tw_permit", "1234567890"),
        ("foreign_permanent", "US310012345678"),
        ("foreign_permanent", with_mod11("11000019900101123")),  # a GB 11643 number without the 9
        ("passport", "E123"),
        ("passport", "E-12345678"),
        ("passport", "E" * 18),
        ("residence_permit", "11010519491231002X"),
    ],
)
def test_format_refusals(id_type, raw):
    with pytest.raises(IdentityError) as exc:
        validate_identity(id_type, raw)
    assert exc.value.code in {"bad_format", "bad_region"}


def test_foreign_permanent_2023_carries_birth_date_but_no_gender():
    result = validate_identity("foreign_permanent", with_mod11("93184019850615012"))
    assert (result.birth_date, result.gender) == (date(1985, 6, 15), None)


def test_unknown_type():
    with pytest.raises(IdentityError) as exc:
        validate_identity("driving_licence", "12345678")
    assert exc.value.code == "unknown_type"
    with pytest.raises(IdentityError):
        identity_index_value("driving_licence", "12345678")


# --- masks and index values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "number", "masked"),
    [
        ("cn_resident", "11010519491231002X", "1101**********002X"),
        ("residence_permit", "830000199001011234", "8300**********1234"),
        ("hk_id", "A123456(3)", "A12****(3)"),
        ("hk_id", "CA182361(1)", "CA18****(1)"),
        ("hk_macau_permit", "H12345678", "H1*****78"),
        ("tw_permit", "12345678", "12****78"),
        ("passport", "E12345678", "E1*****78"),
        ("foreign_permanent", "USA310012345678", "US***********78"),
        ("passport", "ABCD", "****"),
    ],
)
def test_masks(id_type, number, masked):
    assert mask_identity(id_type, number) == masked


@given(cn_resident_numbers())
def test_masked_gb11643_number_is_never_a_full_number(number):
    masked = mask_identity("cn_resident", number)
    assert masked == number[:4] + "*" * 10 + number[-4:]
    assert leaks(masked) == []


def test_index_values_are_canonical():
    assert identity_index_value("hk_id", "a1234563") == "hk_id:A123456(3)"
    assert identity_index_value("hk_id", "A123456（3）") == "hk_id:A123456(3)"
    assert identity_index_value("passport", "e12345678") == "passport:E12345678"


# --- API -------------------------------------------------------------------------------------

URL = "/api/v1/identity/validate"


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_cache")
class TestValidateApi:
    def test_valid_number_answers_masked(self, api_client):
        response = api_client.post(URL, {"id_type": "cn_resident", "id_number": "11010519491231002x"})
        assert response.status_code == 200
        assert response.json() == {
            "valid": True,
            "id_type": "cn_resident",
            "normalized": "1101**********002X",
            "birth_date": "1949-12-31",
            "gender": "female",
        }
        body = response.content.decode()
        assert "11010519491231002" not in body
        assert leaks(body) == []

    def test_legacy_and_permit_numbers_are_never_echoed(self, api_client):
        permit = with_mod11("81000019900101123")
        for id_type, number in [("cn_resident", "110105491231002"), ("cn_resident", permit)]:
            response = api_client.post(URL, {"id_type": id_type, "id_number": number})
            assert response.json()["valid"] is True
            assert number not in response.content.decode()
            assert leaks(response.content.decode()) == []

    def test_hkid_answers_masked_without_birth_date(self, api_client):
        response = api_client.post(URL, {"id_type": "hk_id", "id_number": "CA182361（1）"})
        assert response.json() == {"valid": True, "id_type": "hk_id", "normalized": "CA18****(1)"}

    def test_refused_number_is_a_normal_answer_with_a_code(self, api_client):
        response = api_client.post(URL, {"id_type": "cn_resident", "id_number": "110105194912310021"})
        assert response.status_code == 200
        data = response.json()
        assert (data["valid"], data["code"]) == (False, "bad_checksum")
        assert data["message"]
        assert "normalized" not in data

    def test_message_is_translated(self, api_client):
        response = api_client.post(
            URL, {"id_type": "hk_id", "id_number": "A123"}, headers={"Accept-Language": "en"}
        )
        assert response.json()["message"] == "The number does not have the format of this document."

    def test_unknown_type_is_400_naming_the_field(self, api_client):
        response = api_client.post(URL, {"id_type": "driving_licence", "id_number": "12345678"})
        assert response.status_code == 400
        data = response.json()
        assert data["code"] == "unknown_type"
        assert list(data["fields"]) == ["id_type"]

    def test_missing_field_is_400(self, api_client):
        response = api_client.post(URL, {"id_type": "cn_resident"})
        assert response.status_code == 400
        assert "id_number" in response.json()["fields"]

    @override_settings(IDENTITY_VALIDATE_PER_MINUTE=3)
    def test_rate_limited_per_address(self, api_client, frozen_clock):
        payload = {"id_type": "passport", "id_number": "E12345678"}
        for _ in range(3):
            assert api_client.post(URL, payload).status_code == 200
        response = api_client.post(URL, payload)
        assert response.status_code == 429
        assert response.json()["code"] == "rate_limited"
        other = api_client.client.post(URL, payload, content_type="application/json", REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 200

    def test_anonymous_and_documented(self, api_client):
        schema = api_client.get("/api/v1/openapi.json").json()
        operation = schema["paths"][URL]["post"]
        assert "security" not in operation or operation["security"] in ([], [{}])
        assert "MASKED" in str(schema["components"]["schemas"]["IdentityOut"])
