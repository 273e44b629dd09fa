"""The participation charter, co-drafted (articles, amendments, votes) and adopted by the Conseil
de Paris, with the guide and the commitment's milestones: read models built from the log
(projection.py), the pages' indexed queries (queries.py), the resident's history lines
(history.py).
"""
