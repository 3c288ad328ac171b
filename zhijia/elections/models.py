"""Congresses and elections (会员代表大会, 换届选举). Writes go through elections.services only.

THE SECRET BALLOT. Two tables, and nothing joins them:
- `VoteMark` says that a delegate has voted (or was handed a paper ballot): the election and the
  delegate, with a random id and NO time.
- `Ballot` says what was voted: the election, the choices, valid or not, the channel — with a
  random id (uuid4, not the time-ordered uuid7 of BaseModel), no time, no delegate.
When voting closes, every ballot of the election is deleted and written again in one shuffled
batch with fresh random ids (`services.ballots.ballots_shuffle`), so neither the physical order
of rows nor the transaction that wrote them follows the order in which delegates voted.
Paper ballots come from the tellers' matching entries (`TellerEntry`), already without names.
The audit trail records "a delegate voted", never the ballot. tests/elections/test_secrecy.py
reads every table holding ballots and checks that no column could link one to a voter."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import Channel, CommitteeKind, CongressStatus, ElectionStatus


class Committee(BaseModel):
    """A union's committee (工会委员会, 经审会, 女职委) for one term; a reminder goes out before
    `ends_on` (`reminded_on` records it)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="committees")
    kind = models.CharField(_("kind"), max_length=12, choices=CommitteeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    seats = models.PositiveSmallIntegerField(_("seats"), default=7)
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    reminded_on = models.DateField(null=True, blank=True)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["ends_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="term_range")
        ]

    def __str__(self) -> str:
        return self.title


class CommitteeMember(BaseModel):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(
        "Election", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    PERSONAL_DATA = {"person": Category.MEMBERSHIP}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "person"], name="one_seat_per_person")]


class Congress(BaseModel):
    """A members' (delegates') congress of a union (第N届会员代表大会第M次会议)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="congresses")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    seats = models.PositiveIntegerField(_("delegate seats"))
    status = models.CharField(max_length=12, choices=CongressStatus.choices, default=CongressStatus.PREPARING)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class Allotment(BaseModel):
    """Delegate seats allotted to a unit by its size (largest remainder, at least one)."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="allotments")
    unit = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    members = models.PositiveIntegerField()
    seats = models.PositiveIntegerField()

    class Meta:
        ordering = ["-seats"]
        constraints = [models.UniqueConstraint(fields=["congress", "unit"], name="one_allotment_per_unit")]


class Delegate(BaseModel):
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="delegates")
    unit = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"), default=False)

    PERSONAL_DATA = {"person": Category.MEMBERSHIP}

    class Meta:
        ordering = ["unit", "created_at"]
        constraints = [models.UniqueConstraint(fields=["congress", "person"], name="one_delegate_seat")]


class Election(BaseModel):
    """One vote of a congress: a committee election from a 差额 list, or a run-off of one."""

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="elections")
    kind = models.CharField(_("kind"), max_length=12, choices=CommitteeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    seats = models.PositiveSmallIntegerField(_("seats"))
    margin = models.DecimalField(_("差额 ratio"), max_digits=4, decimal_places=3, default="0.050")
    runoff_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="runoffs"
    )
    status = models.CharField(max_length=12, choices=ElectionStatus.choices, default=ElectionStatus.DRAFT)
    delegates = models.PositiveIntegerField(default=0)  # all delegates, fixed when voting closes
    present = models.PositiveIntegerField(default=0)  # present, fixed when voting closes
    result = models.JSONField(default=dict, blank=True)  # the count, fixed when voting closes
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # formed on approval
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)

    NOT_PERSONAL = ("title",)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(seats__gte=1), name="election_seats")]

    def __str__(self) -> str:
        return self.title


class Candidate(BaseModel):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)  # 按姓氏笔画 or as the list gives

    PERSONAL_DATA = {"person": Category.MEMBERSHIP}

    class Meta:
        ordering = ["order", "created_at"]
        constraints = [models.UniqueConstraint(fields=["election", "person"], name="one_candidacy")]


class VoteMark(models.Model):
    """That a delegate has voted (phone) or took a paper ballot. No time, random id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)

    PERSONAL_DATA = {"delegate": Category.MEMBERSHIP}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "delegate"], name="one_vote_per_delegate")]

    def __str__(self) -> str:
        return str(self.pk)


class Ballot(models.Model):
    """What one ballot says. No voter, no time, random id (see the module's docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    choices = models.JSONField(default=list)  # sorted candidate ids (strings)
    valid = models.BooleanField(default=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    def __str__(self) -> str:
        return str(self.pk)


class TellerEntry(BaseModel):
    """One teller's entry of the paper ballots (a list of choice lists, no names). Two entries
    by different tellers that agree become the paper ballots."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ballots = models.JSONField(default=list)
    accepted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "teller"], name="one_entry_per_teller")]
