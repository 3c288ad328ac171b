"""Readable labels for the keys of a breakdown (sources, worker types, sexes, age bands, service
codes, stations)."""

from typing import Any

from django.utils.translation import gettext as _

from zhijia.members.enums import Gender
from zhijia.records.enums import RecordSource

WORKER_TYPES = {"new_form": "New employment forms", "migrant": "Migrant workers", "other": "Other workers"}


def labels(by: str, keys: Any) -> dict[Any, str]:
    """{key: label} for the keys of one breakdown (stations in one query)."""
    if by == "position":
        from zhijia.positions.models import Position

        names = dict(Position.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
        return {key: names.get(_uuid(key), str(key)) for key in keys}
    return {key: label_for(by, key) for key in keys}


def _uuid(key: Any) -> Any:
    from zhijia.core.ids import parse_uuid

    return parse_uuid(key)


def label_for(by: str, key: Any) -> str:
    key = str(key)
    if key == "":
        return _("Unknown")
    if by == "source":
        return str(RecordSource(key).label) if key in RecordSource.values else key
    if by == "sex":
        return str(Gender(key).label) if key in Gender.values else key
    if by == "worker_type":
        return _(WORKER_TYPES[key]) if key in WORKER_TYPES else key
    if by == "service":
        return service_label(key)
    return key


def service_label(code: str) -> str:
    """A service code is a source, "<source>:<item>", an activity kind, a station service code or
    a 服务清单 item id; show the source's name for the plain ones."""
    head, _sep, tail = code.partition(":")
    if head in RecordSource.values:
        return f"{RecordSource(head).label} · {tail}" if tail else str(RecordSource(head).label)
    return code
