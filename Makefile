# Developer entry points for engage.  Everything runs from a local .venv so
# the machine's Python stays untouched.

VENV   := .venv
BIN    := $(VENV)/bin
# Prefer the project's target interpreter; fall back to whatever python3 is.
PYTHON := $(shell python3.11 -c '' >/dev/null 2>&1 && echo python3.11 || echo python3)

# The test suite runs every test on PostgreSQL too; it reads the URL from here.
# An URL already set in the environment wins.
export ENGAGE_TEST_DATABASE_URL ?= postgresql://engage:engage@127.0.0.1:5432/engage_test

.PHONY: venv serve test bench clean

venv: $(VENV)/.installed

# Re-install only when the packaging metadata changes (stamp file).
$(VENV)/.installed: pyproject.toml $(wildcard setup.cfg)
	scripts/ensure-fonts.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[test]'
	touch $@

# engage-demo is idempotent (loads the demo data only once); then serve on
# http://localhost:6543.
serve: venv
	scripts/ensure-fonts.sh
	mkdir -p var
	$(BIN)/engage-demo development.ini
	$(BIN)/pserve development.ini

# Three workers on the 2 cores CI has: a third of the suite's time is spent waiting (browsers,
# subprocesses, PostgreSQL), and three ran it ~15 % faster than two (530 s against 627 s).
test: venv
	scripts/ensure-postgres.sh
	scripts/ensure-chromium.sh
	scripts/ensure-fonts.sh
	$(BIN)/pytest -n 3 --dist worksteal $(PYTEST_ARGS)

# B1 drives HTTP with Debian's wrk and profiles the web process with py-spy (the bench extra).
bench: venv
	scripts/ensure-postgres.sh
	scripts/ensure-wrk.sh
	test -x $(BIN)/py-spy || $(BIN)/pip install -e '.[test,bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) var/*.sqlite* .pytest_cache .hypothesis build dist *.egg-info
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# Re-extract the French msgids into engage/locale/engage.pot (lingua's pot-create,
# plus the domain error messages and age bands), merge them into each translation's
# .po, compile the .mo.  lingua is a development tool only, not a runtime dependency.
.PHONY: catalog
catalog: venv
	$(BIN)/python -c 'import lingua' 2>/dev/null || $(BIN)/pip install lingua
	$(BIN)/python engage/locale/build_catalog.py

.PHONY: bench-full
# The Paris 2017 scale (108,000 card holders...): builds its dataset once, then reuses it.
bench-full: venv
	scripts/ensure-postgres.sh
	$(BIN)/python -m benchmarks --scale 1.0

.PHONY: bench-export
# Issue 8 item 6: exporting 2,000,000 contributions (rows written in SQL into a throwaway
# schema, then the real /opendata download path in a fresh process; RESULTS.md gets the figures).
bench-export: venv
	scripts/ensure-postgres.sh
	$(BIN)/python -m benchmarks.export_2m $(BENCH_EXPORT_ARGS)
