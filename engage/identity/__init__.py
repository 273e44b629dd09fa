"""Signing in: credentials, one-time links, throttling and the account service.

Secrets (password hashes, link tokens) are state, not history: they live in
tables outside the event log. The facts (account registered, email confirmed,
password changed) are events.
"""
