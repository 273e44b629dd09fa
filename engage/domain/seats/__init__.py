"""Seats by lot in consultative bodies: calls, volunteers, a verifiable draw: aggregates, their
rules and events (model.py), use cases (usecases.py). No Pyramid, no SQL.
"""
