"""A person's needs and expert-service attendances in their own export and their anonymisation
(members.services.rights.register_person_data, called by DispatchConfig.ready: members may not
import dispatch).

Orders are placed by unions, not by workers: what dispatch keeps about a worker is the needs they
answered a survey with and the delivered services they checked in at. The export holds both; the
expert's name is left out (it is the expert's personal data, not the worker's).

Anonymised, the needs and attendances stay: the surveys counted the needs, and each attendance
is a service record the ledger and the order's attendance counted. What the person typed — the
need's text — goes, and so do the links to their own login account (the need's author, the
check-in's recorder when they scanned the code themselves)."""

from typing import Any

from ..models import Need, OrderAttendance


def needs_export(person: Any) -> dict[str, Any]:
    """The needs the person submitted and the expert services they attended."""
    needs = Need.objects.filter(person=person).select_related("survey", "org", "item", "order")
    attendances = OrderAttendance.objects.filter(person=person).select_related("order__item", "order__org")
    return {
        "expert_service_needs": [
            {
                "survey": n.survey.title,
                "union": n.org.name,
                "service": n.item.title if n.item else "",
                "text": n.text,
                "people": n.people,
                "status": n.status,
                "order": n.order.number if n.order else "",
                "submitted_at": n.created_at,
            }
            for n in needs.order_by("created_at")
        ],
        "expert_service_attendances": [
            {
                "order": a.order.number,
                "service": a.order.item.title,
                "ordered_by": a.order.org.name,
                "place": a.order.place,
                "starts_at": a.order.starts_at,
                "at": a.at,
            }
            for a in attendances.order_by("at")
        ],
    }


def needs_anonymise(person: Any) -> None:
    """Clear the needs' text and the account links; the needs and attendances stay."""
    Need.objects.filter(person=person).update(text="", created_by=None)
    if person.user_id:
        OrderAttendance.objects.filter(person=person, recorded_by_id=person.user_id).update(recorded_by=None)
