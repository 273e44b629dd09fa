"""The Ateliers Citoyens: sessions, registrations, waiting lists, roll, certificates, feedback:
aggregates, their rules and events (model.py), use cases (usecases.py). No Pyramid, no SQL.
"""
