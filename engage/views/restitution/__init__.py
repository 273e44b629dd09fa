"""The restitution of a consultation: counts, the City's answers, quotes, published versions: pages
(pages.py), forms (forms.py), route factories (resources.py).
"""
