"""Open data: the read models behind the datasets, and the pages and API that serve them: pages
(pages.py), forms (forms.py), route factories (resources.py).
"""
