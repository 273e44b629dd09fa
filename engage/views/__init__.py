"""Pyramid views: parse the request, call the application or a query, render."""
