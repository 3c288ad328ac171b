"""Joining the union online (网上入会) and the receiving union's review.

The interfaces (API, console, H5) check access first (members.review on the application's union
for the review actions); these services hold the rules: routing, separate consent, one open
application and one active membership per person, the 15-working-day deadline and the guarded
status transitions (only a `submitted` application moves; anything else is `invalid_transition`).

Only a logged-in worker applies (their phone was verified by the SMS login): an anonymous
form would let anyone, an employer included, test someone's ID number against the membership
rolls. Decisions are told to the worker by SMS after they commit (members.notices.notify); Zhijia never
tells the employer.
"""

import logging
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.accounts.models import UserKind
from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, field_error
from zhijia.core.workdays import add_working_days
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.enums import OrgLevel, OrgStatus
from zhijia.orgs.models import Org

from .. import error_codes
from ..enums import ACTIVE_STATUSES, ApplicationSource, ApplicationStatus, ConsentPurpose, MemberStatus
from ..models import Consent, JoinApplication, Membership, Person
from ..notices import notify
from ..validation import clean_person
from .events import event_create
from .people import lock_active_union, member_no_issue, person_upsert

REVIEW_WORKING_DAYS = 15  # the receiving union decides within 15 working days
WORKPLACE_LEVELS = (OrgLevel.GRASSROOTS,)
AREA_LEVELS = (OrgLevel.STREET, OrgLevel.FEDERATION)  # street/town and park/industry unions
JOINABLE_LEVELS = (*WORKPLACE_LEVELS, *AREA_LEVELS)

logger = logging.getLogger("zhijia.members")


def is_worker(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.kind == UserKind.WORKER)


def review_due_on(start: date | None = None) -> date:
    return add_working_days(start or timezone.localdate(), REVIEW_WORKING_DAYS)


def _union(org_id: Any, levels: tuple[str, ...], field: str) -> Org:
    org = Org.objects.filter(pk=org_id, status=OrgStatus.ACTIVE).first() if org_id else None
    if org is None or org.level not in levels:
        raise field_error(
            field, _("This is not a union you can join here."), code=error_codes.NOT_A_UNION_TO_JOIN
        )
    return org


def join_route(*, workplace_org_id: Any = None, work_org_id: Any = None) -> tuple[Org, Org | None, bool]:
    """(receiving union, workplace union or None, routed). The workplace union (an active
    grassroots union) when one was picked; otherwise the street/town or park union of where the
    worker (mostly) works, and routed=True."""
    if workplace_org_id:
        org = _union(workplace_org_id, WORKPLACE_LEVELS, "workplace_org_id")
        return org, org, False
    if work_org_id:
        return _union(work_org_id, AREA_LEVELS, "work_org_id"), None, True
    raise ValidationFailed(
        _("Choose your workplace union, or the street, town or park where you mostly work."),
        code=error_codes.UNION_REQUIRED,
        fields={"work_org_id": [_("Choose where you mostly work.")]},
    )


def _check_claim(actor: Any, data: dict[str, Any]) -> None:
    """Before anything is written: an identity already held by another account cannot be
    applied with, and a record nobody has claimed yet may be claimed only under the same name
    (otherwise anyone who knows an ID number could take the record over and overwrite it)."""
    fields = clean_person(data)
    existing = Person.objects.filter(id_index=fields["id_index"]).only("user_id", "name").first()
    if existing is None:
        return
    if existing.user_id and existing.user_id != actor.pk:
        raise Conflict(
            _("This identity number belongs to another account. Log in with that account's phone."),
            code=error_codes.IDENTITY_IN_USE,
        )
    if existing.user_id is None and existing.name != fields["name"]:
        raise Conflict(
            _("The name does not match our record for this identity number. Ask your union to check it."),
            code=error_codes.PERSON_MISMATCH,
            fields={"name": [_("The name does not match our record for this identity number.")]},
        )


def _link_worker(actor: Any, person: Person) -> None:
    """A logged-in worker applies as themself: the person is linked to their account, unless
    it already belongs to another account (or the account to another person)."""
    if person.user_id and person.user_id != actor.pk:
        raise Conflict(
            _("This identity number belongs to another account. Log in with that account's phone."),
            code=error_codes.IDENTITY_IN_USE,
        )
    if Person.objects.filter(user=actor).exclude(pk=person.pk).exists():
        raise Conflict(
            _("Your account already belongs to another person's record."), code=error_codes.PERSON_MISMATCH
        )
    if person.user_id is None:
        person.user = actor
        try:
            with transaction.atomic():
                person.save(update_fields=["user", "updated_at"])
        except IntegrityError as exc:  # the same account claimed another person concurrently
            raise Conflict(
                _("Your account already belongs to another person's record."),
                code=error_codes.PERSON_MISMATCH,
            ) from exc


