"""/api/v1 catalog endpoints."""

from ninja import Router

router = Router(tags=["catalog"])
