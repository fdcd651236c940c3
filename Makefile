# ClinicalMetric CMS. `make run` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
# Python 3.12 where the machine has one (on PATH or from pyenv), else python3 (3.11+):
# on 3.12 coverage measures through sys.monitoring, which makes the coverage gate nearly
# free (Python 3.11's tracer made the SQLite pass about 1.5x slower).
PYTHON ?= $(shell for p in python3.12 $$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.12.*/bin/python3.12 2>/dev/null | sort -V | tail -1); do "$$p" -c '' 2>/dev/null && { echo "$$p"; exit 0; }; done; echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run serve worker migrate demo test test-postgres lint format bench mutate check-deploy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever requirements.txt changes.
# The .pth file lets every interpreter of the venv import the project's `site` package
# (site_package.py), so `django-admin` and `python -m django` work as manage.py does.
$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	printf '%s\nimport site_package\n' "$(CURDIR)" > "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/clinicalmetric_site.pth"
	touch $(STAMP)

install: $(STAMP) static/vendor/leaflet/leaflet.js

# Leaflet (the trial maps) from npm, installed by the build, never committed. Without
# npm the pages keep their site lists and show no map.
static/vendor/leaflet/leaflet.js: package.json package-lock.json
	@if command -v npm >/dev/null; then \
		{ npm ci --no-audit --no-fund --silent && mkdir -p static/vendor/leaflet && \
		cp -r node_modules/leaflet/dist/. static/vendor/leaflet/ && touch $@; } || \
		echo "npm ci failed: no Leaflet, the trial pages show no map"; \
	else echo "npm not found: no Leaflet, the trial pages show no map"; fi

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo_content

# Web server and task worker together in the foreground; Ctrl-C stops both.
run: demo
	@echo "Starting http://127.0.0.1:8000 (web) and the django-q2 worker. Ctrl-C stops both."
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py qcluster & \
	$(BIN)/python manage.py runserver 127.0.0.1:8000 --noreload & \
	wait

worker: install
	$(BIN)/python manage.py qcluster

# The whole suite in parallel (one worker per core) with the coverage gate of
# pyproject.toml; `make test COV= PYTEST_ARGS=tests/people` runs a part without the gate.
WORKERS ?= auto
COV ?= --cov --cov-report=term
test: install
	bash .ci/ensure-chromium
	COVERAGE_CORE=$$($(BIN)/python -c 'import sys; print("sysmon" if sys.version_info >= (3, 12) else "ctrace")') \
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup $(COV) $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(MAKE) test

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A fresh 64-character key each run: a key built from $$RANDOM was under Django's 50
# characters about one run in fifty (small numbers), which failed CI at random.
check-deploy: install
	DJANGO_SETTINGS_MODULE=site.settings.production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(32))') \
	ALLOWED_HOSTS=cms.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

# Benchmarks print their figures; they need PostgreSQL and wrk (installed if missing).
bench: install
	$(BIN)/python benchmarks/page_render.py
	$(BIN)/python benchmarks/api.py
	$(BIN)/python benchmarks/sync.py
	$(BIN)/python benchmarks/trial_browse.py

# Mutation testing (mutmut) of the review rules and the registry writer, scoped in
# pyproject.toml's [tool.mutmut]; `make mutate` then lists the surviving mutants.
mutate: install
	rm -rf mutants
	$(BIN)/mutmut run
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache mutants
