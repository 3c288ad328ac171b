"""Reads of the expert-services domain: import from the submodules (menus, orders, experts,
suggestions, reports, needs)."""
