"""The door-to-door survey form (入户调查) for village surveyors, on a phone with a weak signal.

The page carries no personal data. The form is kept in the phone's localStorage and sent to
POST /api/v1/labour/people when the phone is online, each entry with its own Idempotency-Key
made when it was saved, so a re-send after a dropped answer returns the first record instead
of a second one. Entries leave the phone once the server has them (or refused them, with the
reason shown). Any logged-in account may open the page (surveyors log in on the console);
without labour.survey or labour.manage anywhere it says so."""

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhijia.h5.accounts.decorators import worker_required
from zhijia.h5.expert.decorators import expert_login_required
from zhijia.labour.enums import AssistanceKind, EmploymentStatus
from zhijia.labour.occupations import medium_choices
from zhijia.labour.selectors.matching import open_jobs, person_jobs
from zhijia.labour.selectors.people import entry_of
from zhijia.labour.services.registry import consented
from zhijia.members.services.card import person_of
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.enums import OrgLevel
from zhijia.orgs.models import Org
from zhijia.orgs.selectors import orgs_choice


def _villages(user) -> list[Org]:
    q = scope_for(user, Cap.LABOUR_SURVEY).q("") | scope_for(user, Cap.LABOUR_MANAGE).q("")
    return list(orgs_choice(q=q & Q(level=OrgLevel.GRASSROOTS, status="active"))[:300])


@never_cache
@expert_login_required
@require_GET
def labour_survey(request):
    villages = _villages(request.user)
    context = {
        "villages": villages,
        "statuses": EmploymentStatus.choices,
        "assistance": AssistanceKind.choices,
        "occupations": medium_choices(),
    }
    return render(request, "h5/labour/survey.html", context)


@never_cache
@worker_required
@require_GET
def labour_my_jobs(request):
    """Jobs for the logged-in worker: open jobs their registry record is eligible for, best
    first with the reasons, as staff see them for the person. Nothing without a registry record
    or without the consent to job matching (the page says which)."""
    person = person_of(request.user)
    entry = entry_of(person)
    agreed = entry is not None and consented(entry.person)
    matches = person_jobs(entry=entry, jobs=open_jobs(timezone.localdate())) if entry and agreed else []
    return render(request, "h5/labour/jobs.html", {"entry": entry, "agreed": agreed, "matches": matches})
