"""The entry points every interface calls for figures (API, console dashboard, phone): parse the
period, resolve the unit through stats.access (404 outside scope, 403 without records.view),
then read stats.figures. Money is returned as Decimal; interfaces render it."""

from typing import Any

from django.utils.translation import gettext as _

from zhijia.core.errors import field_error

from . import figures
from .access import access_stats_org, owns
from .periods import parse_range


def stats_summary(*, actor: Any, org_id: Any, first: Any, last: Any) -> dict[str, Any]:
    """{"org", "from", "to", "as_of", **figures.summary} for the unit `org_id` and the days
    [first, last] ("YYYY-MM-DD"); 400 naming `from` / `to`, 404 / 403 for the unit."""
    a, b = parse_range(first, last)
    org = access_stats_org(actor=actor, id=org_id)
    return {"org": org, "from": a, "to": b, "as_of": figures.as_of(), **figures.summary(org, a, b)}


def stats_breakdown(*, actor: Any, org_id: Any, first: Any, last: Any, by: Any) -> dict[str, Any]:
    """{"org", "from", "to", "by", "items"} (see figures.breakdown); 400 naming `by` for an
    unknown dimension. Small sensitive counts are "<5" unless the actor's own unit."""
    a, b = parse_range(first, last)
    if by not in figures.BREAKDOWNS:
        raise field_error("by", _("Choose one of: %s.") % ", ".join(figures.BREAKDOWNS), "invalid")
    org = access_stats_org(actor=actor, id=org_id)
    items = figures.breakdown(org, a, b, str(by), exact=owns(actor, org))
    return {"org": org, "from": a, "to": b, "by": by, "items": items}
