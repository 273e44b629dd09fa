"""The participatory-budget members imported from the City's lists: pages (pages.py), forms
(forms.py), route factories (resources.py).
"""
