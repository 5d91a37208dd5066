# The two commands of README.md: `make run` and `make test`. Both install what is missing first.
.PHONY: install run test lint typecheck check demo clean

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

install:
	@scripts/install

# The portal on http://127.0.0.1:8000 with an SQLite file, an in-process cache and eager Celery
# tasks (no broker needed), loaded with the demo data of README.md.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole test suite. Uses DATABASE_URL and REDIS_URL when set; with CI=true they are required.
test: install
	$(PY) -m pytest $(if $(filter true 1 yes,$(CI)),--create-db)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy .

check: lint typecheck
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
