"""`make run`'s pieces: the broker-less scheduler, uploads served like nginx serves them, the
keys kept under var/, the gunicorn log configuration and the masking log filter."""

import importlib.util
import json
import logging
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import clear_url_caches
from django.utils import timezone

from config.settings.var_secrets import DEV_KEYS, var_secrets
from zhijia.core.logging import MaskPersonalDataFilter
from zhijia.core.models import AuditEntry, AuditSeal
from zhijia.core.scheduler import Job, jobs_from_schedule, run_job, run_loop

ROOT = Path(__file__).resolve().parents[2]


# --- scheduler ---------------------------------------------------------------------------------


def test_schedule_entries_become_jobs():
    jobs = jobs_from_schedule(
        {
            "a": {"task": "x.a", "schedule": 10.0},
            "b": {"task": "x.b", "schedule": timedelta(minutes=2)},
            "c": {"task": "x.c", "schedule": crontab(minute=0)},
        }
    )
    assert [(j.name, j.every) for j in jobs] == [("a", 10.0), ("b", 120.0), ("c", None)]
    assert jobs[2].due_in(0.0) == 0.0  # a crontab job runs once at start, then on its schedule
    assert [j.name for j in jobs_from_schedule({"a": {"task": "x", "schedule": 1}}, ["b"])] == []


def test_every_beat_entry_names_an_importable_task(settings):
    from django.utils.module_loading import import_string

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert callable(import_string(entry["task"]))


@pytest.mark.django_db
def test_a_failing_job_is_logged_and_the_loop_goes_on(tmp_path, caplog):
    calls = []

    def resolve(name):
        def run():
            calls.append(name)
            if name == "boom":
                raise RuntimeError("no")
            return {"done": 1}

        return run

    jobs = [Job(name="bad", task="boom", every=60.0), Job(name="good", task="fine", every=60.0)]
    state = tmp_path / "scheduler.json"
    with caplog.at_level(logging.INFO, logger="zhijia.scheduler"):
        run_loop(jobs, stop=threading.Event(), state_path=state, once=True, resolve=resolve)
    assert calls == ["boom", "fine"]
    data = json.loads(state.read_text())
    assert data["jobs"]["bad"]["ok"] is False and data["jobs"]["bad"]["failures"] == 1
    assert data["jobs"]["good"] == {**data["jobs"]["good"], "ok": True, "result": {"done": 1}, "runs": 1}
    assert "scheduler job bad failed" in caplog.text


@pytest.mark.django_db
def test_the_loop_stops_when_asked():
    stop = threading.Event()
    seen = []

    def resolve(name):
        def run():
            seen.append(name)
            stop.set()  # SIGTERM arriving during the job: the job finishes, the loop ends

        return run

    run_loop([Job(name="a", task="a", every=0.01)], stop=stop, resolve=resolve)
    assert seen == ["a"]


@pytest.mark.django_db(transaction=True)
def test_the_real_audit_seal_job_seals(tmp_path):
    AuditEntry.objects.create(action="test.scheduler", at=timezone.now(), data={})
    job = jobs_from_schedule({"audit-seal": {"task": "zhijia.core.tasks.audit_seal", "schedule": 10.0}})[0]
    assert run_job(job) is True
    assert job.state["result"] >= 1
    assert AuditSeal.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_scheduler_command_once(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("scheduler", "--once", "--only", "audit-seal", "--only", "benefits-tick")
    jobs = json.loads((tmp_path / "scheduler.json").read_text())["jobs"]
    assert set(jobs) == {"audit-seal", "benefits-tick"} and all(j["ok"] for j in jobs.values())


def test_scheduler_command_refuses_unknown_entries():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nope"):
        call_command("scheduler", "--once", "--only", "nope")


# --- uploads under /media/ ---------------------------------------------------------------------


@pytest.fixture
def served_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "positions").mkdir()
    (tmp_path / "positions" / "photo.html").write_text("<script>alert(1)</script>")
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "ledger.xlsx").write_bytes(b"PK")
    import config.urls

    with override_settings(ZHIJIA_SERVE_MEDIA=True):
        importlib.reload(config.urls)
        clear_url_caches()
        yield Client()
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_media_is_served_as_an_attachment_never_sniffed(served_media):
    response = served_media.get("/media/positions/photo.html")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "attachment"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/media/exports/ledger.xlsx", "/media//exports/ledger.xlsx", "/media/positions/../exports/ledger.xlsx"],
)
def test_private_exports_are_never_served(served_media, path):
    assert served_media.get(path).status_code == 404


@pytest.mark.django_db
def test_media_missing_and_writes(served_media):
    assert served_media.get("/media/positions/none.jpg").status_code == 404
    assert served_media.post("/media/positions/photo.html").status_code in {403, 405}


# --- keys under var/ ---------------------------------------------------------------------------


def test_keys_are_generated_once_and_kept(tmp_path):
    assert var_secrets(tmp_path, create=False) is None
    first = var_secrets(tmp_path, create=True)
    assert first is not None and first["SECRET_KEY"] != DEV_KEYS["SECRET_KEY"]
    assert var_secrets(tmp_path, create=True) == first == var_secrets(tmp_path, create=False)
    assert (tmp_path / "secrets.json").stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir()] == ["secrets.json"]


def test_a_database_from_before_keeps_the_development_keys(tmp_path):
    (tmp_path / "zhijia.sqlite3").write_bytes(b"")
    assert var_secrets(tmp_path, create=True) == DEV_KEYS


def test_tests_use_the_fixed_keys(settings):
    assert DEV_KEYS["FIELD_ENCRYPTION_KEYS"] == settings.FIELD_ENCRYPTION_KEYS


# --- logging -----------------------------------------------------------------------------------


def test_log_filter_masks_inside_non_string_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "notice %s", ({"phone": "13812341234"},), None)
    MaskPersonalDataFilter().filter(record)
    assert "13812341234" not in record.getMessage() and "138****1234" in record.getMessage()


def test_gunicorn_access_log_goes_through_the_filter():
    """gunicorn logs each request as (format, atoms dict); the configured handler masks it."""
    spec = importlib.util.spec_from_file_location("zhijia_gunicorn_conf", ROOT / "config" / "gunicorn.py")
    assert spec and spec.loader
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    access = conf.logconfig_dict["loggers"]["gunicorn.access"]
    handler = conf.logconfig_dict["handlers"][access["handlers"][0]]
    assert handler["filters"] == ["mask_pii"] and handler["formatter"] == "json"
    assert conf.logconfig_dict["filters"]["mask_pii"]["()"] == "zhijia.core.logging.MaskPersonalDataFilter"
    atoms = {
        "h": "127.0.0.1",
        "r": "GET /h5/?phone=13812341234 HTTP/1.1",
        "s": "200",
        "b": "1",
        "M": "3",
        "a": "x",
    }
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, conf.access_log_format, (atoms,), None
    )
    MaskPersonalDataFilter().filter(record)
    # a search parameter's value is blanked whole (core.logging: phone, q, token…)
    assert "13812341234" not in record.getMessage() and "phone=***" in record.getMessage()
