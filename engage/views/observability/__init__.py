"""Health, readiness and metrics over HTTP (English paths, for machines): pages.py."""
