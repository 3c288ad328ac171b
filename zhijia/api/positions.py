"""/api/v1 positions endpoints."""

from ninja import Router

router = Router(tags=["positions"])
