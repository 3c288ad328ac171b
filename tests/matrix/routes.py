"""Every URL pattern the project serves, read from the resolver (a new route must get an entry
in tests/matrix/table.py, or test_every_route_has_an_entry fails)."""

from django.urls import URLPattern, URLResolver, get_resolver


def all_routes() -> set[str]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield "/" + prefix + str(p.pattern)

    return set(walk(get_resolver().url_patterns))
