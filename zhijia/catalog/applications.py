"""Writes of online applications (在线申请) for listed services.

A worker applies for an item of a published service list whose access modes include "online"
(`application_submit`, phone and API alike); the list's union answers it with
catalog.applications: accept with a reply saying what happens next, or decline with a reason;
once the service is given, `application_deliver` writes one ledger row (records source
"listed"). The worker may withdraw before delivery. Every step locks the row, checks
`enums.APPLICATION_TRANSITIONS` (409 invalid_transition), is audited without personal values,
and tells the worker by SMS on commit (members.notices.notify).

Callers resolve the objects first: the item through selectors.applicable_item (404 unless it is
in a published version and takes online applications), an application through
permissions.access_application (staff) or permissions.my_application (its worker)."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, PermissionDenied, field_error
from zhijia.core.validators.text import has_control_chars
from zhijia.members.notices import notify
from zhijia.members.services.card import person_of
from zhijia.members.services.joining import is_worker
from zhijia.members.services.rights import ANONYMISED_NAME
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_add

from . import error_codes
from .enums import APPLICATION_TRANSITIONS, OPEN_APPLICATION, AccessMode, ApplicationStatus
from .models import ServiceApplication, ServiceItem

S = ApplicationStatus
MAX_OPEN = 5  # open (submitted or accepted) applications a worker may have at once


def _text(value: Any, field: str, max_length: int, *, required: bool = False) -> str:
    text = str(value if value is not None else "").strip()
    if required and not text:
        raise field_error(field, _("This field is required."), "required")
    if len(text) > max_length:
        raise field_error(field, _("At most %(n)d characters.") % {"n": max_length}, "too_long")
    if has_control_chars(text.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise field_error(field, _("Remove the control characters."))
    return text


def _audit(actor: Any, action: str, application: ServiceApplication, **data: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=application,
        org=application.org,
        data={"item": str(application.item_id), "status": application.status, **data},
    )


def _tell(application: ServiceApplication, template: str, **params: Any) -> None:
    """An SMS to the worker (their registered person's rule, else their login phone)."""
    to = application.person if application.person_id else str(application.applicant.phone or "")
    notify(to, template, {"title": application.item.name, **params})


@transaction.atomic
def application_submit(*, actor: Any, item: ServiceItem, name: Any, note: Any = "") -> ServiceApplication:
    """A worker applies online for `item` (one the caller found through
    selectors.applicable_item). `name` is required (at most 50 characters), `note` says what
    they need (at most 1000). Staff accounts get 403; an item without the online access mode
    409 not_online; a second open application for the same item 409 already_applied; more than
    MAX_OPEN open applications 409 too_many_applications."""
    if not is_worker(actor):
        raise PermissionDenied(_("Only workers apply for services."), code="permission_denied")
    if AccessMode.ONLINE not in (item.access_modes or []):
        raise Conflict(_("This service does not take online applications."), code=error_codes.NOT_ONLINE)
    clean_name = " ".join(_text(name, "name", 50, required=True).split())
    clean_note = _text(note, "note", 1000)
    open_ones = ServiceApplication.objects.filter(applicant=actor, status__in=OPEN_APPLICATION)
    if open_ones.filter(item=item).exists():
        raise Conflict(_("You have already applied for this service."), code=error_codes.ALREADY_APPLIED)
    if open_ones.count() >= MAX_OPEN:
        raise Conflict(
            _("You have %(n)d open applications; wait for an answer before applying again.")
            % {"n": MAX_OPEN},
            code=error_codes.TOO_MANY_APPLICATIONS,
        )
    service_list = item.category.version.service_list
    try:
        with transaction.atomic():
            application = ServiceApplication.objects.create(
                item=item,
                service_list=service_list,
                org=service_list.org,
                applicant=actor,
                person=person_of(actor),
                name=clean_name,
                note=clean_note,
            )
    except IntegrityError as exc:  # the same worker's concurrent request won
        raise Conflict(
            _("You have already applied for this service."), code=error_codes.ALREADY_APPLIED
        ) from exc
    _audit(actor, "catalog.application.submit", application)
    return application


def _step(application: ServiceApplication, target: str) -> ServiceApplication:
    """The row locked and the transition checked (409 invalid_transition)."""
    locked = (
        ServiceApplication.objects.select_for_update(of=("self",))
        .select_related("item", "org", "applicant", "person", "service_list")
        .get(pk=application.pk)
    )
    if target not in APPLICATION_TRANSITIONS[locked.status]:
        raise Conflict(
            _("This application is %(status)s; that step is not possible.")
            % {"status": locked.get_status_display()},
            code=error_codes.INVALID_TRANSITION,
        )
    return locked


@transaction.atomic
def application_accept(*, actor: Any, application: ServiceApplication, reply: Any = "") -> ServiceApplication:
    """The union accepts (submitted → accepted), with a reply telling the worker what happens
    next (at most 300 characters); the worker is told by SMS."""
    application = _step(application, S.ACCEPTED)
    application.reply = _text(reply, "reply", 300)
    application.status, application.decided_at, application.decided_by = S.ACCEPTED, timezone.now(), actor
    application.save(update_fields=["status", "reply", "decided_at", "decided_by", "updated_at"])
    _audit(actor, "catalog.application.accept", application)
    _tell(application, "catalog_application_accepted")
    return application


@transaction.atomic
def application_decline(*, actor: Any, application: ServiceApplication, reason: Any) -> ServiceApplication:
    """The union declines (submitted or accepted → declined) with a reason the worker sees
    (required, at most 300 characters); the worker is told by SMS."""
    application = _step(application, S.DECLINED)
    application.reason = _text(reason, "reason", 300, required=True)
    application.status, application.decided_at, application.decided_by = S.DECLINED, timezone.now(), actor
    application.save(update_fields=["status", "reason", "decided_at", "decided_by", "updated_at"])
    _audit(actor, "catalog.application.decline", application)
    _tell(application, "catalog_application_declined", reason=application.reason)
    return application


@transaction.atomic
def application_deliver(*, actor: Any, application: ServiceApplication) -> ServiceApplication:
    """The service was given (accepted → delivered): one ledger row (source "listed", the list's
    union credited, at the list's position when it has one), written once."""
    application = _step(application, S.DELIVERED)
    now = timezone.now()
    application.status, application.delivered_at = S.DELIVERED, now
    application.save(update_fields=["status", "delivered_at", "updated_at"])
    record_add(
        org=application.org,
        source=RecordSource.LISTED,
        source_id=application.pk,
        occurred_at=now,
        title=application.item.name,
        person=application.person,
        position_id=application.service_list.position_id,
    )
    _audit(actor, "catalog.application.deliver", application)
    return application


@transaction.atomic
def application_withdraw(*, actor: Any, application: ServiceApplication) -> ServiceApplication:
    """The worker withdraws their application before it is delivered or declined."""
    application = _step(application, S.WITHDRAWN)
    application.status = S.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    _audit(actor, "catalog.application.withdraw", application)
    return application


def person_applications_export(person: Any) -> dict[str, Any]:
    """The person's online applications, for their own data export (members.services.rights)."""
    rows = (
        ServiceApplication.objects.filter(person=person).select_related("item", "org").order_by("created_at")
    )
    return {
        "service_applications": [
            {
                "union": a.org.name,
                "service": a.item.name,
                "name": a.name,
                "note": a.note,
                "status": a.status,
                "reply": a.reply,
                "reason": a.reason,
                "submitted_at": a.created_at,
                "decided_at": a.decided_at,
                "delivered_at": a.delivered_at,
            }
            for a in rows
        ]
    }


def person_applications_anonymise(person: Any) -> None:
    """In the person's anonymisation: the typed name and what they wrote are cleared from their
    applications, and those still open are withdrawn (a delivered one stays, as its ledger row)."""
    mine = ServiceApplication.objects.filter(person=person)
    mine.filter(status__in=OPEN_APPLICATION).update(status=S.WITHDRAWN, updated_at=timezone.now())
    mine.update(name=ANONYMISED_NAME, note="", updated_at=timezone.now())
