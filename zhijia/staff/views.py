from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhijia.core.errors import NotFound

from .decorators import staff_required
from .todo import todo_items
from .units import SESSION_KEY, granted_units


@staff_required
def home(request):
    """What waits for the user (staff.todo), then the dashboard of the current unit when the user
    may read its figures (records.view), else the list of what they can do."""
    from .stats.views import figures_context

    return render(
        request, "staff/home.html", {"dash": figures_context(request), "todo": todo_items(request.user)}
    )


@staff_required
@require_POST
def switch_unit(request):
    wanted = request.POST.get("unit", "")
    if wanted not in {str(u.pk) for u in granted_units(request.user)}:
        raise NotFound()
    request.session[SESSION_KEY] = wanted
    return redirect(request.POST.get("next") or "staff:home")
