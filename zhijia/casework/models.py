"""Help-and-rights cases (帮扶与维权): one case engine (Case, its timeline, notes, approvals,
referrals, deadlines) and the details of the three kinds (hardship files with family members,
help records and yearly funds; legal intake and mediation agreements; counselling screenings).
Writes go through casework.services only; reads through selectors and permissions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from zhijia.core.fields import EncryptedTextField
from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import (
    ApprovalDecision,
    AreaBand,
    CaseKind,
    CaseStatus,
    Cause,
    Disability,
    ExitReason,
    FamilyRelation,
    Grade,
    HardshipCategory,
    Health,
    HelpKind,
    Housing,
    Hukou,
    Instrument,
    IntakeChannel,
    Marital,
    ModelWorker,
    NoteLevel,
    ObjectionStatus,
    ReferralTo,
    WorkStatus,
)

USER = settings.AUTH_USER_MODEL


class CaseSettings(BaseModel):
    """Per-unit settings, inherited down the tree (the nearest unit that sets a value wins):
    the local 低保 line (per administrative division), the crisis contact told at once when a
    screening flags self-harm, and the crisis hotline shown to the worker."""

    org = models.OneToOneField("orgs.Org", on_delete=models.CASCADE, related_name="case_settings")
    dibao_line = models.DecimalField(
        _("minimum living standard (yuan per person per month)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    crisis_contact_name = models.CharField(_("crisis contact"), max_length=50, blank=True)
    crisis_contact_phone = EncryptedTextField(_("crisis contact phone"), blank=True)
    crisis_hotline = models.CharField(_("crisis hotline"), max_length=30, blank=True)

    PERSONAL_DATA = {"crisis_contact_name": Category.CONTACT, "crisis_contact_phone": Category.CONTACT}


class Case(BaseModel):
    """One case of any kind. `org` is the unit that owns it (scope); `handler` the login of the
    assigned handler (union staff, or an expert of the pool through `handler_expert`)."""

    number = models.CharField(max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    applicant = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="own_cases"
    )  # the worker's login when they applied themselves
    subject_name = models.CharField(pgettext_lazy("person", "name"), max_length=100, blank=True)
    subject_phone = EncryptedTextField(_("mobile phone"), blank=True)
    anonymous = models.BooleanField(_("anonymous (case number only)"), default=False)
    summary = models.TextField(_("what happened"), blank=True)
    handler = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    handler_expert = models.ForeignKey(
        "dispatch.Expert", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    opened_on = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    PERSONAL_DATA = {
        "subject_name": Category.IDENTITY,
        "subject_phone": Category.CONTACT,
        "summary": Category.IDENTITY,
    }

    class Meta:
        ordering = ["-opened_on", "-created_at"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return self.number


class CaseEvent(BaseModel):
    """The timeline: every step, with who took it (no personal text: notes live apart)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=CaseStatus.choices)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    label = models.CharField(max_length=200, blank=True)  # short, never personal
    label_args = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "created_at"]

    @property
    def shown_label(self) -> str:
        """The label in the reader's language. Fixed wording is stored as its msgid (services
        pass it through casework.services.common.fixed), with `label_args` for its
        placeholders; free text (a reason, a name) is shown as written."""
        if not self.label:
            return ""
        text = gettext(self.label)
        return text % self.label_args if self.label_args else text


class CaseNote(BaseModel):
    """A note with a confidentiality level; counselling notes are readable by the assigned
    counsellor only. The text is encrypted at rest."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    level = models.CharField(max_length=12, choices=NoteLevel.choices, default=NoteLevel.INTERNAL)
    text = EncryptedTextField(_("note"))
    at = models.DateTimeField()

    PERSONAL_DATA = {"text": Category.HEALTH}

    class Meta:
        ordering = ["at", "created_at"]


class CaseApproval(BaseModel):
    """A typed approval with its history: who asked, who decided, why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(max_length=20)  # "file" (建档)
    requested_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField()
    decision = models.CharField(
        max_length=10, choices=ApprovalDecision.choices, default=ApprovalDecision.PENDING
    )
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["requested_at"]


class CaseReferral(BaseModel):
    """A referral out (法律援助, arbitration, hospital…) with its outcome."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    to = models.CharField(_("referred to"), max_length=16, choices=ReferralTo.choices)
    detail = models.CharField(_("where and why"), max_length=300, blank=True)
    referred_at = models.DateTimeField()
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["referred_at"]


class CaseDeadline(BaseModel):
    """A clock on the case (casework.deadlines decides the rules): due on a date counted in
    working or calendar days; `met_at` when the step it waits for happened."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    code = models.CharField(max_length=24)
    due_on = models.DateField()
    working_days = models.BooleanField(default=False)
    met_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="case_deadline_code")]


