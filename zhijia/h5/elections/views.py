"""The delegate's phone ballot: the open votes where the worker holds a seat, and the secret
ballot (tick at most as many candidates as there are seats). The answer says only that the
ballot was received: nothing on the page ties the worker to it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.core.errors import ApplicationError, NotFound
from zhijia.elections import selectors as sel
from zhijia.elections.permissions import delegate_election
from zhijia.elections.services.ballots import ballot_cast

from ..accounts.decorators import worker_required

T = "h5/elections/"


@never_cache
@worker_required
@require_GET
def my_votes(request):
    votes = [(e, d, sel.has_voted(e, d)) for e, d in sel.open_elections_for(user=request.user)]
    return render(request, T + "votes.html", {"votes": votes})


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def ballot(request, pk):
    election, delegate = delegate_election(user=request.user, id=pk)
    error = ""
    if request.method == "POST":
        try:
            ballot_cast(
                actor=request.user,
                election=election,
                delegate=delegate,
                choices=request.POST.getlist("choice")[:100],
            )
        except NotFound:
            raise
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Your ballot is in the box. Nobody can see how you voted."))
            return redirect("h5:election_votes")
    context = {
        "e": election,
        "d": delegate,
        "voted": sel.has_voted(election, delegate),
        "candidates": sel.election_candidates(election),
        "error": error,
    }
    return render(request, T + "ballot.html", context)
