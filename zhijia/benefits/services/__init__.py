"""Benefits services. Modules: campaigns (lifecycle), claim (the first-come hot path), lottery,
redeem (till and reversal), vouchers (revoke), merchants, expiry (the periodic tick)."""
