"""Inclusion statistics: who takes part, by group, arrondissement and age band: read models built
from the log (projection.py), the pages' indexed queries (queries.py), the resident's history
lines (history.py).
"""
