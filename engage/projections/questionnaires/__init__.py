"""Targeted questionnaires to card holders and budget members: read models built from the log
(projection.py), the pages' indexed queries (queries.py), the resident's history lines
(history.py).
"""
