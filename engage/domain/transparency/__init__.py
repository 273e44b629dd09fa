"""The transparency log's own acts: openings released to an accredited auditor."""
