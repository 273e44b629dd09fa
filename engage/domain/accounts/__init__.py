"""Accounts: sign-up with a confirmed address, staff roles, personal data and its erasure:
aggregates, their rules and events (model.py), use cases (usecases.py). No Pyramid, no SQL.
"""
