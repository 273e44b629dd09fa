"""The participation charter, co-drafted (articles, amendments, votes) and adopted by the Conseil
de Paris, with the guide and the commitment's milestones: aggregates, their rules and events
(model.py), use cases (usecases.py). No Pyramid, no SQL.
"""
