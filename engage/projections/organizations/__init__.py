"""Associations, consultative bodies and civic-tech: representatives and offers to card holders:
read models built from the log (projection.py), the pages' indexed queries (queries.py), the
resident's history lines (history.py).
"""
