"""Field encryption (AES-GCM, rotatable keys) and the HMAC blind index for exact lookups.

Ciphertext format: ``v1:<key id>:<base64(nonce || ciphertext)>``. The first key in
FIELD_ENCRYPTION_KEYS encrypts; every listed key decrypts, so keys rotate by prepending a new
one and running ``manage.py rotate_keys``.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"


@lru_cache(maxsize=8)
def _parse_keys(raw: str) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        kid, sep, b64 = item.partition(":")
        if not sep:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS entries look like 'id:base64key'")
        key = base64.b64decode(b64)
        if len(key) != 32:
            raise ImproperlyConfigured(f"Encryption key {kid!r} must be 32 bytes")
        keys.append((kid, key))
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    return tuple(keys)


def _keys() -> tuple[tuple[str, bytes], ...]:
    return _parse_keys(settings.FIELD_ENCRYPTION_KEYS)


def current_key_id() -> str:
    return _keys()[0][0]


def encrypt(plaintext: str) -> str:
    kid, key = _keys()[0]
    nonce = os.urandom(12)
    ct = AESGCM(key).encrypt(nonce, plaintext.encode(), kid.encode())
    return f"{PREFIX}:{kid}:{base64.b64encode(nonce + ct).decode()}"


def decrypt(token: str) -> str:
    prefix, kid, b64 = token.split(":", 2)
    if prefix != PREFIX:
        raise ValueError("unknown ciphertext version")
    for key_id, key in _keys():
        if key_id == kid:
            raw = base64.b64decode(b64)
            return AESGCM(key).decrypt(raw[:12], raw[12:], kid.encode()).decode()
    raise ValueError(f"no key {kid!r} to decrypt with")


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1]


def blind_index(normalized: str, purpose: str) -> str:
    """Deterministic HMAC of an already-normalised value, separated per purpose."""
    if not settings.BLIND_INDEX_KEY:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is not set")
    msg = f"{purpose}\x00{normalized}".encode()
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), msg, hashlib.sha256).hexdigest()


BLOB_MAGIC = b"ZJB1"


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    """A file's bytes encrypted at rest with the current field key (AES-GCM). `context` (e.g.
    the storage name) is bound as associated data, so a file copied under another name does not
    decrypt. Format: ``ZJB1 || len(kid) || kid || nonce || ciphertext``."""
    kid, key = _keys()[0]
    nonce = os.urandom(12)
    kid_raw = kid.encode()
    ct = AESGCM(key).encrypt(nonce, data, kid_raw + b"|" + context.encode())
    return BLOB_MAGIC + bytes([len(kid_raw)]) + kid_raw + nonce + ct


def decrypt_bytes(blob: bytes, *, context: str) -> bytes:
    """The plain bytes of encrypt_bytes' output (any listed key). ValueError when the blob is
    not ours, was tampered with or was stored under another context."""
    if not blob.startswith(BLOB_MAGIC) or len(blob) < len(BLOB_MAGIC) + 1:
        raise ValueError("not an encrypted blob")
    n = blob[len(BLOB_MAGIC)]
    start = len(BLOB_MAGIC) + 1
    kid_raw, rest = blob[start : start + n], blob[start + n :]
    for key_id, key in _keys():
        if key_id.encode() == kid_raw:
            try:
                return AESGCM(key).decrypt(rest[:12], rest[12:], kid_raw + b"|" + context.encode())
            except Exception as exc:  # InvalidTag
                raise ValueError("the blob does not decrypt") from exc
    raise ValueError(f"no key {kid_raw!r} to decrypt with")
