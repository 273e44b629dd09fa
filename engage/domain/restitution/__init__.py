"""The restitution of a consultation: counts, the City's answers, quotes, published versions:
aggregates, their rules and events (model.py), use cases (usecases.py). No Pyramid, no SQL.
"""
