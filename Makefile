# Vigie: `make run` (embedded demo on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
MIN_PYTHON := 3.12
# The first interpreter that is Python >= 3.12 (pyenv reads .python-version).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)
DEV_ENV := VIGIE_ENV=development DEBUG=1

.PHONY: run test lint format worker beat migrate demo content bench messages clean check-python

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Vigie needs Python >= $(MIN_PYTHON) (Django 6.1 refuses older ones)."; \
		echo "Install it (for example: pyenv install 3.12) or run: make PYTHON=/path/to/python3.12"; \
		exit 1; fi

$(BIN)/.installed: requirements.lock | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

install: $(BIN)/.installed

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

content: migrate
	$(DEV_ENV) $(BIN)/python manage.py load_content

demo: content
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@mkdir -p var
	@$(DEV_ENV) $(BIN)/python manage.py send_reminders >> var/demo-mail.log 2>&1 \
		&& echo "Reminders due in the demo: sent once, mails in var/demo-mail.log, listed under Notifications ($$(tail -n 1 var/demo-mail.log))"

run: demo
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=test-artifacts --ignore=var
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv  # French is the source language

worker: install
	$(BIN)/celery -A portal worker --loglevel=INFO

beat: install
	$(BIN)/celery -A portal beat --loglevel=INFO

SCALE ?= default
bench: install  # make bench SCALE=region (tiny, small, default, region); BENCH_ARGS="--reuse"
	VIGIE_ENV=development $(BIN)/python manage.py bench --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
