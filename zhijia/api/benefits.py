"""/api/v1 benefits (see the module docstring once written)."""

from ninja import Router

router = Router(tags=["benefits"])
