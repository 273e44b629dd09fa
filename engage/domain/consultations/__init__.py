"""Consultations online and in person: phases, contributions, votes, moderation, meetings:
aggregates, their rules and events (model.py), use cases (usecases.py). No Pyramid, no SQL.
"""
