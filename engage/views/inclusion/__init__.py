"""Inclusion statistics: who takes part, by group, arrondissement and age band: pages (pages.py),
forms (forms.py), route factories (resources.py).
"""
