"""Permission-matrix entries for competitions (merged into tests/matrix/table.ROUTES).

The contest list, an event's (locked) results and certificate verification are public. The
organiser's steps need contests.manage on the organising union; registering contests.register
on the registering union (404 outside scope, 403 inside without it). Marking and locking need a
judge seat, which nobody in the cast holds (404: "own"); certificates are the caller's own."""

from zhijia.orgs.capabilities import Cap

from .reference import scoped
from .table import Check

C = "/api/v1/contests/<contest_id>"
E = "/api/v1/contests/events/<event_id>"
MANAGE, REGISTER = Cap.CONTESTS_MANAGE, Cap.CONTESTS_REGISTER


def _on(cap, method="post", **kw):
    return Check("rule", method, api=True, rule=lambda u, org, o: scoped(u, cap, org), **kw)


ROUTES: dict = {
    "/api/v1/contests": [
        Check("public"),
        _on(MANAGE, body=lambda org, o: {"org_id": str(org.pk), "title": "矩阵竞赛", "year": 2026}),
    ],
    C + "/events": [
        _on(
            MANAGE,
            body=lambda org, o: {
                "title": "矩阵项目",
                "aspects": [{"kind": "measurement", "title": "矩阵", "max_points": "10"}],
            },
        )
    ],
    C + "/start": [_on(MANAGE)],
    E + "/registrations": [
        _on(REGISTER, body=lambda org, o: {"unit_id": str(org.pk), "person_ids": [str(o["ct_people"][1].pk)]})
    ],
    E + "/judges": [_on(MANAGE, body=lambda org, o: {"username": "auditor", "unit_id": str(org.pk)})],
    E + "/scores": [
        Check(
            "own",
            "post",
            api=True,
            body=lambda org, o: {
                "entry_id": str(o["ct_entry"].pk),
                "aspect_id": str(o["ct_aspect"].pk),
                "value": "1",
            },
        )
    ],
    E + "/lock": [Check("own", "post", api=True)],
    E + "/results": [Check("public")],
    "/api/v1/contests/registrations/<registration_id>/confirm": [
        _on(MANAGE, body=lambda org, o: {"confirm": True})
    ],
    "/api/v1/contests/registrations/<registration_id>/certificate.pdf": [Check("own", api=True)],
    "/api/v1/contests/certificates/verify": [Check("public")],
    "/api/v1/me/certificates": [Check("own", api=True)],
}


def extend(unit: dict, demo) -> None:
    """A contest of the unit with one event and an entry the unit registered."""
    from tests.elections.support import members
    from zhijia.contests import services as svc

    org = unit["org"]
    people = members(org, 2, "矩阵选手")
    contest = svc.contest_create(actor=None, org=org, title="矩阵竞赛", year=2026)
    event = svc.event_create(
        actor=None, contest=contest, title="矩阵项目", aspects=[("measurement", "矩阵", "10")]
    )
    entry = svc.entry_register(actor=None, event=event, unit=org, people=[people[0]])
    unit.update(ct_people=people, ct_entry=entry, ct_aspect=event.aspects.get())
    # url_values is shared by every domain: a key of its own (labour and the audit trail fill
    # `entry_id` with their own objects, and labour extends after this domain)
    unit["url_values"].update(contest_id=contest.pk, event_id=event.pk, registration_id=entry.pk)


def snapshot() -> list:
    from zhijia.contests.models import Contest, Entry, Event, Judge, Score

    return [
        list(Contest.objects.order_by("pk").values_list("pk", "status")),
        Event.objects.count(),
        list(Entry.objects.order_by("pk").values_list("pk", "status", "award")),
        Judge.objects.count(),
        Score.objects.count(),
    ]
