"""统一社会信用代码 (GB 32100-2015) validation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhijia.core.validators.uscc import ALPHABET, USCCError, check_symbol, validate_uscc

# Codes published on the National Enterprise Credit Information Publicity System.
REAL_CODES = [
    "91350100M000100Y43",  # the standard's worked example
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴(中国)有限公司
    "91110000710935732K",
    "91440300708461136T",
]

AUTHORITY = st.sampled_from("123456789ANY")
BODY = st.text(alphabet=ALPHABET, min_size=16, max_size=16)


@st.composite
def valid_codes(draw) -> str:
    first17 = draw(AUTHORITY) + draw(BODY)
    return first17 + check_symbol(first17)


@pytest.mark.parametrize("code", REAL_CODES)
def test_known_real_codes_are_valid(code):
    assert validate_uscc(code) == code


@given(valid_codes())
def test_generated_codes_are_valid(code):
    assert validate_uscc(code) == code


@given(valid_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_every_single_character_substitution_is_rejected(code, position, symbol):
    if code[position] == symbol:
        symbol = ALPHABET[(ALPHABET.index(symbol) + 1) % len(ALPHABET)]
    changed = code[:position] + symbol + code[position + 1 :]
    with pytest.raises(USCCError):
        validate_uscc(changed)


def test_all_substitutions_of_one_code_are_rejected():
    """Exhaustive for one real code: 18 positions x 30 other symbols."""
    code = REAL_CODES[1]
    for position in range(18):
        for symbol in ALPHABET:
            if symbol != code[position]:
                with pytest.raises(USCCError):
                    validate_uscc(code[:position] + symbol + code[position + 1 :])


@given(valid_codes())
def test_full_width_and_lower_case_input_is_normalised(code):
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in code.lower())
    assert validate_uscc(full_width) == code
    assert validate_uscc(f" {code[:9]} {code[9:].lower()} ") == code


@pytest.mark.parametrize("letter", "IOZSV")
def test_letters_never_used_are_refused(letter):
    code = REAL_CODES[1]
    with pytest.raises(USCCError) as exc:
        validate_uscc(code[:10] + letter + code[11:])
    assert exc.value.code == "bad_character"
    with pytest.raises(USCCError):
        validate_uscc(code[:10] + letter.lower() + code[11:])  # lower case is upper-cased first


@pytest.mark.parametrize("first", "ANY")
def test_letter_authorities_are_allowed(first):
    body = first + "1440300MA5F0000"[:16].ljust(16, "0")
    code = body + check_symbol(body)
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "bad_length"),
        ("91350100M000100Y4", "bad_length"),
        ("91350100M000100Y433", "bad_length"),
        ("B1350100M000100Y43", "bad_authority"),
        ("01350100M000100Y43", "bad_authority"),
        ("91350100M000100Y44", "bad_checksum"),
        ("91350100M00010!Y43", "bad_character"),
    ],
)
def test_refusals_carry_a_stable_reason(raw, reason):
    with pytest.raises(USCCError) as exc:
        validate_uscc(raw)
    assert exc.value.code == reason
