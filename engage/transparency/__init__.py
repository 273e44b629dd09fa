"""The public transparency log: every event of engage in an RFC 9162 Merkle tree.

Pure building blocks, no web and no SQL: canonical JSON (RFC 8785), the Merkle tree
and its proofs (RFC 9162 §2.1), signed notes and checkpoints (C2SP), the public form of
an event, and the auditor. The tree's storage is a projection
(`engage.projections.transparency`); its endpoints are `engage.views.transparency`.
"""
