"""The demo tree and cast, seeded once per test process and copied into each test that asks.

zhijia.demo.seed.seed() builds the tree and cast through the services (org paths, grants, audit
entries): about a second a call, and most tests ask for it. Each test process (xdist worker)
seeds once, at the start of its session, inside a transaction it rolls back, and keeps the rows
the seed created. A test inside a transaction (pytest-django's `db`, rolled back at its end)
then gets those rows copied in raw, as a fixture loader does: the same values, ids and
timestamps every time, no services run. A test that commits (transactional_db, django_db
(transaction=True), live_server) runs the real seed, as before, since its commits also run the
seed's on-commit work (audit seals).

The capture refuses to stand in for a seed that changes or deletes rows that existed before it
(the copy could not reproduce that), and rows with database-assigned integer ids (audit entries)
are copied without their id, so that they are numbered after whatever the test already holds,
exactly as the real seed numbers them."""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction


@dataclass
class Table:
    model: type[models.Model]
    rows: list[models.Model]
    fields: list[models.Field]


@dataclass
class Snapshot:
    tables: list[Table]
    # Rows that existed before the seed and that its rows point at (the built-in roles…), by
    # model: a test that commits flushes the database, and post_migrate makes them anew.
    needs: dict[type[models.Model], set]


def _models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def _state(model: type[models.Model]) -> dict:
    return {row["pk"]: row for row in model._base_manager.values("pk", *[f.attname for f in _fields(model)])}


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _numbered(model: type[models.Model]) -> bool:
    return isinstance(model._meta.pk, models.AutoField)


def capture(seed, *, at: dt.datetime | None = None) -> Snapshot:
    """Run `seed()` in a transaction that is rolled back; return the rows it created, table by
    table (in model order; foreign keys are checked at commit, so the order does not matter)."""
    import time_machine

    tables: list[Table] = []
    with transaction.atomic():
        everything = _models()
        before = {m: _state(m) for m in everything}
        if at is None:
            seed()
        else:
            with time_machine.travel(at, tick=True):
                seed()
        for model in everything:
            after = _state(model)
            old = before[model]
            changed = [pk for pk, row in old.items() if after.get(pk) != row]
            if changed:
                raise RuntimeError(
                    f"the demo seed changed or deleted {model._meta.label} rows that existed before it "
                    f"({changed[:3]}…): tests/demo_snapshot.py cannot copy that; seed in each test instead"
                )
            new = [pk for pk in after if pk not in old]
            if new:
                rows = list(model._base_manager.filter(pk__in=new).order_by("pk"))
                fields = list(model._meta.concrete_fields)
                if _numbered(model):
                    fields = _fields(model)
                tables.append(Table(model, rows, fields))
        transaction.set_rollback(True)
    numbered = {t.model for t in tables if _numbered(t.model)}
    created = {(t.model._meta.concrete_model, row.pk) for t in tables for row in t.rows}
    needs: dict[type[models.Model], set] = {}
    for t in tables:
        for f in t.model._meta.concrete_fields:
            if not f.is_relation:
                continue
            if f.related_model in numbered:
                raise RuntimeError(
                    f"{t.model._meta.label}.{f.name} points at {f.related_model._meta.label}, whose ids "
                    "the copy renumbers: tests/demo_snapshot.py cannot copy that"
                )
            target = f.related_model._meta.concrete_model
            for row in t.rows:
                value = getattr(row, f.attname)
                if value is not None and (target, value) not in created:
                    needs.setdefault(target, set()).add(value)
    return Snapshot(tables, needs)


def restorable(snapshot: Snapshot | None) -> bool:
    """The rows the copy points at are all there (not so after a committing test's flush)."""
    if snapshot is None:
        return False
    return all(
        model._base_manager.filter(pk__in=pks).count() == len(pks) for model, pks in snapshot.needs.items()
    )


def restore(snapshot: Snapshot) -> None:
    """Insert the captured rows (raw: no save(), no auto_now, no signals) in one savepoint."""
    with transaction.atomic():
        for t in snapshot.tables:
            manager = t.model._base_manager
            size = connection.ops.bulk_batch_size(t.fields, t.rows) or len(t.rows)
            for start in range(0, len(t.rows), size):
                manager._insert(t.rows[start : start + size], fields=t.fields, raw=True)
