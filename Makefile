# ШНОР — set-up and everyday commands. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres venv install browser upgrade demo clean audit bench bench-quick bench-two lock

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

# The benchmark (bench/run.py; README, «Бенчмарк / Benchmark»): SQLite, then PostgreSQL when BENCH_DATABASE_URL or
# TEST_DATABASE_URL is set (that database is ERASED). Writes bench/RESULTS.md; fails when a
# budget is broken. bench-quick checks the harness itself on a small region in about 2 minutes.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-quick: $(BENCH_STAMP)
	$(BIN)/python -m bench.run --scale quick --duration 2 $(BENCH_ARGS)

# Two servers behind nginx on one PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL, ERASED):
# shared files, shared PDF cache, sessions ended everywhere, no errors at 60 users.
bench-two: $(BENCH_STAMP)
	$(BIN)/python -m bench.two_servers $(BENCH_ARGS)

# requirements.lock: what production installs (README), every package pinned with its hashes,
# the test extras left out. Remake it after a change of pyproject.toml's dependencies.
TOOLS := .venv-tools

lock:
	@[ -x $(TOOLS)/bin/pip-compile ] || ($(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet pip-tools)
	$(TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --build-deps-for=wheel \
	  --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache
