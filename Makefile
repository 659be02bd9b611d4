# Victim contact casework: `make run` to use it, `make test` to check it. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
FLASK := $(BIN)/flask --app victims
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: help setup run serve test lint format e2e bench worker beat migrate seed clean system-packages

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMPS):
	@mkdir -p $(STAMPS)

$(STAMPS)/venv: requirements.txt requirements-dev.txt | $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

$(STAMPS)/npm: package.json package-lock.json | $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/.built: $(STAMPS)/npm build-assets.js $(wildcard frontend/*)
	npm run --silent build
	@touch $@

# Debian packages. The service prints letters with WeasyPrint, which needs Pango, HarfBuzz's
# subsetter and the Liberation fonts. The tests also need Chromium for the end-to-end tests (never a
# downloaded browser), libfaketime to start a Celery worker and beat a day ahead, redis-server for
# a Redis of the fault tests' own (restarted with its data wiped), and poppler-utils (pdftotext) to
# read the letters' PDFs back.
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2
TEST_PACKAGES := chromium faketime redis-server poppler-utils
$(STAMPS)/runtime-packages: scripts/debian-packages | $(STAMPS)
	scripts/debian-packages $(RUNTIME_PACKAGES)
	@touch $@

$(STAMPS)/system: $(STAMPS)/runtime-packages scripts/debian-packages | $(STAMPS)
	scripts/debian-packages $(TEST_PACKAGES)
	@touch $@

system-packages: $(STAMPS)/system ## Install the Debian packages the service and the tests need

setup: $(STAMPS)/venv static/.built $(STAMPS)/runtime-packages ## Install everything, migrate the database and load demo data
	$(FLASK) db upgrade
	$(FLASK) seed demo
	$(FLASK) reminders send-due

migrate: $(STAMPS)/venv ## Apply the database migrations
	$(FLASK) db upgrade

seed: $(STAMPS)/venv ## Load the demo data and print the sign-in details
	$(FLASK) seed demo

run: setup ## Set up, then start the web service, a Celery worker and beat (embedded defaults)
	@echo "Starting at http://$(HOST):$(PORT) with a Celery worker and beat. Ctrl-C stops all three."
	@trap 'kill 0' EXIT INT TERM; \
	  $(BIN)/celery -A tasks worker --loglevel=INFO --concurrency=1 --pool=solo & \
	  $(BIN)/celery -A tasks beat --loglevel=INFO & \
	  $(FLASK) run --host $(HOST) --port $(PORT)

serve: $(STAMPS)/venv static/.built ## Start the web service under gunicorn as production does (gunicorn.conf.py); `make worker` and `make beat` beside it
	$(BIN)/gunicorn -c gunicorn.conf.py -b $(HOST):$(PORT)

worker: $(STAMPS)/venv ## Start a Celery worker
	$(BIN)/celery -A tasks worker --loglevel=INFO

beat: $(STAMPS)/venv ## Start Celery beat
	$(BIN)/celery -A tasks beat --loglevel=INFO

test: lint static/.built $(STAMPS)/system ## Set up, lint (import contracts included) and run the whole test suite
	scripts/test-suite

e2e: $(STAMPS)/venv static/.built $(STAMPS)/system ## Run only the end-to-end browser tests
	$(BIN)/pytest tests/e2e

lint: $(STAMPS)/venv ## Lint with ruff, check the import contracts (pyproject.toml), type-check the pure domain
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy --strict --follow-imports=silent victims/domain

format: $(STAMPS)/venv ## Format with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The national data set in throw-away PostgreSQL databases, every page in one table, a load test on
# loopback (gunicorn and locust from the venv; Redis if one answers, else one of its own), the
# results in bench/results/. Settings (BENCH_SIZE=small for a quick run, ...): bench/__main__.py.
bench: $(STAMPS)/venv static/.built $(STAMPS)/system ## Run the benchmarks: pages at national scale, sweep, PDFs, load test (about 25 min)
	$(BIN)/python -m bench

clean: ## Remove what setup made (not the database in instance/)
	rm -rf $(VENV) node_modules static $(STAMPS)
