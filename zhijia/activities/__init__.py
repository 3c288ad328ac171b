"""Activities, courses and camps: sessions, fair enrolment with waitlists, check-in, ratings.
Every attendance is written to the service ledger (zhijia.records)."""
