"""Consultations online and in person: phases, contributions, votes, moderation, meetings: read
models built from the log (projection.py), the pages' indexed queries (queries.py), the
resident's history lines (history.py).
"""
