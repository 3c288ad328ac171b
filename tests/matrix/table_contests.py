"""Permission-matrix entries for competitions (merged into tests/matrix/table.ROUTES).

The contest list, an event's (locked) results and certificate verification are public. The
organiser's steps need contests.manage on the organising union; registering contests.register
on the registering union (404 outside scope, 403 inside without it). Marking and locking need a
judge seat, which nobody in the cast holds (404: "own"); certificates are the caller's own.
The console follows the API: the organiser's pages need contests.manage, a union's registration
contests.register, a judge's sheet and the lock a judge seat; the organiser prints the
certificates of a locked, awarded entry (`ct_locked_entry`, a second contest of the unit)."""

from zhijia.orgs.capabilities import Cap

from .reference import has, scoped
from .table import Check

C = "/api/v1/contests/<contest_id>"
E = "/api/v1/contests/events/<event_id>"
MANAGE, REGISTER = Cap.CONTESTS_MANAGE, Cap.CONTESTS_REGISTER


def _on(cap, method="post", **kw):
    return Check("rule", method, api=True, rule=lambda u, org, o: scoped(u, cap, org), **kw)


def _page(cap, method="get", **kw):
    return Check("rule", method, rule=lambda u, org, o: scoped(u, cap, org), **kw)


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
    # the console: the organiser's pages (contests.manage on the organiser); a judge's sheet and
    # the lock need a judge seat, which nobody in the cast holds (404: "own")
    "/console/contests/": [Check("rule", rule=lambda u, org, o: has(u, MANAGE))],
    "/console/contests/<uuid:pk>/": [_page(MANAGE, target="ct_contest")],
    "/console/contests/register/": [Check("rule", rule=lambda u, org, o: has(u, REGISTER))],
    "/console/contests/events/<uuid:pk>/register/": [
        _page(
            REGISTER,
            "post",
            target="ct_event",
            body=lambda org, o: {"unit": str(org.pk), "people": [str(o["ct_people"][1].pk)]},
        )
    ],
    "/console/contests/<uuid:pk>/events/": [
        _page(
            MANAGE,
            "post",
            target="ct_contest",
            body=lambda org, o: {
                "title": "矩阵项目二",
                "aspect_title_0": "矩阵",
                "aspect_kind_0": "measurement",
                "aspect_points_0": "10",
            },
        )
    ],
    "/console/contests/<uuid:pk>/start/": [_page(MANAGE, "post", target="ct_contest")],
    "/console/contests/entries/<uuid:pk>/confirm/": [
        _page(MANAGE, "post", target="ct_entry", body=lambda org, o: {"decision": "confirm"})
    ],
    "/console/contests/entries/<uuid:pk>/certificate/<uuid:contestant_pk>/": [
        _page(MANAGE, target="ct_locked_entry")
    ],
    "/console/contests/events/<uuid:pk>/judges/": [
        _page(
            MANAGE,
            "post",
            target="ct_event",
            body=lambda org, o: {"username": "auditor", "unit": str(org.pk)},
        )
    ],
    "/console/contests/events/<uuid:pk>/marks/": [
        Check("own", target="ct_event"),
        Check(
            "own",
            "post",
            target="ct_event",
            body=lambda org, o: {"entry": str(o["ct_entry"].pk), f"mark_{o['ct_aspect'].pk}": "1"},
        ),
    ],
    "/console/contests/events/<uuid:pk>/lock/": [Check("own", "post", target="ct_event")],
    "/console/contests/events/<uuid:pk>/results/": [_page(MANAGE, target="ct_event")],
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
    unit.update(
        ct_people=people,
        ct_entry=entry,
        ct_aspect=event.aspects.get(),
        ct_contest=contest,
        ct_event=event,
        ct_locked_entry=_locked_entry(org, people[0], demo.password),
    )
    # url_values is shared by every domain: a key of its own (labour and the audit trail fill
    # `entry_id` with their own objects, and labour extends after this domain)
    unit["url_values"].update(
        contest_id=contest.pk, event_id=event.pk, registration_id=entry.pk, contestant_pk=people[0].pk
    )


def _locked_entry(org, person, password):
    """A second contest of the unit, marked and locked: its one entry holds a first prize."""
    from zhijia.accounts.services import user_create
    from zhijia.contests import services as svc

    contest = svc.contest_create(actor=None, org=org, title="矩阵已锁竞赛", year=2026)
    event = svc.event_create(
        actor=None, contest=contest, title="矩阵已锁项目", aspects=[("measurement", "矩阵", "10")]
    )
    entry = svc.entry_confirm(
        actor=None, entry=svc.entry_register(actor=None, event=event, unit=org, people=[person])
    )
    svc.contest_start(actor=None, contest=contest)
    judge = user_create(actor=None, username=f"matrix-judge-{org.pk.hex[:12]}", password=password, org=org)
    svc.judge_add(actor=None, event=event, user=judge, unit=org.parent or org, conflicts=[], chief=True)
    svc.score_record(actor=judge, entry=entry, aspect=event.aspects.get(), value="8")
    svc.results_lock(actor=judge, event=event)
    entry.refresh_from_db()
    return entry


def snapshot() -> list:
    from zhijia.contests.models import Contest, Entry, Event, Judge, Score

    return [
        list(Contest.objects.order_by("pk").values_list("pk", "status")),
        Event.objects.count(),
        list(Entry.objects.order_by("pk").values_list("pk", "status", "award")),
        Judge.objects.count(),
        Score.objects.count(),
    ]
