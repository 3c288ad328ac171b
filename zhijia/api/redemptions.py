"""/api/v1 redemptions (see the module docstring once written)."""

from ninja import Router

router = Router(tags=["redemptions"])
