"""The transparency log: the Merkle tree over every event, checkpoints and proofs: read models
built from the log (projection.py), the pages' indexed queries (queries.py), the resident's
history lines (history.py).
"""
