# One command each: `make demo` sets up and runs the example brand; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: setup demo test test-pg lint bench docs clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/adloom run examples/restwave

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/adloom policy test --min-coverage 100
	$(BIN)/pytest

test-pg: setup
	ADLOOM_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest

docs: setup
	$(BIN)/python -m adloom.docsgen

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) out .adloom examples/*/.adloom