def _refuse_if_member_or_applying(person: Person) -> None:
    if Membership.objects.filter(person=person, status__in=ACTIVE_STATUSES).exists():
        raise Conflict(_("You are already a union member."), code=error_codes.ALREADY_MEMBER)
    if JoinApplication.objects.filter(person=person, status=ApplicationStatus.SUBMITTED).exists():
        raise Conflict(
            _("You already have an application waiting for review."), code=error_codes.APPLICATION_OPEN
        )


@transaction.atomic
def join_apply(
    *,
    actor: Any,
    data: dict[str, Any],
    workplace_org_id: Any = None,
    work_org_id: Any = None,
    notify_employer: bool = False,
    consent_version: str = "",
    source: str = ApplicationSource.H5,
) -> JoinApplication:
    """A logged-in worker applies to join, as themself: the person is linked to the worker's
    account and the phone is the account's verified phone (a `phone` in `data` is ignored).
    Anyone else (anonymous, staff): 403 `worker_only`, before anything is looked up, so the
    answers below cannot be used to test a stranger's ID number anonymously.

    Validates `data` with clean_person (ValidationFailed per field), the routing (400
    `not_a_union_to_join` / `union_required`) and the separate consent to processing sensitive
    data (400 `consent_required` without a notice version); then upserts the person, records the
    Consent and the application (due in 15 working days). 409 `already_member`,
    `application_open` (also when a concurrent insert trips the DB constraint), `person_mismatch`
    (the account already belongs to another person) and `identity_in_use` (the ID number belongs
    to another account). The last still tells the caller that the number has an account: an
    accepted residual risk, as only the holder of a verified phone can ask, and every attempt is
    audited and rate-limited by the interfaces. The employer is told only if `notify_employer`
    (default False). Audits join_application.submit."""
    if not is_worker(actor):
        raise PermissionDenied(
            _("Only a worker logged in with their mobile phone can apply to join."),
            code=error_codes.WORKER_ONLY,
        )
    org, workplace, routed = join_route(workplace_org_id=workplace_org_id, work_org_id=work_org_id)
    version = str(consent_version or "").strip()[:20]
    if not version:
        raise field_error(
            "consent",
            _("Please agree to the processing of your personal information to apply."),
            code=error_codes.CONSENT_REQUIRED,
        )
    if source not in ApplicationSource.values:
        source = ApplicationSource.API
    data = {**data, "phone": actor.phone}
    _check_claim(actor, data)
    person, _created = person_upsert(actor=actor, data=data)
    _link_worker(actor, person)
    _refuse_if_member_or_applying(person)
    now = timezone.now()
    consent = Consent.objects.create(
        person=person, purpose=ConsentPurpose.SENSITIVE, notice_version=version, given_at=now
    )
    try:
        with transaction.atomic():
            application = JoinApplication.objects.create(
                person=person,
                org=org,
                workplace_org=workplace,
                routed=routed,
                employer_name=person.employer,
                notify_employer=bool(notify_employer),
                source=source,
                submitted_at=now,
                due_on=review_due_on(timezone.localdate()),
                consent=consent,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("You already have an application waiting for review."), code=error_codes.APPLICATION_OPEN
        ) from exc
    audit_log(
        actor=actor,
        action="join_application.submit",
        obj=application,
        data={"routed": routed, "source": source, "notify_employer": application.notify_employer},
    )
    return application


