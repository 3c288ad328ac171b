# Zhijia — the two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
PY := $(UV) run --frozen python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run dev topology backup-check setup test lint types layers pytest e2e messages clean seal

$(UV):
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --user --quiet uv || pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

setup: .venv/.synced
	@mkdir -p var

# The production stack on SQLite: gunicorn + the periodic-job scheduler, DEBUG off, compressed
# static files, demo data once; Ctrl-C stops everything (scripts/run.py).
run: setup
	$(PY) scripts/run.py --host $(HOST) --port $(PORT)

# For contributors: Django's auto-reloading development server (DEBUG on, tasks inline).
dev: setup
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py migrate --noinput
	@if [ ! -f var/.demo-seeded ]; then DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py seed_demo | tee var/demo-logins.txt && touch var/.demo-seeded; else cat var/demo-logins.txt; fi
	@echo ""
	@echo "Zhijia (development server) is at http://$(HOST):$(PORT)/  (console /console/, worker H5 /h5/, API docs /api/v1/docs)"
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py runserver $(HOST):$(PORT)

# The province topology on this machine (docs/deploy.md): PostgreSQL primary + streaming replica,
# Redis, gunicorn, Celery worker and beat as separate processes. `deploy/topology.sh down` stops it.
topology: setup
	bash deploy/topology.sh up
	bash deploy/topology.sh check

# Dump the PostgreSQL database (DATABASE_URL), restore it into a fresh one, audit_verify the copy.
backup-check: setup
	bash deploy/backup.sh --check

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

types: setup
	$(UV) run --frozen mypy zhijia/core zhijia/orgs zhijia/accounts zhijia/members zhijia/records zhijia/positions zhijia/catalog zhijia/activities zhijia/dispatch zhijia/benefits zhijia/stats zhijia/elections zhijia/voice zhijia/contests zhijia/labour zhijia/casework zhijia/honours zhijia/web

layers: setup
	$(UV) run --frozen lint-imports

pytest: setup
	$(UV) run --frozen pytest -m "not e2e" -n 2 --dist loadgroup $(PYTEST_ARGS)

# Lint, types, layering contract and the whole suite; on PostgreSQL too when DATABASE_URL is set.
test: lint types layers pytest

# Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium).
e2e: setup
	$(UV) run --frozen pytest -m e2e -p no:randomly $(PYTEST_ARGS)

messages: setup
	cd zhijia && $(PY) ../manage.py makemessages -l zh_Hans -l zh_Hant -l en --no-obsolete --add-location file
	@if ls zhijia/locale/pending/*.json >/dev/null 2>&1; then $(PY) scripts/fill_translations.py zhijia/locale/pending/*.json; fi
	$(PY) scripts/hant_from_hans.py
	cd zhijia && $(PY) ../manage.py compilemessages

seal: setup
	$(PY) manage.py audit_seal

clean:
	rm -rf .venv var
