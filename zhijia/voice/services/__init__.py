"""Writes of the workers' voice: consultations.py (drafts, articles, publishing, the report
sent), opinions.py (workers' and unions' opinions, tags, merging, outcomes), box.py (the
standing opinion box)."""
