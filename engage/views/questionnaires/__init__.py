"""Targeted questionnaires to card holders and budget members: pages (pages.py), forms (forms.py),
route factories (resources.py).
"""