# --- hardship files ----------------------------------------------------------------------


class HardshipFile(BaseModel):
    """The 困难职工档案表 of one household (一户一档). `household_index` is the blind index of the
    applicant's ID number; at most one open file per household (constraint)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="hardship")
    id_number = EncryptedTextField(_("ID number"))
    household_index = models.CharField(max_length=64)
    is_open = models.BooleanField(default=True)
    gender = models.CharField(_("gender"), max_length=8, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    category = models.CharField(
        _("hardship category"),
        max_length=16,
        choices=HardshipCategory.choices,
        default=HardshipCategory.LOW_INCOME,
    )
    health = models.CharField(_("health"), max_length=10, choices=Health.choices, default=Health.HEALTHY)
    disability = models.CharField(_("disability"), max_length=14, choices=Disability.choices, blank=True)
    work_status = models.CharField(
        _("work status"), max_length=14, choices=WorkStatus.choices, default=WorkStatus.EMPLOYED
    )
    model_worker = models.CharField(_("model worker"), max_length=10, choices=ModelWorker.choices, blank=True)
    housing = models.CharField(_("housing"), max_length=10, choices=Housing.choices, default=Housing.OWN)
    area_band = models.CharField(
        _("floor area"), max_length=6, choices=AreaBand.choices, default=AreaBand.FROM_15
    )
    marital = models.CharField(
        _("marital status"), max_length=10, choices=Marital.choices, default=Marital.MARRIED
    )
    hukou = models.CharField(
        _("household registration"), max_length=6, choices=Hukou.choices, default=Hukou.URBAN
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    single_parent = models.BooleanField(_("single parent"), default=False)
    own_income = models.DecimalField(_("own monthly income"), max_digits=10, decimal_places=2, default=0)
    other_income = models.DecimalField(_("other family income"), max_digits=10, decimal_places=2, default=0)
    household_size = models.PositiveSmallIntegerField(_("household size"), default=1)
    cause_main = models.CharField(_("main cause"), max_length=2, choices=Cause.choices, default=Cause.OTHER)
    causes_other = models.JSONField(_("other causes"), default=list, blank=True)  # up to three codes
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, default=Grade.RELATIVE)
    key_groups = models.JSONField(_("five key groups"), default=list, blank=True)  # 五类重点群体
    four_batches = models.JSONField(_("four batches"), default=list, blank=True)  # 四个一批
    bank_account = EncryptedTextField(_("payment account"), blank=True)
    visit_record = models.TextField(_("home visit record"), blank=True)
    visited_on = models.DateField(null=True, blank=True)
    income_check_signed = models.BooleanField(_("signed authorisation for income checks"), default=False)
    publicity_from = models.DateField(null=True, blank=True)
    publicity_until = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(
        _("reason for leaving"), max_length=10, choices=ExitReason.choices, blank=True
    )
    reviewed_on = models.DateField(null=True, blank=True)

    PERSONAL_DATA = {
        "id_number": Category.IDENTITY,
        "household_index": Category.IDENTITY,
        "gender": Category.IDENTITY,
        "birth_date": Category.IDENTITY,
        "category": Category.FINANCIAL,
        "health": Category.HEALTH,
        "disability": Category.HEALTH,
        "work_status": Category.MEMBERSHIP,
        "model_worker": Category.MEMBERSHIP,
        "housing": Category.FINANCIAL,
        "area_band": Category.FINANCIAL,
        "marital": Category.IDENTITY,
        "hukou": Category.IDENTITY,
        "address": Category.CONTACT,
        "single_parent": Category.IDENTITY,
        "own_income": Category.FINANCIAL,
        "other_income": Category.FINANCIAL,
        "household_size": Category.FINANCIAL,
        "cause_main": Category.FINANCIAL,
        "causes_other": Category.FINANCIAL,
        "grade": Category.FINANCIAL,
        "bank_account": Category.FINANCIAL,
        "visit_record": Category.FINANCIAL,
    }
    NOT_PERSONAL = ("income_check_signed",)  # whether the authorisation form was signed

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household_index"], condition=Q(is_open=True), name="one_open_file_per_household"
            ),
            models.CheckConstraint(condition=Q(household_size__gte=1), name="hardship_household_size"),
        ]

    @property
    def family_income(self):
        return self.own_income + self.other_income

    @property
    def per_capita(self):
        from decimal import ROUND_HALF_UP, Decimal

        return (self.family_income / Decimal(max(self.household_size, 1))).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


class HardshipMember(BaseModel):
    """A family member on the file (name, relation, ID encrypted, health, income, school or work)."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=10, choices=FamilyRelation.choices)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_index = models.CharField(max_length=64, blank=True, db_index=True)
    health = models.CharField(_("health"), max_length=10, choices=Health.choices, default=Health.HEALTHY)
    income = models.DecimalField(_("monthly income"), max_digits=10, decimal_places=2, default=0)
    school_or_employer = models.CharField(_("school or employer"), max_length=200, blank=True)

    PERSONAL_DATA = {
        "name": Category.IDENTITY,
        "relation": Category.IDENTITY,
        "id_number": Category.IDENTITY,
        "id_index": Category.IDENTITY,
        "health": Category.HEALTH,
        "income": Category.FINANCIAL,
        "school_or_employer": Category.MEMBERSHIP,
    }

    class Meta:
        ordering = ["created_at"]


