"""/api/v1 activities, sessions and enrolments (full paths: /activities…, /enrolments…)."""

from ninja import Router

router = Router(tags=["activities"])
