# The two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Python 3.12: an explicit PYTHON, else python3.12 on PATH (pyenv's shim reads .python-version).
PYTHON ?= $(shell command -v python3.12 2>/dev/null || ls $$HOME/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | tail -n1)
DEV := DJANGO_DEBUG=1

.PHONY: run test test-unit test-browser lint format install install-dev browser-deps bench clean

run: $(VENV)/.installed
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py load_demo
	$(DEV) $(PY) manage.py collectstatic --noinput -v 0
	@echo "门户网站： http://127.0.0.1:$(PORT)/    管理后台： http://127.0.0.1:$(PORT)/admin/    演示账号：.demo-accounts.txt"
	$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite: unit and integration tests, then the browser tests in their own run (their
# live server flushes the database; a run of their own keeps that from touching the others).
test: test-unit test-browser

# The unit and integration tests on every core (pytest-xdist: one database per worker).
test-unit: $(VENV)/.installed-dev node_modules/axe-core/axe.min.js
	$(PY) -m pytest -m "not browser" -n auto $(PYTEST_ARGS)

test-browser: $(VENV)/.installed-dev node_modules/axe-core/axe.min.js
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

# axe-core (npm) for the accessibility checks of the browser tests, and vnu-jar (the Nu HTML
# checker, run by tests/portal/test_html_validity.py on every public form page).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "找不到 python3.12：请安装 Python 3.12（如 pyenv install 3.12.1）"; exit 1; }
	PYENV_VERSION=3.12.1 $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# System packages for PDFs (WeasyPrint + CJK fonts), browser tests (Debian's chromium) and the Nu HTML
# checker (Java).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; fi
	@command -v java >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	@# pdftotext reads the booklet PDF back in its test (without it that test is skipped).
	@command -v pdftotext >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

# Throughput and latency on PostgreSQL with 1,000,000 items (generated once into portal_bench).
bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py
	$(PY) bench/content_safety.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench} DJANGO_DEBUG=1 \
	  $(PY) bench/explain.py > bench/explain.txt
	$(PY) bench/profile_page.py /zwgk/lm/tzgg/ /zwgk/xxgk/{item}/ --repeat 300 --profile > bench/profile.txt

# Security checks (CI): bandit at high severity only, and known vulnerabilities of the pins.
# audit_dependencies exits 1 on a vulnerability or a partial audit and 3 when the advisory service
# could not be reached (nothing audited): never a pass it did not earn.
.PHONY: audit
audit: $(VENV)/.installed-dev
	$(VENV)/bin/bandit -r portal disclosure services complaints oversight api -lll -q
	$(DEV) $(PY) manage.py audit_dependencies

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
