"""The participation charter, co-drafted (articles, amendments, votes) and adopted by the Conseil
de Paris, with the guide and the commitment's milestones: pages (pages.py), forms (forms.py),
route factories (resources.py).
"""
