"""A resident's own history of participation, every act of theirs: read models built from the log
(projection.py), the pages' indexed queries (queries.py), the resident's history lines
(history.py).
"""
