"""A membership's history as people read it: each event kind named in the reader's language and
the notes the services write for the record (`join application <id>`, `transferred to …`,
`anonymised`) said in words instead of ids. The stored note stays as it was written."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EVENT_LABELS = {
    "joined": gettext_lazy("Joined"),
    "corrected": gettext_lazy("Details corrected"),
    "retained": gettext_lazy("Membership retained"),
    "reinstated": gettext_lazy("Back to full membership"),
    "withdrawn": gettext_lazy("Left the union"),
    "transferred_out": gettext_lazy("Transferred out"),
    "transferred_in": gettext_lazy("Transferred in"),
}


def event_label(kind: str) -> str:
    label = EVENT_LABELS.get(kind)
    return str(label) if label is not None else _("Other change")


def event_note(event: Any) -> str:
    """The note as shown: machine notes in words (no ids), a person's own note as written."""
    note = event.note or ""
    if note.startswith("join application "):
        return _("Approved from an online join application")
    if note == "anonymised":
        return _("Personal data erased on request")
    if event.kind in ("transferred_out", "transferred_in") and note.startswith("transferred "):
        number = note.rsplit(" ", 1)[-1]
        if event.kind == "transferred_out":
            return _("New member number %(number)s") % {"number": number}
        return _("Previous member number %(number)s") % {"number": number}
    return note


def history_rows(events: Any) -> list[dict[str, Any]]:
    """[{event, label, orgs, note}] for a template: `orgs` is "from → to" by name, only where
    the event moved the membership."""
    rows = []
    for e in events:
        orgs = ""
        if e.from_org_id and e.to_org_id:
            orgs = f"{e.from_org.display_name} → {e.to_org.display_name}"
        elif e.to_org_id:
            orgs = e.to_org.display_name
        rows.append({"event": e, "label": event_label(e.kind), "orgs": orgs, "note": event_note(e)})
    return rows
