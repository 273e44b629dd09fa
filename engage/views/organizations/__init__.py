"""Associations, consultative bodies and civic-tech: representatives and offers to card holders:
pages (pages.py), forms (forms.py), route factories (resources.py).
"""
