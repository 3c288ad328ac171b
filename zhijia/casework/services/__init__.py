"""Writes of the help-and-rights domain: one module per family (cases: the engine; hardship,
legal, counselling: the kinds' own steps)."""
