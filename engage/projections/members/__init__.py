"""The participatory-budget members imported from the City's lists: read models built from the log
(projection.py), the pages' indexed queries (queries.py), the resident's history lines
(history.py).
"""
