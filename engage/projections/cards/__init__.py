"""The Carte Citoyen·ne: issue, renewal, replacement, suspension, consents and expiry: read models
built from the log (projection.py), the pages' indexed queries (queries.py), the resident's
history lines (history.py).
"""
