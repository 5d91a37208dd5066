# The two commands of README.md: `make run` and `make test`. Both install what is missing first.
.PHONY: install run test lint typecheck imports check demo clean bench loadtest

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

# The benchmark of docs/benchmarks.md (issue 11): 10,000 synthetic members in the PostgreSQL
# database ogplocal_bench (BENCH_DATABASE_URL), pages served by gunicorn and loaded by wrk on
# loopback, Redis database 3 (BENCH_REDIS_URL). `make bench BENCH_ARGS=--keep` reuses the data set.
bench: install
	$(PY) -m bench.run $(BENCH_ARGS)

# The load run of issue 10: 50 concurrent clients for 60 s across public pages, workspace pages and
# the API, zero errors; the API's rate limits are raised for it by configuration (bench/run.py).
loadtest: install
	$(PY) -m bench.run --loadtest --keep $(LOADTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy .

# The layers of docs/architecture.md (import-linter's contracts in pyproject.toml).
imports: install
	$(VENV)/bin/lint-imports

check: lint typecheck imports
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
