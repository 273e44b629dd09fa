"""The participatory-budget members imported from the City's lists: aggregates, their rules and
events (model.py), use cases (usecases.py). No Pyramid, no SQL.
"""
