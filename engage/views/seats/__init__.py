"""Seats by lot in consultative bodies: calls, volunteers, a verifiable draw: pages (pages.py),
forms (forms.py), route factories (resources.py).
"""
