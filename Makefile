# ШНОР — set-up and everyday commands. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres venv install browser upgrade demo clean audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

venv install: $(STAMP)

upgrade: $(STAMP)
	mkdir -p instance
	$(FLASK) db upgrade

demo: upgrade
	$(FLASK) demo load --if-empty

run: demo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Debian's Chromium for the end-to-end tests; installed when missing and we are allowed to.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian chromium for the end-to-end tests…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver poppler-utils >/dev/null) \
	      || echo "!!! Could not install chromium: end-to-end tests will be SKIPPED !!!"; \
	  else echo "!!! /usr/bin/chromium is missing and cannot be installed: end-to-end tests will be SKIPPED !!!"; fi; \
	fi
	@if ! command -v pdftotext >/dev/null && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null || true; fi

test: $(STAMP) browser
	$(MAKE) test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) test-postgres; \
	else echo "TEST_DATABASE_URL is not set: the PostgreSQL run is skipped."; fi

test-sqlite: $(STAMP)
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q -p no:cacheprovider -n 2

test-postgres: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 -m "not e2e"

audit: $(STAMP)
	$(BIN)/bandit -q -r shnor_app
	$(BIN)/pip-audit --skip-editable || echo "pip-audit could not finish (it needs pypi.org); see README"

clean:
	rm -rf $(VENV) .pytest_cache
