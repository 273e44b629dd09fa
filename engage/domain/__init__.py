"""The domain: aggregates, their rules and events, and the use cases.

Nothing here imports Pyramid or SQL: it can be tested, replayed and audited alone.
"""
