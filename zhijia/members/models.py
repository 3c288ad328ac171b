"""The member registry (会员实名制): people, memberships and the ways in and out.

Identity numbers and phones are stored encrypted (core.fields.EncryptedTextField); the
`*_index` columns are HMAC blind indexes of the normalised values, used for exact look-up and
for the one-person-one-record rule. Writes go through members.services only.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhijia.core.fields import EncryptedTextField
from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import (
    ACTIVE_STATUSES,
    ETHNICITIES,
    ApplicationSource,
    ApplicationStatus,
    ConsentBasis,
    ConsentPurpose,
    DataRequestKind,
    DataRequestStatus,
    Education,
    Gender,
    IdType,
    MemberStatus,
    Occupation,
    PoliticalStatus,
    Relation,
    SkillLevel,
    TransferStatus,
)


class Person(BaseModel):
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    name_pinyin = models.CharField(max_length=400, blank=True)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITIES, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_type = models.CharField(_("identity document"), max_length=20, choices=IdType.choices)
    id_number = EncryptedTextField(_("document number"))
    id_index = models.CharField(max_length=64, unique=True, null=True)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_last4 = models.CharField(max_length=4, blank=True, db_index=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    hukou_place = models.CharField(_("household registration place"), max_length=200, blank=True)
    residence = models.CharField(_("current residence"), max_length=200, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    job_title = models.CharField(_("job"), max_length=100, blank=True)
    occupation = models.CharField(_("occupation"), max_length=20, choices=Occupation.choices, blank=True)
    migrant_worker = models.BooleanField(_("migrant worker"), default=False)  # 农民工
    skill_level = models.CharField(_("skill level"), max_length=10, choices=SkillLevel.choices, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_DATA = {
        "name": Category.IDENTITY,
        "name_pinyin": Category.IDENTITY,
        "name_initials": Category.IDENTITY,
        "gender": Category.IDENTITY,
        "ethnicity": Category.IDENTITY,  # sensitive under GB/T 35273
        "birth_date": Category.IDENTITY,
        "id_type": Category.IDENTITY,
        "id_number": Category.IDENTITY,
        "id_index": Category.IDENTITY,
        "phone": Category.CONTACT,
        "phone_index": Category.CONTACT,
        "phone_last4": Category.CONTACT,
        "education": Category.IDENTITY,
        "political_status": Category.IDENTITY,
        "hukou_place": Category.IDENTITY,
        "residence": Category.CONTACT,
        "employer": Category.MEMBERSHIP,
        "job_title": Category.MEMBERSHIP,
        "occupation": Category.MEMBERSHIP,
        "migrant_worker": Category.MEMBERSHIP,
        "skill_level": Category.MEMBERSHIP,
    }

    class Meta:
        ordering = ["name_pinyin"]

    def __str__(self) -> str:
        from zhijia.core.masking import mask_name

        return mask_name(self.name)

    def ledger_facts(self, member_org_id: Any = None) -> dict[str, Any]:
        """What the service ledger copies from this person at write time (records.services):
        sex, birth date, worker type (新就业形态 / 农民工 / other), occupation and the union of
        their active membership (one query, unless the caller names it)."""
        from .enums import NEW_EMPLOYMENT_FORMS

        if self.occupation in NEW_EMPLOYMENT_FORMS:
            worker_type = "new_form"
        elif self.migrant_worker:
            worker_type = "migrant"
        else:
            worker_type = "other"
        member_org_id = member_org_id or (
            Membership.objects.filter(person_id=self.pk, status__in=ACTIVE_STATUSES)
            .values_list("org_id", flat=True)
            .first()
        )
        return {
            "sex": self.gender or "",
            "birth_date": self.birth_date,
            "worker_type": worker_type,
            "occupation": self.occupation or "",
            "member_org_id": member_org_id,
        }


class FamilyMember(BaseModel):
    """A member's relative; children are enrolled in camps (issue "Activities")."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family")
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_type = models.CharField(_("identity document"), max_length=20, choices=IdType.choices, blank=True)
    id_number = EncryptedTextField(_("document number"), blank=True)
    id_index = models.CharField(max_length=64, blank=True, db_index=True)

    PERSONAL_DATA = {
        "relation": Category.MINOR,
        "name": Category.MINOR,
        "gender": Category.MINOR,
        "birth_date": Category.MINOR,
        "id_type": Category.MINOR,
        "id_number": Category.MINOR,
        "id_index": Category.MINOR,
    }


class Membership(BaseModel):
    """A person's membership of one union. At most one active (member or retained) per person."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="memberships")
    member_no = models.CharField(_("member number"), max_length=24, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.MEMBER
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    PERSONAL_DATA = {"member_no": Category.MEMBERSHIP, "status": Category.MEMBERSHIP}

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=ACTIVE_STATUSES), name="one_active_membership"
            ),
        ]
        indexes = [
            models.Index(fields=["org", "status"]),
            # a search's people → their memberships and unions, from the index alone (PostgreSQL;
            # members.selectors.registry._memberships_of, bench/member_search.py)
            models.Index(fields=["person"], include=["id", "org"], name="membership_person_cover"),
        ]

    def __str__(self) -> str:
        return self.member_no or str(self.pk)


class MembershipEvent(BaseModel):
    """The history of a membership: joined, transferred, retained, withdrawn, corrected…"""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    from_org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at"]


class Consent(BaseModel):
    """Separate consent (单独同意) to one purpose, under one version of the notice."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)  # see members.consent
    notice_version = models.CharField(max_length=20)
    basis = models.CharField(max_length=20, choices=ConsentBasis.choices, default=ConsentBasis.ONLINE)
    declared_by = models.ForeignKey(  # the importing union, for a declared basis
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["person", "purpose"], name="consent_person_purpose")]


class MemberImportDeclaration(BaseModel):
    """What the union importing a ledger declares about the consent of the people in it: the
    basis (a signed paper form, a record in another system) and the version of the notice they
    were shown. One per member import job; the importer records a consent per person from it."""

    job = models.OneToOneField("core.ImportJob", on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=20, choices=ConsentBasis.choices)
    notice_version = models.CharField(max_length=20)


class JoinApplication(BaseModel):
    """网上入会: a worker's application, reviewed by the receiving union within 15 working days."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="join_applications")
    workplace_org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the workplace union the worker picked, when there is one",
    )
    routed = models.BooleanField(default=False)  # no workplace union: sent to the street/park union
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    notify_employer = models.BooleanField(_("tell my employer"), default=False)
    source = models.CharField(max_length=10, choices=ApplicationSource.choices, default=ApplicationSource.H5)
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField()
    due_on = models.DateField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    forwarded_from = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    membership = models.OneToOneField(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="application"
    )
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    PERSONAL_DATA = {"employer_name": Category.MEMBERSHIP}

    class Meta:
        ordering = ["due_on", "submitted_at"]
        indexes = [models.Index(fields=["org", "status", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status=ApplicationStatus.SUBMITTED),
                name="one_open_application",
            ),
        ]


class Transfer(BaseModel):
    """会籍转接: moving an active membership from one union to another."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="transfers")
    from_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=TransferStatus.choices, default=TransferStatus.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)  # the requester's
    rejection_reason = models.CharField(_("reason for the refusal"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    new_membership = models.OneToOneField(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="transferred_in_by"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(status=TransferStatus.REQUESTED), name="one_open_transfer"
            ),
        ]


class DataRequest(BaseModel):
    """A person's request to correct or delete their data (PIPL Art. 46-47)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="data_requests")
    kind = models.CharField(max_length=12, choices=DataRequestKind.choices)
    detail = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=DataRequestStatus.choices, default=DataRequestStatus.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)

    PERSONAL_DATA = {"detail": Category.IDENTITY}


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Downloaded")


class ExportRequest(BaseModel):
    """A full (unmasked) export of a subtree's members: needs another person's approval, is
    downloaded once, and is audited with its row count and purpose."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=500)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(_("reason for the refusal"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
