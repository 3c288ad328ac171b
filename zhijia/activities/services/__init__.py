"""Writes of the activities domain: import from the submodules (enrolment, activities, checkin)."""
