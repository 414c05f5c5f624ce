# The two commands a new developer needs:  make run  and  make test.
# Both do every set-up step themselves (virtualenv, packages, database, browser).

PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# The tests run against real servers: PostgreSQL and Redis on this machine unless told otherwise.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/tasp)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
PYTEST_WORKERS ?= 2

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tasp_bench
BENCH_SUBSCRIBERS ?= 20000
BENCH_PAGES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tasp_bench_pages
BENCH_PAGES_REDIS_URL ?= redis://127.0.0.1:6379/3
BENCH_IMPORT_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tasp_bench_import
BENCH_IMPORT_REDIS_URL ?= redis://127.0.0.1:6379/2

# make test-dates: the suite with the clock moved to each of these (any date must work).
TEST_DATES ?= 2027-06-15T10:00:00 2028-02-01T10:00:00 2029-06-15T10:00:00

.PHONY: install run test test-production test-dates lint format bench bench-compare bench-pages \
	bench-import

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

run: install
	PATH="$(BIN):$$PATH" scripts/run-dev

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install lint
	scripts/ensure-system-packages
	DJANGO_DEBUG=true DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --ignore=tests/production $(PYTEST_ARGS)
	$(MAKE) test-production

# The production stage (tests/production/): the tree built as the Dockerfile builds it, started
# by scripts/start (gunicorn, a Celery worker and beat) with DEBUG off, on PostgreSQL, Redis and
# an SMTP server in the test process; browser journeys and axe against it.
test-production: install
	scripts/ensure-system-packages
	DJANGO_DEBUG=true DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/pytest tests/production -p no:xdist -p no:logging $(PRODUCTION_ARGS)

# Not part of make test (its time budget): the suite but browser and production once per
# TEST_DATES, under faketime (libfaketime by LD_PRELOAD: the test process and the Celery workers it
# starts see the moved clock and time_machine still travels from there; PostgreSQL and Redis keep
# the real one). Every date is run; the target fails if any did.
test-dates: install
	scripts/ensure-system-packages
	status=0; for day in $(TEST_DATES); do \
		echo "make test-dates: the suite on $$day"; \
		DJANGO_DEBUG=true DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
			faketime "$$day" $(BIN)/pytest -m "not browser" -n $(PYTEST_WORKERS) --dist loadfile \
			--ignore=tests/production $(PYTEST_ARGS) || status=1; \
	done; exit $$status

# Not part of make test: a real send to 20,000 subscribers through two workers (about a minute).
bench: install
	command -v smtp-sink >/dev/null 2>&1 || [ -x /usr/sbin/smtp-sink ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null)
	psql "$(BENCH_DATABASE_URL)" -c 'select 1' >/dev/null 2>&1 || \
		createdb -h 127.0.0.1 -U postgres tasp_bench
	DJANGO_DEBUG=true DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/python manage.py migrate --no-input -v0
	DJANGO_DEBUG=true DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/python manage.py bench_send --subscribers $(BENCH_SUBSCRIBERS) --workers 2

# Not part of make test: make bench at commit BASE and at this tree, alternately, 3 runs each.
BASE ?= HEAD
bench-compare: install
	command -v smtp-sink >/dev/null 2>&1 || [ -x /usr/sbin/smtp-sink ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null)
	REDIS_URL=$(TEST_REDIS_URL) scripts/bench-compare $(BASE)

# Not part of make test: every public page under gunicorn (production settings, 2 workers) with
# 10,000 issues and 10,000 vacancies in a database of its own, wrk with 20 connections; prints
# req/s, p50/p95/p99 and each page's ratio to /healthz in the same run (a few minutes).
bench-pages: install
	command -v wrk >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	psql "$(BENCH_PAGES_DATABASE_URL)" -c 'select 1' >/dev/null 2>&1 || \
		createdb -h 127.0.0.1 -U postgres tasp_bench_pages
	DJANGO_DEBUG=true DATABASE_URL=$(BENCH_PAGES_DATABASE_URL) REDIS_URL=$(BENCH_PAGES_REDIS_URL) \
		$(BIN)/python manage.py migrate --no-input -v0
	DJANGO_DEBUG=true DATABASE_URL=$(BENCH_PAGES_DATABASE_URL) REDIS_URL=$(BENCH_PAGES_REDIS_URL) \
		$(BIN)/python manage.py seed_demo --quiet-login >/dev/null
	DJANGO_DEBUG=true DATABASE_URL=$(BENCH_PAGES_DATABASE_URL) REDIS_URL=$(BENCH_PAGES_REDIS_URL) \
		$(BIN)/python manage.py bench_pages $(BENCH_PAGES_ARGS)

# Not part of make test: a 50,000-row Mailchimp-style CSV imported by the worker's service on
# PostgreSQL in a database of its own, three runs; prints rows/s, each run's time and the median.
bench-import: install
	psql "$(BENCH_IMPORT_DATABASE_URL)" -c 'select 1' >/dev/null 2>&1 || \
		createdb -h 127.0.0.1 -U postgres tasp_bench_import
	DJANGO_DEBUG=true DATABASE_URL=$(BENCH_IMPORT_DATABASE_URL) REDIS_URL=$(BENCH_IMPORT_REDIS_URL) \
		$(BIN)/python manage.py migrate --no-input -v0
	DJANGO_DEBUG=true DATABASE_URL=$(BENCH_IMPORT_DATABASE_URL) REDIS_URL=$(BENCH_IMPORT_REDIS_URL) \
		$(BIN)/python manage.py bench_import --rows 50000 --runs 3
