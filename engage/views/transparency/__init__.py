"""The transparency log: the Merkle tree over every event, checkpoints and proofs: pages
(pages.py), forms (forms.py), route factories (resources.py).
"""
