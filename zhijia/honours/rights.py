"""A person's nominations and honours in their own export and their anonymisation
(members.services.rights register_person_data, called by HonoursConfig.ready: members may not
import honours).

Exported: each nomination of the person (campaign, category, post, deeds, status, the reviews
with the reviewing unions' notes, the materials listed by kind, caption, size and date — not
their bytes), the objections to it by status and dates only (their text is another person's,
kept from every other viewer), the objections the person raised themselves, and the register's
honours.

Anonymised, the register and the nominations stay — the honours, statuses and categories are
what quotas, composition rules and the register count — but what was typed about the person is
cleared: post, deeds, the reviews' notes, the objections' texts and findings, the materials'
contents and captions. Objections the person raised lose their author."""

from typing import Any

from .models import Award, Material, Nomination, Objection, Review


def _nomination_dict(n: Nomination) -> dict[str, Any]:
    return {
        "campaign": n.campaign.title,
        "year": n.campaign.year,
        "honour": n.campaign.kind,
        "union": n.org.name,
        "category": n.category,
        "job_title": n.job_title,
        "deeds": n.deeds,
        "status": n.status,
        "nominated_at": n.created_at,
        "reviews": [
            {"union": r.org.name, "decision": r.decision, "note": r.note, "at": r.at}
            for r in n.reviews.select_related("org")
        ],
        "objections": list(n.objections.values("status", "created_at", "decided_at")),
        "materials": list(n.materials.values("kind", "caption", "extension", "size", "at")),
    }


def honours_export(person: Any) -> dict[str, Any]:
    nominations = Nomination.objects.filter(person=person).select_related("campaign", "org")
    raised = (
        Objection.objects.filter(author_id=person.user_id).select_related("nomination__campaign")
        if person.user_id
        else Objection.objects.none()
    )
    awards = Award.objects.filter(person=person).select_related("org", "awarded_by")
    return {
        "honours": {
            "nominations": [_nomination_dict(n) for n in nominations.order_by("created_at")],
            "objections_raised": [
                {
                    "campaign": o.nomination.campaign.title,
                    "text": o.text,
                    "status": o.status,
                    "at": o.created_at,
                }
                for o in raised.order_by("created_at")
            ],
            "awards": [
                {
                    "honour": a.kind,
                    "title": a.title,
                    "team": a.team_title,
                    "year": a.year,
                    "awarded_on": a.awarded_on,
                    "union": a.org.name,
                    "awarded_by": a.awarded_by.name,
                }
                for a in awards.order_by("awarded_on")
            ],
        }
    }


def honours_anonymise(person: Any) -> None:
    nominations = Nomination.objects.filter(person=person)
    Material.objects.filter(nomination__in=nominations).update(content=b"", size=0, caption="")
    Review.objects.filter(nomination__in=nominations).update(note="")
    Objection.objects.filter(nomination__in=nominations).update(text="", resolution="")
    nominations.update(job_title="", deeds="")
    if person.user_id:
        Objection.objects.filter(author_id=person.user_id).update(author=None)
