# Tongxin (同心圆). The README's two commands are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run worker scheduler test setup setup-dev browser translations i18n lint bench bench-load bench-scaleout deploy-check assets lighthouse security

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

translations:
	$(VENV)/bin/pybabel compile --use-fuzzy -d translations 2>/dev/null || $(VENV)/bin/pybabel compile -d translations

setup: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo

# Sets everything up on a fresh machine and serves http://127.0.0.1:5000 on SQLite with demo data, with the
# background-job consumer (imports, exports, reminders) and the scheduler (queues the reminders' dispatch every
# minute) beside the web server. Ctrl-C stops all three (a shell starts background commands with SIGINT ignored,
# so one still starting up when Ctrl-C comes gets SIGTERM after ten seconds).
# The development server speaks plain HTTP: its cookies go without the Secure flag (production keeps it).
run: setup
	@echo "同心圆 Tongxin: http://$(HOST):$(PORT)/  (Ctrl-C stops the web server, the worker and the scheduler)"
	@$(FLASK) worker & worker=$$!; \
	$(FLASK) scheduler & scheduler=$$!; \
	trap 'kill -INT $$worker $$scheduler 2>/dev/null; for i in 1 2 3 4 5 6 7 8 9 10; do \
	      kill -0 $$worker 2>/dev/null || kill -0 $$scheduler 2>/dev/null || break; sleep 1; done; \
	      kill -TERM $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	COOKIE_SECURE=$${COOKIE_SECURE:-0} $(FLASK) run --host $(HOST) --port $(PORT)

# The background-job consumer alone (production: one or more of these beside gunicorn).
worker: $(VENV)/.installed
	$(FLASK) worker

# The scheduler alone (production: one per deployment; a second one waits on its lease in the database).
scheduler: $(VENV)/.installed
	$(FLASK) scheduler

# Debian's Chromium and a Chinese font for the browser tests (Playwright's own download does not work here),
# pg_dump / pg_restore for `flask backup` on PostgreSQL, and wrk for `make bench-load`.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" \
			|| ! command -v pg_dump >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1; then \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei postgresql-client wrk >/dev/null; \
	fi

setup-dev: $(VENV)/.installed-dev translations browser

lint: setup-dev
	$(VENV)/bin/ruff check .

# Sets up and runs every test: ruff, then pytest on SQLite and PostgreSQL (127.0.0.1:5432), browser tests included.
test: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n 2 --dist worksteal -q $(PYTEST_ARGS)

# Follows README "Deployment" on a throw-away PostgreSQL database and gunicorn (2 workers), then undoes it.
deploy-check: $(VENV)/.installed
	VENV=$(VENV) scripts/deploy-check

# The attacks of docs/security.md (Schemathesis and sqlmap on a demo instance per database, bandit, pip-audit), in
# bounded time (SECURITY_MINUTES, default 25); outside `make test`. The tools live in their own virtualenv.
SECURITY_VENV ?= .venv-security
$(SECURITY_VENV)/.installed: requirements-security.txt
	python3 -m venv $(SECURITY_VENV)
	$(SECURITY_VENV)/bin/pip install --quiet -r requirements-security.txt
	touch $@

security: $(VENV)/.installed browser $(SECURITY_VENV)/.installed
	VENV=$(VENV) SECURITY_VENV=$(SECURITY_VENV) $(PY) scripts/security

# Re-extract messages and merge them into the Chinese catalogue (then translate the new entries).
i18n: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --project Tongxin --ignore-dirs='.venv migrations static tests' .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

bench: setup-dev
	$(PY) -m bench $(BENCH_ARGS)

# The load benchmark of docs/performance.md: gunicorn (2 workers) on the full-scale and the 1% bench-data
# databases beside a bare Flask app, wrk at 16 connections, the budgets met or missed. Fill them first:
# `DATABASE_URL=… flask --app app db upgrade && DATABASE_URL=… flask --app app bench-data [--scale 0.01]`.
BENCH_DATABASE ?= postgresql+psycopg://postgres@127.0.0.1:5432/tongxin_bench
BENCH_SMALL_DATABASE ?= postgresql+psycopg://postgres@127.0.0.1:5432/tongxin_bench_small
bench-load: setup-dev
	$(PY) -m bench.load --database $(BENCH_DATABASE) --small-database $(BENCH_SMALL_DATABASE) $(BENCH_ARGS)

# Two app servers, two queue consumers and two schedulers on one PostgreSQL and one Redis (database 13).
BENCH_REDIS ?= redis://127.0.0.1:6379/13
bench-scaleout: setup-dev
	$(PY) -m bench.scaleout --database $(BENCH_SMALL_DATABASE) --redis $(BENCH_REDIS) $(BENCH_ARGS)


# Front-end build and audit tools (Node 20; pinned in package.json / package-lock.json). The app never needs them.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Rebuild static/build/ (Bootstrap and icons the templates use) and the favicons; commit the result.
assets: node_modules/.installed $(VENV)/.installed-dev
	$(PY) scripts/build-assets

# Lighthouse (mobile) on gunicorn with a throw-away demo database: the sign-in, home, ballot and receipts pages.
lighthouse: node_modules/.installed $(VENV)/.installed browser
	VENV=$(VENV) $(PY) scripts/lighthouse
