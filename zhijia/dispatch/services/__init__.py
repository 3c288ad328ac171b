"""Writes of the expert-services domain: import from the submodules (menus, experts, budget,
orders — which re-exports expert_steps, tick and checkin —, needs)."""
