"""统一社会信用代码 (GB 32100-2015): 18 symbols from a 31-symbol alphabet without I O Z S V.

Position 1: registration authority (1-9, A, N, Y; 8 = trade unions); position 2: type
(a union grassroots organisation is 81); positions 3-8: administrative division code;
9-17: organisation code; 18: check symbol, weights 3^(i-1) mod 31.
"""

from .text import normalize

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
AUTHORITIES = set("123456789ANY")


class USCCError(ValueError):
    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def check_symbol(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(raw: str) -> str:
    """Return the normalised code or raise USCCError with a stable code:
    `bad_length`, `bad_character`, `bad_authority`, `bad_checksum`."""
    code = normalize(raw)
    if len(code) != 18:
        raise USCCError("bad_length")
    if any(ch not in _VALUE for ch in code):
        raise USCCError("bad_character")
    if code[0] not in AUTHORITIES:
        raise USCCError("bad_authority")
    if check_symbol(code[:17]) != code[17]:
        raise USCCError("bad_checksum")
    return code


def is_union_code(code: str) -> bool:
    return code.startswith("8")
