"""Personal data at rest and in output: encryption, blind index, masking, registry, logs."""

import base64
import logging
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from tests.support import leaks
from zhijia.accounts.models import User
from zhijia.core import crypto
from zhijia.core.fields import EncryptedTextField
from zhijia.core.logging import MaskPersonalDataFilter
from zhijia.core.masking import mask_cn_id, mask_name, mask_phone, mask_text
from zhijia.core.pii import registry

# A field whose name looks like personal data must be registered (PERSONAL_DATA) or declared
# not personal (NOT_PERSONAL) on its model.
LOOKS_PERSONAL = re.compile(
    r"(^|_)(name|phone|mobile|id_number|birth|birthday|address|email|gender|ethnicity|income|health|child|password|ip)(_|$)"
)


def _zhijia_models():
    return [m for m in apps.get_models() if m.__module__.startswith("zhijia.")]


def test_every_personal_looking_field_is_registered():
    registered = registry()
    missing = []
    for model in _zhijia_models():
        allowed = set(getattr(model, "NOT_PERSONAL", ()))
        for field in model._meta.concrete_fields:
            key = f"{model._meta.label}.{field.name}"
            encrypted = isinstance(field, EncryptedTextField)
            if (
                (encrypted or LOOKS_PERSONAL.search(field.name))
                and key not in registered
                and field.name not in allowed
            ):
                missing.append(key)
    assert not missing, f"register these in PERSONAL_DATA or NOT_PERSONAL: {missing}"


def test_every_encrypted_field_is_registered():
    registered = registry()
    for model in _zhijia_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                assert f"{model._meta.label}.{field.name}" in registered


@pytest.mark.django_db
def test_phone_is_encrypted_at_rest_and_found_by_blind_index(demo):
    worker = User.objects.get(phone_index__isnull=False, kind="worker")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT phone FROM accounts_user WHERE id = %s",
            [worker.pk.hex if connection.vendor == "sqlite" else worker.pk],
        )
        raw = cur.fetchone()[0]
    assert "13800000001" not in raw
    assert raw.startswith("v1:")
    assert User.objects.get(pk=worker.pk).phone == "13800000001"


def test_encrypt_is_randomised_and_round_trips():
    a, b = crypto.encrypt("13800000001"), crypto.encrypt("13800000001")
    assert a != b
    assert crypto.decrypt(a) == crypto.decrypt(b) == "13800000001"


def test_blind_index_is_deterministic_and_purpose_bound():
    assert crypto.blind_index("x", "phone") == crypto.blind_index("x", "phone")
    assert crypto.blind_index("x", "phone") != crypto.blind_index("x", "id")


def test_tampered_ciphertext_is_rejected():
    token = crypto.encrypt("secret")
    prefix, kid, b64 = token.split(":", 2)
    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 1
    with pytest.raises(Exception):  # noqa: B017 - cryptography raises InvalidTag
        crypto.decrypt(f"{prefix}:{kid}:{base64.b64encode(bytes(raw)).decode()}")


@pytest.mark.django_db
def test_rotate_keys_reencrypts_with_the_new_key(demo, settings):
    new_key = base64.b64encode(b"n" * 32).decode()
    old = settings.FIELD_ENCRYPTION_KEYS
    settings.FIELD_ENCRYPTION_KEYS = f"k2:{new_key},{old}"
    call_command("rotate_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM accounts_user WHERE phone <> ''")
        kids = {crypto.key_id_of(row[0]) for row in cur.fetchall()}
    assert kids == {"k2"}
    settings.FIELD_ENCRYPTION_KEYS = f"k2:{new_key}"  # the old key is gone: data still readable
    assert User.objects.get(kind="worker").phone == "13800000001"


def test_masks():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_cn_id("44030419900101123X") == "4403**********123X"
    assert mask_name("张三") == "张*"
    assert mask_name("𠀀小明") == "𠀀*明"
    text = mask_text("call 13812341234, id 44030419900101123X, hk A123456(3)")
    assert "13812341234" not in text and "44030419900101123X" not in text and "A123456" not in text


def test_log_filter_masks_messages_and_args():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "phone %s id %s", ("13812341234", "44030419900101123X"), None
    )
    MaskPersonalDataFilter().filter(record)
    assert "13812341234" not in record.getMessage()
    assert "123X" in record.getMessage()


def test_response_scanner_detects_leaks():
    assert leaks('{"phone": "13800000001"}') == ["13800000001"]
    assert leaks('{"id": "11010519491231002X"}') == ["11010519491231002X"]
    assert leaks('{"phone": "138****0001", "id": "0190f4a2-1380-0000-0001-abcdef012345"}') == []
