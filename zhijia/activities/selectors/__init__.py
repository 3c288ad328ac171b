"""Reads of the activities domain: import from the submodules (activities, enrolments)."""
