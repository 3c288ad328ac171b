import uuid
from typing import Any


def parse_uuid(value: Any) -> uuid.UUID | None:
    """The UUID in `value`, or None when it is not one (ids in URLs are never trusted)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _opaque_cipher(purpose: str) -> Any:
    import hashlib
    import hmac

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from django.conf import settings

    key = hmac.new(settings.SECRET_KEY.encode(), f"zhijia.opaque.{purpose}".encode(), hashlib.sha256).digest()
    # One 16-byte block, never more: ECB of a single block is the AES permutation itself.
    return Cipher(algorithms.AES(key[:16]), modes.ECB())  # noqa: S305


def opaque_key(number: int, purpose: str) -> str:
    """A 32-hex-digit key for an integer id (audit entries are numbered in order; their URLs must
    not say how many there are or invite guessing the next one). The id and eight zero bytes,
    encrypted as one AES block under a key derived from SECRET_KEY and `purpose`."""
    encryptor = _opaque_cipher(purpose).encryptor()
    return (encryptor.update(number.to_bytes(8, "big") + bytes(8)) + encryptor.finalize()).hex()


def opaque_number(key: Any, purpose: str) -> int | None:
    """The id behind `opaque_key`, or None for anything else (a changed or made-up key fails the
    zero check with probability 1 - 2^-64)."""
    try:
        block = bytes.fromhex(str(key))
    except ValueError:
        return None
    if len(block) != 16:
        return None
    decryptor = _opaque_cipher(purpose).decryptor()
    plain = decryptor.update(block) + decryptor.finalize()
    if plain[8:] != bytes(8):
        return None
    return int.from_bytes(plain[:8], "big")
