"""The Ateliers Citoyens: sessions, registrations, waiting lists, roll, certificates, feedback:
pages (pages.py), forms (forms.py), route factories (resources.py).
"""
