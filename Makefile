# Verme: `make run` serves the demo, `make test` runs every check. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
LOCALE_DIRS := $(shell find verme -type d -name locale -not -path '*/node_modules/*')

.PHONY: help install translations run worker test lint typecheck pytest bench messages clean

help:  ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m verme.grouping compile
	touch $@

install: $(VENV)/.installed  ## Create .venv and install Verme with its dev dependencies

translations: install  ## Compile the .po files into .mo files (no system gettext needed)
	@for dir in $(LOCALE_DIRS); do $(BIN)/pybabel -q compile -d $$dir -D django --use-fuzzy || exit 1; done

run: translations  ## Migrate, load the demo, start the task worker and serve on http://127.0.0.1:8000
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo
	@echo "Verme is starting on http://$(HOST):$(PORT)/ (Ctrl+C stops it and its task worker)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(BIN)/python manage.py db_worker --queue-name '*' --interval 1 & \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install  ## Run only the background task worker (e-mail, group formation)
	$(BIN)/python manage.py db_worker --queue-name '*'

test: translations lint typecheck pytest  ## ruff, mypy --strict and pytest (browser journeys included)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: translations
	@command -v chromium >/dev/null 2>&1 || echo "NOTE: Chromium is missing, so browser journeys are skipped. Install it with: sudo apt-get install chromium"
	$(BIN)/pytest $(PYTEST_ARGS)

bench: translations  ## Benchmarks; figures go to docs/benchmarks.md
	$(BIN)/python -m bench $(BENCH_ARGS)

messages: install  ## Extract new strings into the .po files (needs GNU gettext) and compile them
	$(BIN)/python manage.py makemessages --no-obsolete --no-location -l fi -l sv -l en --ignore 'bench/*' --ignore 'verme/grouping/*' --ignore '*/tests/*' --ignore 'staticfiles/*'
	$(MAKE) translations

clean:  ## Remove the virtualenv, compiled translations and caches (keeps the database)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache staticfiles
	find verme -name '*.mo' -delete
