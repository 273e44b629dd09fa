"""Associations, consultative bodies and civic-tech: representatives and offers to card holders:
aggregates, their rules and events (model.py), use cases (usecases.py). No Pyramid, no SQL.
"""
