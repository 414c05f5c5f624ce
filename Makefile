# The two commands a new developer needs:  make run  and  make test.
# Both do every set-up step themselves (virtualenv, packages, database, browser).

PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# The tests run against real servers: PostgreSQL and Redis on this machine unless told otherwise.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/tasp)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
PYTEST_WORKERS ?= 2

.PHONY: install run test lint format check-compose

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
		$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
