# The two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
ARGS ?=
# Test processes (pytest-xdist): one per core; TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= auto

.PHONY: run test install vc-check migrate seed lint typecheck messages check clean bench restore-drill

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The open-source VC library the credential tests check with (tools/vc-check: Node 20+, npm).
# Without npm the step says so and those tests are skipped (CI requires them: .ci/run).
VC_CHECK := tools/vc-check
$(VC_CHECK)/node_modules/.installed: $(VC_CHECK)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(VC_CHECK) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "npm not found: the verifiable-credential library tests will be skipped (apt-get install nodejs npm)"; \
	fi

vc-check: $(VC_CHECK)/node_modules/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --base-url http://$(HOST):$(PORT)

run: seed
	@echo "Serving the simulation at http://$(HOST):$(PORT)/  (Ctrl+C to stop; PORT=8001 make run for another port)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install vc-check
	$(PY) -m pytest -n $(TEST_WORKERS) $(ARGS)

# Style (ruff), the dependency direction between apps (import-linter), then types (mypy with
# django-stubs); all configured in pyproject.toml.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# mypy with django-stubs (pyproject.toml) on its own; make lint runs it too.
typecheck: install
	$(VENV)/bin/mypy

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

messages: install
	$(PY) manage.py makemessages -l en --ignore=$(VENV) --ignore=var
	$(PY) manage.py compilemessages --ignore=$(VENV)

clean:
	rm -rf $(VENV) var $(VC_CHECK)/node_modules

# Throughput and latency at 10,000 and 1,000,000 people (PostgreSQL + Redis + gunicorn + wrk),
# 10,000 logged-in students and 10,000 report codes picked at random per request; writes
# bench/RESULTS.md. Takes about half an hour; options: make bench ARGS="--help".
bench: install
	$(PY) bench/run.py $(ARGS)

# Back up a PostgreSQL database and its media, restore into a scratch database, compare.
restore-drill: install
	$(PY) deploy/restore_drill.py
