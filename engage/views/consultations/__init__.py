"""Consultations online and in person: phases, contributions, votes, moderation, meetings: pages
(pages.py), forms (forms.py), route factories (resources.py).
"""
