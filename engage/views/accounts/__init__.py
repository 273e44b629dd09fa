"""Accounts: sign-up with a confirmed address, staff roles, personal data and its erasure: pages
(pages.py), forms (forms.py), route factories (resources.py).
"""
