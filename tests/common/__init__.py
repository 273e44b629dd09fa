"""Builders and fixtures the test suites share: the only test code another test module may import.

accounts: sign up, confirm, log in and out, a resident, staff with a role, a second browser (person)
cards: a card aggregate (and when it expires), a card holder through the application or the pages
consultations: an open consultation (through the application or the editors' form), a contribution
workshops: a session with seats (make_session), card holders (card_holder)
charter: the charter's forms; seats: the draw by lot recomputed independently
opendata, transparency: services, seeded cards, packages on disk, every export; the log's settings
routes: sample values for every route; merkle: a reference Merkle tree
browser, demo_templates: the browser suite's live server on a copy of the demo
fixtures: pytest fixtures (editor_app, signed_app), a plugin of tests/conftest.py
concurrency: one action from many threads at once (run_concurrently)
imports: the import graph of a package, read with ast (the purity, layout and cycle tests)
"""
