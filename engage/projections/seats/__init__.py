"""Seats by lot in consultative bodies: calls, volunteers, a verifiable draw: read models built
from the log (projection.py), the pages' indexed queries (queries.py), the resident's history
lines (history.py).
"""
