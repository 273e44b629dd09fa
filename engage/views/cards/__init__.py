"""The Carte Citoyen·ne: issue, renewal, replacement, suspension, consents and expiry: pages
(pages.py), forms (forms.py), route factories (resources.py).
"""
