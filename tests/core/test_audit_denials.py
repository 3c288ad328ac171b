"""Denials (403/404) through the API and through console pages: exactly one `access.denied`
entry, outcome denied, and the denied change leaves no other trace."""

from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import include, path
from ninja import NinjaAPI

from zhijia.api import errors
from zhijia.core.audit import audit_log
from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.core.models import AuditEntry, AuditOutcome
from zhijia.orgs.models import Org

FUTIAN = "福田区总"


@transaction.atomic
def rename_then_fail(*, actor, exc: Exception) -> None:
    """A service that changes a row and audits it, then hits a denial half way."""
    org = Org.objects.get(short_name=FUTIAN)
    Org.objects.filter(pk=org.pk).update(contact_name="被拒绝的修改")
    audit_log(actor=actor, action="org.update", obj=org)
    raise exc


def _exc(kind: str) -> Exception:
    return NotFound() if kind == "404" else PermissionDenied()


test_api = NinjaAPI(urls_namespace="test_denials_api", auth=None)
errors.install(test_api)


@test_api.post("/change/{kind}")
def api_change(request, kind: str):
    rename_then_fail(actor=request.user, exc=_exc(kind))


def page_change(request, kind: str):
    rename_then_fail(actor=request.user, exc=_exc(kind))


urlpatterns = [
    path("api/", test_api.urls),
    path("page/<str:kind>/", page_change),
    path("console/", include("zhijia.staff.urls")),
]


def _assert_one_denial_and_no_change(before: int, user, status: int) -> None:
    new = list(AuditEntry.objects.order_by("id")[before:])
    assert len(new) == 1, [e.action for e in new]
    denial = new[0]
    assert (denial.action, denial.outcome, denial.actor_id) == ("access.denied", AuditOutcome.DENIED, user.pk)
    assert denial.data["status"] == status
    assert Org.objects.get(short_name=FUTIAN).contact_name != "被拒绝的修改"
    assert not AuditEntry.objects.filter(action="org.update").exists()


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("kind,status", [("404", 404), ("403", 403)])
def test_api_denial_is_audited_once_and_changes_nothing(demo, kind, status):
    user = demo.user("futian_staff")
    client = Client()
    client.force_login(user)
    before = AuditEntry.objects.count()
    response = client.post(f"/api/change/{kind}", content_type="application/json")
    assert response.status_code == status
    assert response.json()["code"] in {"not_found", "permission_denied"}
    _assert_one_denial_and_no_change(before, user, status)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("kind,status", [("404", 404), ("403", 403)])
def test_page_denial_is_audited_once_and_changes_nothing(demo, kind, status):
    user = demo.user("futian_staff")
    client = Client()
    client.force_login(user)
    before = AuditEntry.objects.count()
    response = client.post(f"/page/{kind}/")
    assert response.status_code == status
    assert b'data-testid="error-message"' in response.content
    _assert_one_denial_and_no_change(before, user, status)


def test_denial_on_the_real_audit_api_and_console(demo, api_client, staff_client):
    admin = demo.user("province_admin")
    before = AuditEntry.objects.count()
    assert api_client.login("province_admin").get("/api/v1/audit").status_code == 403
    assert staff_client("province_admin").post("/console/audit/verify/").status_code == 403
    new = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.outcome, e.actor_id) for e in new] == [("access.denied", "denied", admin.pk)] * 2
    assert not AuditEntry.objects.filter(action="audit.verify").exists()


def test_audit_log_masks_and_sanitises(db):
    entry = audit_log(
        actor=None,
        action="test.mask",
        actor_label="13812345678",
        data={"note": "身份证 440304199001011234 电话 13812345678", "when": date(2026, 1, 2)},
    )
    entry.refresh_from_db()
    assert entry.actor_label == "138****5678"
    assert "440304199001011234" not in entry.data["note"] and "13812345678" not in entry.data["note"]
    assert entry.data["when"] == "2026-01-02"


def test_ids_that_look_like_phones_are_not_masked(db):
    """A UUID may hold eleven digits in a row ("…-13512340278b"): the audit entry keeps its
    object id and the ids in its data intact, and a phone next to it is still masked."""
    from types import SimpleNamespace

    from zhijia.core.masking import mask_text

    uuid_like = "01a20222-bf03-7df1-bca9-13512340278b"
    assert mask_text(f"order {uuid_like} for 13812345678") == f"order {uuid_like} for 138****5678"
    obj = SimpleNamespace(pk=uuid_like, org=None, _meta=SimpleNamespace(label="x.Y", label_lower="x.y"))
    entry = audit_log(actor=None, action="test.ids", obj=obj, data={"attendance": uuid_like})
    entry.refresh_from_db()
    assert entry.object_id == uuid_like and entry.data["attendance"] == uuid_like
