"""Accounts: sign-up with a confirmed address, staff roles, personal data and its erasure: read
models built from the log (projection.py), the pages' indexed queries (queries.py), the
resident's history lines (history.py).
"""
