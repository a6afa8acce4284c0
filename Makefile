# Comity's single entry point. `make demo` and `make test` work on a fresh machine with Python 3.11+.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help demo test test-fast coverage check lint format types migrations-check boundary browser messages messages-check bench bench-pages smoke clean

help:
	@echo "make demo    - install, create the demo street and serve it on http://127.0.0.1:$(PORT)"
	@echo "make test    - install and run the whole test suite"
	@echo "make test-fast - the engine, the foundation and the services (a few minutes); make coverage - the same with a floor"
	@echo "make check   - lint, types, migrations check, import boundary, tests"
	@echo "make browser - Playwright journeys (needs /usr/bin/chromium)"
	@echo "make messages - update and compile the translations"
	@echo "make smoke   - the production smoke run on throwaway PostgreSQL and Redis (deploy/smoke/run; as root)"
	@echo "make bench-pages - the main pages under 50 clients against a bare Django view (benchmarks/bench_load.py)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Comity needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

# The demo runs as a user sees it (comity/demo/settings.py): DEBUG off, so friendly error pages; WhiteNoise
# serves static files and a demo-only view the uploads; e-mails go to the outbox page, not the terminal.
demo: export DJANGO_SETTINGS_MODULE = comity.demo.settings
demo: $(VENV)/.installed
	$(BIN)/comity manage migrate --no-input -v 0
	$(BIN)/comity demo
	COMITY_INLINE_JOBS=true $(BIN)/comity manage runserver 127.0.0.1:$(PORT)

# The browser journeys run too wherever Debian's Chromium is installed (.ci/run installs it).
test: $(VENV)/.installed-dev
	$(BIN)/pytest -n auto -m "not browser" $(PYTEST_ARGS)
	@if [ -x /usr/bin/chromium ]; then $(BIN)/pytest -m browser -p no:xdist $(PYTEST_ARGS); \
	else echo "Chromium is not installed (/usr/bin/chromium): browser journeys not run; see make browser"; fi

# The quick loop while working (a few minutes): the engine without the slowest goldens, the foundation, the apps'
# services, the jobs outbox and the foundation's own modules, and the architecture's claims. `make coverage` runs the
# same with coverage and a floor.
FAST_TESTS = tests/engine tests/apps/test_foundation.py tests/apps/test_claims.py $(wildcard tests/apps/test_*services*.py) \
	tests/apps/test_jobs.py tests/apps/test_caching.py tests/apps/test_compression.py tests/apps/test_quick_select.py tests/apps/test_replica.py \
	tests/apps/test_privacy_rights.py tests/apps/test_privacy_retention.py tests/apps/test_privacy_notice.py
COVERAGE_FLOOR ?= 85

test-fast: $(VENV)/.installed-dev
	$(BIN)/pytest -n auto -q -m "not browser and not slow" $(FAST_TESTS) $(PYTEST_ARGS)

coverage: $(VENV)/.installed-dev
	$(BIN)/pytest -n auto -q -m "not browser and not slow" --cov --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR) $(FAST_TESTS) $(PYTEST_ARGS)

browser: $(VENV)/.installed-dev
	$(BIN)/pytest -m browser -p no:xdist $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check comity tests benchmarks
	$(BIN)/ruff format --check comity tests benchmarks

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix comity tests benchmarks
	$(BIN)/ruff format comity tests benchmarks

types: $(VENV)/.installed-dev
	$(BIN)/mypy comity

migrations-check: $(VENV)/.installed-dev
	$(BIN)/comity manage makemigrations --check --dry-run

# The engine imports no Django (import-linter), and its tests run with Django's pytest plugin switched off.
boundary: $(VENV)/.installed-dev
	$(BIN)/lint-imports
	$(BIN)/pytest -q -p no:django -p no:cacheprovider -W ignore::pytest.PytestConfigWarning tests/engine

check: lint types migrations-check boundary messages-check test

messages: $(VENV)/.installed-dev
	cd comity && ../$(BIN)/comity manage makemessages -l zh_Hans --no-obsolete --ignore 'migrations/*'
	cd comity && ../$(BIN)/comity manage compilemessages

# Fails when a translatable string was added or changed without `make messages` (needs GNU gettext). It works on a
# copy of the package, so it rewrites nothing: the catalogue is extracted again there and compared with the one in
# the repository (source references and dates aside), and the compiled catalogue with its source.
messages-check: $(VENV)/.installed-dev
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cp -r comity "$$tmp/" && \
	( cd "$$tmp/comity" && PYTHONPATH="$$tmp" DJANGO_SETTINGS_MODULE=comity.config.settings \
	  $(CURDIR)/$(BIN)/python -m django makemessages -l zh_Hans --no-obsolete --ignore 'migrations/*' -v 0 ) && \
	if ! diff -u -I '^#: ' -I 'POT-Creation-Date' -I 'PO-Revision-Date' \
	    comity/locale/zh_Hans/LC_MESSAGES/django.po "$$tmp/comity/locale/zh_Hans/LC_MESSAGES/django.po"; then \
	  echo "The translations are out of date: run make messages and translate what is new."; exit 1; fi && \
	msgfmt --check -o "$$tmp/fresh.mo" comity/locale/zh_Hans/LC_MESSAGES/django.po && \
	if ! cmp -s <(msgunfmt "$$tmp/fresh.mo") <(msgunfmt comity/locale/zh_Hans/LC_MESSAGES/django.mo); then \
	  echo "django.mo is not compiled from django.po: run make messages."; exit 1; fi && \
	echo "Translations up to date."

bench: $(VENV)/.installed-dev
	@ls benchmarks/*.py >/dev/null 2>&1 && for b in benchmarks/bench_*.py; do $(BIN)/python $$b; done || echo "no benchmarks yet"

# The main pages of each role under 50 concurrent clients, served by `comity serve` on a throwaway PostgreSQL and
# Redis, against a bare one-query view in the same run (docs/benchmarks.md, "Pages under load"). About 10 minutes.
bench-pages: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_load.py

# The production smoke run (deploy/smoke/run): a throwaway PostgreSQL primary and streaming replica and a Redis on
# ports 7501-7510, the deployment's steps, then load, the broker stopped, a worker killed, the database restarted,
# a replica read, backup and restore. Needs PostgreSQL 15's programs and redis-server; run as root (PostgreSQL's
# programs run as the postgres user). It stops everything it started, on failure too.
smoke: $(VENV)/.installed-dev
	deploy/smoke/run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
