"""Reads of the members domain, one module per use-case family."""
