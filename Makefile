# dataward: `make run` and `make test` are the whole quick start on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
FIDES_VENV := .fides-venv
FIDES_INSTALLED := $(FIDES_VENV)/.installed
SHIFT_DAYS ?= 365

.PHONY: run test test-shifted lint bench bench-load init fides-venv clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

# fideslang pins an older pydantic, so it lives in its own environment, used only to validate
# dataward's fideslang export.
$(FIDES_INSTALLED):
	$(PYTHON) -m venv $(FIDES_VENV)
	$(FIDES_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(FIDES_VENV)/bin/python -m pip install --quiet fideslang==3.1.4
	touch $(FIDES_INSTALLED)

fides-venv: $(FIDES_INSTALLED)

init: $(INSTALLED)
	$(BIN)/dataward init

run: init
	$(BIN)/dataward serve

test: $(INSTALLED) $(FIDES_INSTALLED)
	$(BIN)/pytest -n auto

# The suite again with the test process's clock SHIFT_DAYS days ahead: a test that reads the
# real date instead of an injected clock fails here (tests/shifted_clock.py). Tests that run
# dataward as processes of their own, or a browser, are left out: those processes read the real
# clock whatever the test's is, so the shift would prove nothing more of them; the large-file
# memory tests hold no dates. The SQL tests run on SQLite only: dataward never asks a database
# for the time (tests/test_clock_reads.py), so where a date comes from does not depend on which
# database keeps it, and `make test` has already run them on PostgreSQL.
test-shifted: $(INSTALLED) $(FIDES_INSTALLED)
	env -u DATAWARD_TEST_POSTGRES_URL DATAWARD_TEST_SHIFT_DAYS=$(SHIFT_DAYS) $(BIN)/pytest -n auto -m "not processes and not browser and not slow"

lint: $(INSTALLED)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(INSTALLED)
	$(BIN)/python bench/run.py

# The API under load on loopback, several serving processes against one (bench/load.py);
# needs a PostgreSQL server (LOAD_ARGS='--admin-url URL' names another than the local one).
bench-load: $(INSTALLED)
	$(BIN)/python -m bench.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) $(FIDES_VENV) var .pytest_cache .mypy_cache .ruff_cache
