"""The Carte Citoyen·ne: issue, renewal, replacement, suspension, consents and expiry: aggregates,
their rules and events (model.py), use cases (usecases.py). No Pyramid, no SQL.
"""
