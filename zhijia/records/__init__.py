"""The service ledger (服务记录): one row per service given to a worker — a station visit, an
activity attendance, an expert session attendee, a voucher redemption — so 服务人次 are counted
in one place whatever produced them."""
