"""A resident's own history of participation, every act of theirs: pages (pages.py), forms
(forms.py), route factories (resources.py).
"""
