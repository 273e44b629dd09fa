"""The Ateliers Citoyens: sessions, registrations, waiting lists, roll, certificates, feedback:
read models built from the log (projection.py), the pages' indexed queries (queries.py), the
resident's history lines (history.py).
"""
