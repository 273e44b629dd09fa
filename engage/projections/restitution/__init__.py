"""The restitution of a consultation: counts, the City's answers, quotes, published versions: read
models built from the log (projection.py), the pages' indexed queries (queries.py), the
resident's history lines (history.py).
"""
