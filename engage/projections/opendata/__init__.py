"""Open data: the read models behind the datasets, and the pages and API that serve them: read
models built from the log (projection.py), the pages' indexed queries (queries.py), the
resident's history lines (history.py).
"""
