"""/api/v1 online applications (在线申请) for listed services (full paths).

- `POST /service-items/<item_id>/applications` — a worker applies for an item of a published
  service list marked "online" (`name`, optional `note`): 201. 404 for any other item; 403 for
  staff accounts; 409 `already_applied`, `too_many_applications`.
- `GET /me/service-applications` — the worker's own, with the union's answer;
  `POST /me/service-applications/<id>/withdraw` — before delivery (404 for anyone else's).
- `GET /service-applications?status=` — staff: applications to the unions where they hold
  catalog.applications (403 without it anywhere), paginated; `GET /service-applications/<id>`.
- `POST /service-applications/<id>/accept` (`reply`), `/decline` (`reason`, required),
  `/deliver` (writes the ledger row): catalog.applications on the list's union (404 outside
  scope, 403 inside without it); 409 `invalid_transition`.

The same services as the phone pages and the console (catalog.applications). Names and phones
are masked; errors are `{"code","message","fields"}`."""

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhijia.api.pagination import Pagination
from zhijia.api.schemas import ERRORS, Ref
from zhijia.catalog import applications as svc
from zhijia.catalog.enums import ApplicationStatus
from zhijia.catalog.models import ServiceApplication
from zhijia.catalog.permissions import access_application, my_application
from zhijia.catalog.selectors import applicable_item, application_list, my_applications
from zhijia.core.masking import mask_name, mask_phone
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap

router = Router(tags=["catalog"])


class ApplicationOut(Schema):
    id: UUID
    item: Ref
    service_list: Ref
    org: Ref = Field(description="The list's union, which answers.")
    name: str = Field(description="The applicant's name, masked (张*).")
    phone: str = Field(description="The applicant's login phone, masked (138****1234).")
    note: str
    status: ApplicationStatus
    status_label: str
    reply: str = Field(description="The union's reply when accepting: what happens next.")
    reason: str = Field(description="Why the union declined.")
    created_at: datetime
    decided_at: datetime | None
    delivered_at: datetime | None

    @staticmethod
    def resolve_item(obj: ServiceApplication) -> dict:
        return {"id": obj.item.pk, "name": obj.item.name}

    @staticmethod
    def resolve_service_list(obj: ServiceApplication) -> dict:
        return {"id": obj.service_list.pk, "name": obj.service_list.title}

    @staticmethod
    def resolve_org(obj: ServiceApplication) -> dict:
        return {"id": obj.org.pk, "name": obj.org.name}

    @staticmethod
    def resolve_name(obj: ServiceApplication) -> str:
        return mask_name(obj.name)

    @staticmethod
    def resolve_phone(obj: ServiceApplication) -> str:
        return mask_phone(obj.applicant.phone)

    @staticmethod
    def resolve_status_label(obj: ServiceApplication) -> str:
        return str(obj.get_status_display())


class ApplyIn(Schema):
    name: str
    note: str = ""


@router.post("/service-items/{item_id}/applications", response={201: ApplicationOut, **ERRORS})
def apply(request: HttpRequest, item_id: str, payload: ApplyIn):
    """Apply online for a listed service (workers)."""
    item = applicable_item(id=item_id)
    application = svc.application_submit(actor=request.user, item=item, name=payload.name, note=payload.note)
    return Status(201, application)


@router.get("/me/service-applications", response=list[ApplicationOut])
def mine(request: HttpRequest):
    """The caller's own applications, newest first (at most 50)."""
    return list(my_applications(actor=request.user))


@router.post("/me/service-applications/{application_id}/withdraw", response={200: ApplicationOut, **ERRORS})
def withdraw(request: HttpRequest, application_id: str):
    application = my_application(actor=request.user, id=application_id)
    return svc.application_withdraw(actor=request.user, application=application)


@router.get("/service-applications", response=list[ApplicationOut])
@paginate(Pagination)
def list_applications(request: HttpRequest, status: ApplicationStatus | None = None):
    """Applications to answer, newest first: `{"items": [...], "count": n}`."""
    require_cap(request.user, Cap.CATALOG_APPLICATIONS)
    return application_list(actor=request.user, status=status or "")


@router.get("/service-applications/{application_id}", response={200: ApplicationOut, **ERRORS})
def get_application(request: HttpRequest, application_id: str):
    return access_application(actor=request.user, id=application_id)


class ReplyIn(Schema):
    reply: str = ""


class ReasonIn(Schema):
    reason: str = ""


@router.post("/service-applications/{application_id}/accept", response={200: ApplicationOut, **ERRORS})
def accept(request: HttpRequest, application_id: str, payload: ReplyIn):
    application = access_application(actor=request.user, id=application_id)
    return svc.application_accept(actor=request.user, application=application, reply=payload.reply)


@router.post("/service-applications/{application_id}/decline", response={200: ApplicationOut, **ERRORS})
def decline(request: HttpRequest, application_id: str, payload: ReasonIn):
    application = access_application(actor=request.user, id=application_id)
    return svc.application_decline(actor=request.user, application=application, reason=payload.reason)


@router.post("/service-applications/{application_id}/deliver", response={200: ApplicationOut, **ERRORS})
def deliver(request: HttpRequest, application_id: str):
    application = access_application(actor=request.user, id=application_id)
    return svc.application_deliver(actor=request.user, application=application)
