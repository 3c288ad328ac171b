"""Stored member exports (issue 19): encrypted at rest with the field keys, deleted when their
one download commits, and deleted after a short expiry even if never fetched (the periodic
task and the management command), never handed out once expired."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from tests.support import leaks
from zhijia.core.crypto import decrypt_bytes, encrypt_bytes
from zhijia.demo.members import seed_members
from zhijia.members import tasks
from zhijia.members.models import ExportStatus
from zhijia.members.services import ledgers as services

from .ledgers_support import sheet_cells


@pytest.fixture
def members(demo, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(services, "EXPORT_INLINE_LIMIT", 5)
    seed_members()
    return demo


def _full_export(members):
    export = services.export_request_create(
        actor=members.user("shenzhen_admin"), unit=members.org("深圳市总"), purpose="核对"
    )
    services.export_request_decide(actor=members.user("province_admin"), request=export, approve=True)
    return export


def _stored():
    try:
        return default_storage.listdir(services.EXPORT_DIR)[1]
    except FileNotFoundError:
        return []


def _written(name):
    """When the stored file was written: its modification time, which the file system takes from
    the real clock, not from the pinned test clock (tests/conftest.py), so the expiry is
    travelled to from here."""
    return default_storage.get_modified_time(name)


def test_blob_round_trip_is_bound_to_its_name():
    blob = encrypt_bytes(b"PK\x03\x04 ledger", context="exports/a")
    assert b"ledger" not in blob and decrypt_bytes(blob, context="exports/a") == b"PK\x03\x04 ledger"
    with pytest.raises(ValueError):
        decrypt_bytes(blob, context="exports/b")
    with pytest.raises(ValueError):
        decrypt_bytes(blob[:-1] + bytes([blob[-1] ^ 1]), context="exports/a")


def test_full_export_is_encrypted_on_disk_and_deleted_after_download(
    members, staff_client, django_capture_on_commit_callbacks
):
    export = _full_export(members)
    name = services.full_export_build(request_id=export.pk)
    with default_storage.open(name, "rb") as handle:
        raw = handle.read()
    assert not raw.startswith(b"PK")  # not an xlsx (zip) on disk
    with pytest.raises(Exception):  # noqa: B017 - openpyxl cannot read it
        sheet_cells(raw)
    assert leaks(raw.decode("latin-1")) == []
    client = staff_client("shenzhen_admin")
    with django_capture_on_commit_callbacks(execute=True):  # deleted when the download commits
        response = client.get(reverse("staff:export_request_download", args=[export.pk]))
    assert response.status_code == 200 and len(sheet_cells(response.content)) == 41
    assert not default_storage.exists(name) and _stored() == []
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE


def test_masked_export_is_encrypted_too(members, staff_client, django_capture_on_commit_callbacks):
    client = staff_client("shenzhen_admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("staff:member_export"))
    [filename] = _stored()
    with default_storage.open(f"{services.EXPORT_DIR}/{filename}", "rb") as handle:
        assert not handle.read().startswith(b"PK")
    with django_capture_on_commit_callbacks(execute=True):
        file = client.get(response["Location"] + "&download=1")
    assert file.status_code == 200 and len(sheet_cells(file.content)) == 41
    assert _stored() == []


def test_an_unfetched_export_is_deleted_after_the_expiry(members, settings, staff_client):
    settings.MEMBERS_EXPORT_FILE_TTL = 600
    export = _full_export(members)
    name = services.full_export_build(request_id=export.pk)
    start = _written(name)
    with time_machine.travel(start + dt.timedelta(seconds=300), tick=False):
        assert services.exports_purge() == 0 and default_storage.exists(name)
    with time_machine.travel(start + dt.timedelta(seconds=700), tick=False):
        assert tasks.exports_purge() == 1  # the periodic task
    assert not default_storage.exists(name)
    # the management command does the same from cron
    name = services.full_export_build(request_id=export.pk)
    out = io.StringIO()
    with time_machine.travel(_written(name) + dt.timedelta(seconds=700), tick=False):
        call_command("exports_purge", stdout=out)
    assert out.getvalue().startswith("1 ") and _stored() == []


def test_an_expired_file_is_never_handed_out(members, settings, staff_client):
    settings.MEMBERS_EXPORT_FILE_TTL = 600
    export = _full_export(members)
    name = services.full_export_build(request_id=export.pk)
    with time_machine.travel(_written(name) + dt.timedelta(seconds=700), tick=False):
        assert services.stored_export_take(name) is None
    assert not default_storage.exists(name)
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED  # still downloadable: the file is rebuilt


def test_purge_with_no_exports_dir(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "empty")
    assert services.exports_purge() == 0