def _locked_submitted(application: JoinApplication) -> JoinApplication:
    """Lock the row and refuse unless it is still `submitted` (guards concurrent reviewers)."""
    locked = (
        JoinApplication.objects.select_for_update()
        .select_related("person", "org")
        .filter(pk=application.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    if locked.status != ApplicationStatus.SUBMITTED:
        raise Conflict(
            _("This application has already been decided or withdrawn."),
            code=error_codes.INVALID_TRANSITION,
        )
    return locked


def _decide(app: JoinApplication, actor: Any, status: str, reason: str = "") -> None:
    app.status = status
    app.decided_at = timezone.now()
    app.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    app.reason = reason
    app.save(update_fields=["status", "decided_at", "decided_by", "reason", "membership", "updated_at"])


@transaction.atomic
def application_approve(*, actor: Any, application: JoinApplication) -> JoinApplication:
    """Approve: a membership of the receiving union (status member, a new member number, joined
    today) and its "joined" history event. Caller: staff with members.review on
    application.org. Locks the application row. 409 `invalid_transition` unless submitted,
    `already_member` if the person became a member meanwhile. Audits join_application.approve.
    After commit the worker gets the SMS notice `join_approved` {org, member_no}."""
    app = _locked_submitted(application)
    lock_active_union(app.org)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                person=app.person,
                org=app.org,
                status=MemberStatus.MEMBER,
                member_no=member_no_issue(app.org, today),
                joined_on=today,
            )
    except IntegrityError as exc:
        raise Conflict(_("This person is already a union member."), code=error_codes.ALREADY_MEMBER) from exc
    event_create(
        membership=membership, kind="joined", to_org=app.org, actor=actor, note=f"join application {app.pk}"
    )
    app.membership = membership
    _decide(app, actor, ApplicationStatus.APPROVED)
    audit_log(
        actor=actor, action="join_application.approve", obj=app, data={"member_no": membership.member_no}
    )
    notify(app.person, "join_approved", {"org": app.org.name, "member_no": membership.member_no or ""})
    return app


def clean_reason(reason: str) -> str:
    text = " ".join(str(reason or "").split())[:500]
    if not text:
        raise field_error("reason", _("Please give a reason."), code=error_codes.REASON_REQUIRED)
    return text


@transaction.atomic
def application_reject(*, actor: Any, application: JoinApplication, reason: str) -> JoinApplication:
    """Reject with a reason the worker will see (400 `reason_required` when blank). Caller: staff
    with members.review on application.org. 409 `invalid_transition` unless submitted. Audited.
    After commit the worker gets the SMS notice `join_rejected` {org} (the reason is on the
    status page, not in the SMS)."""
    text = clean_reason(reason)
    app = _locked_submitted(application)
    _decide(app, actor, ApplicationStatus.REJECTED, text)
    audit_log(actor=actor, action="join_application.reject", obj=app, data={"reason": text})
    notify(app.person, "join_rejected", {"org": app.org.name})
    return app


def forward_allowed(*, actor: Any, application: JoinApplication, target: Org) -> bool:
    """Where a reviewer may forward: an active union a worker can join (grassroots, street or
    park union), not the current one, and either inside the reviewer's members.review scope or
    a street/park union above the current union (a grassroots union hands on to its street)."""
    if target.pk == application.org_id or target.status != OrgStatus.ACTIVE:
        return False
    if target.level not in JOINABLE_LEVELS:
        return False
    above = target.level in AREA_LEVELS and application.org.path.startswith(target.path)
    return above or scope_for(actor, Cap.MEMBERS_REVIEW).contains(target)


@transaction.atomic
def application_forward(*, actor: Any, application: JoinApplication, to_org: Org) -> JoinApplication:
    """Hand the application to another union (see forward_allowed; else 400
    `not_a_union_to_join`, or `same_union`). The deadline restarts (15 working days from today)
    and `forwarded_from` keeps the union it came from. Caller: staff with members.review on
    application.org. 409 `invalid_transition` unless submitted. Audited."""
    app = _locked_submitted(application)
    if to_org.pk == app.org_id:
        raise field_error(
            "org_id", _("The application is already with this union."), code=error_codes.SAME_UNION
        )
    if not forward_allowed(actor=actor, application=app, target=to_org):
        raise field_error(
            "org_id",
            _("You cannot forward the application to this unit."),
            code=error_codes.NOT_A_UNION_TO_JOIN,
        )
    app.forwarded_from = app.org
    app.org = to_org
    app.due_on = review_due_on(timezone.localdate())
    app.save(update_fields=["forwarded_from", "org", "due_on", "updated_at"])
    audit_log(
        actor=actor,
        action="join_application.forward",
        obj=app,
        data={"from_org": str(app.forwarded_from_id), "to_org": str(to_org.pk)},
    )
    return app


@transaction.atomic
def application_withdraw(*, actor: Any, application: JoinApplication) -> JoinApplication:
    """The applicant (the worker whose account is linked to the person) withdraws; anyone else
    gets 404. 409 `invalid_transition` unless submitted. Audited."""
    if not is_worker(actor) or application.person.user_id != actor.pk:
        raise NotFound()
    app = _locked_submitted(application)
    _decide(app, actor, ApplicationStatus.WITHDRAWN)
    audit_log(actor=actor, action="join_application.withdraw", obj=app)
    return app
