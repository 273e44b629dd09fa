"""Targeted questionnaires to card holders and budget members: aggregates, their rules and events
(model.py), use cases (usecases.py). No Pyramid, no SQL.
"""
