# OpenPRM developer entry points. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OPENPRM := $(BIN)/openprm
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install install-dev run test fuzz lint format bench lock vendor-static screenshots clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "OpenPRM needs Python >= 3.11; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps make a re-run cheap: pip runs again only when a lock file changes.
$(VENV)/.installed-base: $(BIN)/python requirements/base.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/base.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base requirements/dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/dev.lock
	@touch $@

install: $(VENV)/.installed-base ## Create .venv and install OpenPRM from the lock file

install-dev: install $(VENV)/.installed-dev ## install, plus the test and lint tools

run: install ## Migrate, seed demo data if the database is empty, serve on http://$(HOST):$(PORT)
	$(OPENPRM) migrate --no-input --verbosity 0
	$(OPENPRM) seed-demo --if-empty
	$(OPENPRM) serve --host $(HOST) --port $(PORT)

# Three processes, not one: each starts with its own memory and test database. (An
# earlier suite grew to about 11 GB in one process; today a process stays under
# 1 GB, and CI runs the two databases' suites side by side.)
test: install-dev ## Run the whole test suite (browser tests too when Chromium is present)
	$(BIN)/python -m openprm.testing.browser_notice
	$(BIN)/pytest --ignore=tests/e2e --ignore=tests/test_api_fuzz.py $(PYTEST_ARGS)
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5: -k left none here
	$(BIN)/pytest tests/test_api_fuzz.py $(PYTEST_ARGS) || [ $$? -eq 5 ]

fuzz: install-dev ## The nightly-size API fuzzing: FUZZ_EXAMPLES (default 50) generated requests per operation and identity
	OPENPRM_FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),50) $(BIN)/pytest tests/test_api_fuzz.py $(PYTEST_ARGS)

lint: install-dev ## ruff check, format check and the layering contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install-dev ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev ## Run the benchmark suite (see bench/README.md); BENCH_ARGS passes flags
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.score_rate

lock: install-dev ## Re-resolve the lock files from pyproject.toml
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 -o requirements/base.lock -q
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --universal --python-version 3.11 -o requirements/dev.lock -q

screenshots: install-dev ## PNGs of the main portal and console pages (scripts/screenshots.py SHOTS) at 1366 and 390 px in var/screenshots
	$(BIN)/python scripts/screenshots.py

vendor-static: ## Refresh htmx, Bootstrap and Chart.js in static/vendor from npm (pinned versions)
	scripts/vendor-static.sh

clean: ## Remove the virtualenv and local data (var/)
	rm -rf $(VENV) var