class Objection(BaseModel):
    """An objection to a 公示, recorded and answered."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="objections")
    text = models.TextField(_("objection"))
    at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_DATA = {"text": Category.FINANCIAL}

    class Meta:
        ordering = ["at"]


class HelpFund(BaseModel):
    """A unit's yearly help fund; `spent` moves by guarded UPDATE and never passes `amount`."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="help_funds")
    year = models.PositiveSmallIntegerField()
    name = models.CharField(_("fund"), max_length=100)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    spent = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    NOT_PERSONAL = ("name",)

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "name"], name="help_fund_name"),
            models.CheckConstraint(condition=Q(spent__lte=models.F("amount")), name="help_fund_balance"),
            models.CheckConstraint(condition=Q(spent__gte=0), name="help_fund_spent"),
        ]

    @property
    def balance(self):
        return self.amount - self.spent

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class HelpRecord(BaseModel):
    """Help given to a filed household: kind, amount, date, who, from which fund."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="help_records")
    kind = models.CharField(_("kind of help"), max_length=12, choices=HelpKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    given_on = models.DateField(_("given on"))
    fund = models.ForeignKey(
        HelpFund, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    given_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    PERSONAL_DATA = {"amount": Category.FINANCIAL}

    class Meta:
        ordering = ["-given_on", "-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="help_record_amount")]


# --- legal -----------------------------------------------------------------------------------


class LegalDetail(BaseModel):
    """Intake and the statutory dates of a legal consultation or labour-dispute mediation."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="legal")
    channel = models.CharField(_("how it came in"), max_length=8, choices=IntakeChannel.choices)
    court_case_no = models.CharField(_("court case number"), max_length=60, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    claim_amount = models.DecimalField(_("amount claimed (yuan)"), max_digits=12, decimal_places=2, null=True)
    wage_arrears = models.BooleanField(_("unpaid wages"), default=False)
    still_employed = models.BooleanField(_("still employed there"), default=False)
    knew_on = models.DateField(_("knew of the infringement on"), null=True, blank=True)
    employment_ended_on = models.DateField(_("employment ended on"), null=True, blank=True)
    mediation_applied_on = models.DateField(_("mediation application received on"), null=True, blank=True)
    award_received_on = models.DateField(_("arbitration award received on"), null=True, blank=True)
    agreement_terms = models.TextField(_("agreed terms"), blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    sessions = models.PositiveIntegerField(default=0)

    PERSONAL_DATA = {
        "employer": Category.MEMBERSHIP,
        "claim_amount": Category.FINANCIAL,
        "wage_arrears": Category.FINANCIAL,
        "still_employed": Category.MEMBERSHIP,
        "agreement_terms": Category.FINANCIAL,
    }


class CaseSession(BaseModel):
    """A consultation or mediation session (legal) or a counselling session: one ledger row each."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField()
    handler = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    both_parties = models.BooleanField(default=False)  # a mediation session with the employer present
    minutes = models.PositiveSmallIntegerField(default=50)

    class Meta:
        ordering = ["held_at"]


class Screening(BaseModel):
    """A PHQ-9 or GAD-7 screening given with its own consent. Answers are encrypted and readable
    by the assigned counsellor only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    instrument = models.CharField(max_length=6, choices=Instrument.choices)
    answers = EncryptedTextField()  # JSON list of 0–3
    score = models.PositiveSmallIntegerField()
    self_harm = models.BooleanField(default=False)
    consent_at = models.DateTimeField()
    at = models.DateTimeField()

    PERSONAL_DATA = {
        "answers": Category.HEALTH,
        "score": Category.HEALTH,
        "self_harm": Category.HEALTH,
    }

    class Meta:
        ordering = ["at"]


class CaseAttachment(BaseModel):
    """A photo or PDF on a case (入户核查 photos, the signed authorisation, evidence). Checked by
    its content on upload (JPEG, PNG, WebP or PDF, at most 5 MB), kept in the database (never at
    a public media URL) and only ever served as a download. Readable like the case's notes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=16)  # visit_photo | authorisation | evidence | other
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    PERSONAL_DATA = {"content": Category.FINANCIAL}
    NOT_PERSONAL = ("caption",)

    class Meta:
        ordering = ["at"]
