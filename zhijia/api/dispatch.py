"""/api/v1 dispatch (see the module docstring once written)."""

from ninja import Router

router = Router(tags=["dispatch"])
