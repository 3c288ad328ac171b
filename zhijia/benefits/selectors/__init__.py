"""Benefits reads: campaigns (public and staff lists, state), vouchers (mine, tills, staff
search), reports (dashboard, reconciliation)."""
