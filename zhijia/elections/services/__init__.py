"""Writes of congresses and elections: congress.py (committees, congresses, allotments,
delegates, presence), election.py (lists, opening, closing and counting, 报批, run-offs),
ballots.py (the secret ballot: phone, paper and tellers)."""
